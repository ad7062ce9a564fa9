"""Words, sentences and LIX for the feedback check. Pure Python: no Django here."""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
# A sentence ends at . ! ? or … followed by a space or the end, or at a blank line or
# a line break (lists and greetings are their own sentences).
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n\s*")


def normalise(text: str) -> str:
    """Straight apostrophes and quotes, no control characters, one kind of line break."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate({0x2019: "'", 0x2018: "'", 0x201C: '"', 0x201D: '"', 0x00A0: " "})
    return "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())


def words(text: str) -> list[str]:
    return WORD.findall(text)


def sentences(text: str) -> list[str]:
    parts = (part.strip() for part in SENTENCE_END.split(text))
    return [part for part in parts if words(part)]


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    long_words: int
    mean_sentence_words: float
    longest_sentence_words: int
    longest_sentence: str
    lix: float


def readability(text: str, *, long_word_letters: int = 7) -> Readability:
    """LIX (Björnsson 1968) = words / sentences + 100 * long words / words, where a long
    word has more than six letters; works for Swedish and English alike."""
    all_words = words(text)
    parts = sentences(text)
    if not all_words or not parts:
        return Readability(0, 0, 0, 0.0, 0, "", 0.0)
    counts = [len(words(part)) for part in parts]
    longest = max(range(len(parts)), key=counts.__getitem__)
    long_words = sum(1 for word in all_words if len(word) >= long_word_letters)
    mean = len(all_words) / len(parts)
    lix = mean + 100 * long_words / len(all_words)
    return Readability(
        words=len(all_words),
        sentences=len(parts),
        long_words=long_words,
        mean_sentence_words=round(mean, 1),
        longest_sentence_words=counts[longest],
        longest_sentence=parts[longest],
        lix=round(lix, 1),
    )


def stem(word: str, suffixes: list[str], *, keep: int = 4) -> str:
    """Take off the longest listed suffix that leaves at least ``keep`` letters."""
    word = word.lower()
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            return word[: -len(suffix)]
    return word


def content_stems(text: str, *, stopwords: frozenset, suffixes: list[str], min_letters: int):
    """The stems of the words that carry content, with one surface form of each."""
    found: dict[str, str] = {}
    for word in words(text):
        lower = word.lower()
        if len(lower) < min_letters or lower in stopwords:
            continue
        found.setdefault(stem(lower, suffixes), word)
    return found
