"""Which language a draft is written in, so that it is checked by that language's rules.

A therapist writes to a Swedish-preferring patient in English (or the clinic's templates
are English): the patient's preferred language is only the fallback. The draft's own
words decide: each language scores the draft's words that are function words of that
language only (its ``stopwords`` list in ``data/<code>.toml``, minus the words the
languages share, such as "i"), and letters that only one of them uses (å, ä, ö for
Swedish) add to its score. A language wins with a clear lead; a short or mixed draft
keeps the fallback.

Pure Python and no model: the check knows two languages, and their function-word lists
are already here. A general identifier (e.g. ``lingua-language-detector``) would be the
choice for more languages; see docs/decisions/0020-team-day.md.
"""

from __future__ import annotations

from functools import cache

from . import text as t
from .data import LANGUAGES, language_code, load_language

MIN_EVIDENCE = 3  # words that point to a language before the draft's own language counts
LEAD = 1.5  # the winner's score must be this many times the runner-up's
LETTERS = {"sv": frozenset("åäö")}


@cache
def _distinct_stopwords() -> dict[str, frozenset[str]]:
    lists = {code: load_language(code).stopwords for code in LANGUAGES}
    return {
        code: frozenset(
            word
            for word in words
            if not any(word in other for key, other in lists.items() if key != code)
        )
        for code, words in lists.items()
    }


def scores(draft: str) -> dict[str, int]:
    """Evidence per language: its own function words, and words with its own letters."""
    distinct = _distinct_stopwords()
    tally = dict.fromkeys(LANGUAGES, 0)
    for word in t.words(t.normalise(str(draft or ""))):
        lower = word.lower()
        for code in LANGUAGES:
            if lower in distinct[code] or (LETTERS.get(code, set()) & set(lower)):
                tally[code] += 1
    return tally


def detect(draft: str, fallback: str | None = None) -> str:
    """The language the draft is written in (a code of ``LANGUAGES``), else the fallback."""
    fallback = language_code(fallback)
    tally = scores(draft)
    ranked = sorted(tally.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_second, runner_up) = ranked[0], ranked[1]
    if top >= MIN_EVIDENCE and top >= LEAD * runner_up and top > runner_up:
        return best
    return fallback
