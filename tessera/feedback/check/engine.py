"""The rules of the feedback check. Each cites the finding it rests on (see messages.py
for the wording shown and the data files for the phrase lists)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from tessera.core import risk_words

from . import text as t
from .data import LanguageData, load_language, thresholds
from .language import detect
from .messages import JARGON_HINT, MESSAGES, REASONS

MAX_CHARS = 50_000
EVIDENCE_CHARS = 120
ABBREVIATION = re.compile(r"(?<![\w-])([A-ZÅÄÖ]{2,6}(?:-\d+)?)(?![\w])")
QUOTED = re.compile(r"[\"«]([^\"«»]{3,400})[\"»]")
# Gaps a template leaves for the therapist: a free-standing ellipsis ("try to ..."), a
# placeholder in braces or brackets ("{name}", "[NAME]", "[...]"), a blank line of
# underscores or X's. An ellipsis that ends a word ("it was hard...") is prose.
PLACEHOLDER = re.compile(
    r"(?:(?<=\s)|^)(?:\.{3}|…)(?=\s|$|[,;:)])"
    r"|\{[^{}\n]{0,40}\}"
    r"|\[(?:[A-ZÅÄÖ0-9 _-]{2,40}|\.{3}|…)\]"
    r"|_{3,}"
    r"|\b[Xx]{3,}\b",
    re.MULTILINE,
)
PLACEHOLDER_WORDS = 3


@dataclass(frozen=True)
class Context:
    first_name: str = ""
    module_title: str = ""
    patient_words: str = ""  # the patient's own text from the worksheet being answered
    has_next_task: bool = True
    open_risk_alerts: int = 0  # unresolved risk alerts of the episode


@dataclass(frozen=True)
class Remark:
    code: str
    met: bool
    message: str
    reason: str
    evidence: list[str] = field(default_factory=list)


def _identity(text: str) -> str:
    return text


def check_draft(
    draft: str,
    language: str = "en",
    context: Context | None = None,
    *,
    translate: Callable[[str], str] = _identity,
) -> list[Remark]:
    """Every remark on the draft, in a fixed order. Never raises on any text.

    Risk comes first: when the episode has an open risk alert, or the patient's text
    being answered has words of self-harm or suicide (``tessera.core.risk_words``), the
    first remark is "address safety first", before any other advice.

    ``language`` is the fallback (usually the patient's preferred language): the draft
    is checked in the language it is written in, when its words show it (``detect``)."""
    context = context or Context()
    draft = t.normalise(str(draft or "")[:MAX_CHARS])
    patient_words = t.normalise(str(context.patient_words or "")[:MAX_CHARS])
    data = load_language(detect(draft, language))
    limits = thresholds()
    out: list[Remark] = []

    def remark(code: str, state, evidence=(), **params) -> None:
        message = translate(MESSAGES[(code, state)])
        if params:
            message = message % params
        met = state is True or state == "name_only"
        out.append(Remark(code, met, message, translate(REASONS[code]), list(evidence)))

    risky = risk_words.find(patient_words)
    if risky:
        quoted = [f"\u201c{phrase}\u201d" for phrase in risky]
        remark("safety_first", "words", quoted, words=", ".join(quoted))
    elif context.open_risk_alerts:
        remark("safety_first", "alert")
    for code in ("reinforces_task", "prompts_next_task", "affirms_encourages"):
        if code == "prompts_next_task" and not context.has_next_task:
            continue
        found = _matches(getattr(data, code), draft)
        remark(code, bool(found), found)
    remark(*_personalises(draft, patient_words, context.first_name, data, limits["personalises"]))
    jargon = [
        translate(JARGON_HINT) % {"term": term, "plain": plain}
        for term, plain in _jargon(draft, data)
    ]
    remark("avoids_jargon", not jargon, jargon, words="; ".join(jargon))
    unexplained = _unexplained_abbreviations(draft, data)
    remark("explains_abbreviations", not unexplained, unexplained, words=", ".join(unexplained))
    _length(draft, limits["length"], remark)
    _sentences(draft, limits["readability"], remark)
    flexible = _matches(data.deadline_flexibility, draft)
    remark(
        "no_deadline_flexibility",
        not flexible,
        flexible,
        words=", ".join(f"\u201c{phrase}\u201d" for phrase in flexible),
    )
    gaps = _placeholders(draft)
    remark("no_placeholders", not gaps, gaps, words="; ".join(gaps))
    return out


def _placeholders(draft: str) -> list[str]:
    """Each gap left from a template, with up to three words on each side."""
    found: list[str] = []
    for match in PLACEHOLDER.finditer(draft):
        line_start = draft.rfind("\n", 0, match.start()) + 1
        line_end = draft.find("\n", match.end())
        line_end = len(draft) if line_end < 0 else line_end
        before = draft[line_start : match.start()].split()[-PLACEHOLDER_WORDS:]
        after = draft[match.end() : line_end].split()[:PLACEHOLDER_WORDS]
        snippet = " ".join([*before, match.group(0), *after])[:EVIDENCE_CHARS]
        snippet = f"\u201c{snippet}\u201d"
        if snippet not in found:
            found.append(snippet)
    return found


def _matches(patterns, draft: str) -> list[str]:
    found: list[str] = []
    for pattern in patterns:
        for match in pattern.finditer(draft):
            phrase = match.group(0).strip()
            if phrase and phrase.lower() not in (f.lower() for f in found):
                found.append(phrase[:EVIDENCE_CHARS])
    return found


def _personalises(draft, patient_words, first_name, data: LanguageData, limits):
    """Paxling 2013 (empathy; alliance bolstering was not linked to completion),
    Holländare 2016 (affirming the patient's work):
    shared content words, a quote of the patient's words, or their name."""
    evidence: list[str] = []
    common = dict(stopwords=data.stopwords, suffixes=list(data.suffixes))
    mine = t.content_stems(draft, min_letters=limits["min_word_letters"], **common)
    theirs = t.content_stems(patient_words, min_letters=limits["min_word_letters"], **common)
    shared = [mine[key] for key in mine if key in theirs]
    flat_theirs = " ".join(t.words(patient_words)).lower()
    quotes = [
        quote.strip()
        for quote in QUOTED.findall(draft)
        if len(t.words(quote)) >= limits["min_quote_words"]
        and (not flat_theirs or " ".join(t.words(quote)).lower() in flat_theirs)
    ]
    name = first_name.strip()
    named = bool(name) and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", draft, re.I)
    if len(shared) >= limits["min_shared_words"]:
        evidence.extend(shared[:10])
    evidence.extend(f"\u201c{quote[:EVIDENCE_CHARS]}\u201d" for quote in quotes)
    if evidence:
        if named:
            evidence.append(name)
        return "personalises", True, evidence
    if named:
        return "personalises", "name_only", [name]
    return "personalises", False, []


def _jargon(draft: str, data: LanguageData) -> list[tuple[str, str]]:
    found = []
    for pattern, plain in data.jargon:
        match = pattern.search(draft)
        if match:
            found.append((match.group(0), plain))
    return found


def _unexplained_abbreviations(draft: str, data: LanguageData) -> list[str]:
    """An all-caps abbreviation must be explained in brackets on first use: either
    "CBT (cognitive behavioural therapy)" or "cognitive behavioural therapy (CBT)"."""
    seen: set[str] = set()
    unexplained = []
    for match in ABBREVIATION.finditer(draft):
        word = match.group(1)
        if word in seen or word in data.known_abbreviations:
            continue
        seen.add(word)
        after = draft[match.end() : match.end() + 200]
        before = draft[max(0, match.start() - 200) : match.start()]
        spelled_after = re.match(r"\s*\(([^()]*)\)", after)
        spelled_after = spelled_after and len(t.words(spelled_after.group(1))) >= 2
        in_brackets = before.endswith("(") and after.startswith(")")
        spelled_before = in_brackets and len(t.words(before[:-1])) >= 2
        if not (spelled_after or spelled_before):
            unexplained.append(word)
    return unexplained


def _length(draft: str, limits: dict, remark) -> None:
    count = len(t.words(draft))
    params = {"words": count, "minimum": limits["min_words"], "maximum": limits["max_words"]}
    if count < limits["min_words"]:
        remark("length", "short", **params)
    elif count > limits["max_words"]:
        remark("length", "long", **params)
    else:
        remark("length", True, **params)


def _sentences(draft: str, limits: dict, remark) -> None:
    r = t.readability(draft, long_word_letters=limits["long_word_letters"])
    params = {
        "mean": r.mean_sentence_words,
        "longest": r.longest_sentence_words,
        "lix": r.lix,
        "max_lix": limits["max_lix"],
    }
    hard = r.words > 0 and (
        r.lix > limits["max_lix"]
        or r.mean_sentence_words > limits["max_mean_sentence_words"]
        or r.longest_sentence_words > limits["max_sentence_words"]
    )
    evidence = [r.longest_sentence[:EVIDENCE_CHARS]] if hard else []
    remark("sentence_length", not hard, evidence, **params)
