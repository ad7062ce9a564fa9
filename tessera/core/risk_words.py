"""Risk first in a reply to a patient (issue 12; docs/safety.md, docs/feedback-check.md).

Before a therapist's reply is checked or sent, two things are looked for: an open risk
alert on the episode, and words of self-harm or suicide in the patient's text being
answered (the worksheet answer quoted, the patient's messages not yet answered). When
either is found, the feedback check says "address safety first" before any other advice,
and the reply cannot be sent until the therapist ticks that they have addressed it.

The phrases are this service's list, in the five languages patients write in; a
patient may write in any of them, so all are searched. A list cannot catch every way of
saying it: it adds a prompt, it never replaces reading the patient's words or the risk
rules of the questionnaires (a positive risk answer calls for further assessment,
CLINICAL.md §5). Pure Python, apart from ``for_reply`` (one query).

Here in core because the feedback check and messaging both use it, and the clinical
features do not import one another (.importlinter).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        "suicide",
        "suicidal",
        "kill myself",
        "killing myself",
        "end my life",
        "end it all",
        "take my own life",
        "taking my own life",
        "better off dead",
        "want to die",
        "wish i was dead",
        "wish i were dead",
        "don't want to live",
        "do not want to live",
        "don't want to be alive",
        "hurt myself",
        "hurting myself",
        "harm myself",
        "self-harm",
        "self harm",
        "cut myself",
        "cutting myself",
        "overdose",
        "no reason to live",
        "not worth living",
    ),
    "sv": (
        "självmord",
        "suicid",
        "ta livet av mig",
        "ta mitt liv",
        "ta mitt eget liv",
        "vill dö",
        "vill inte leva",
        "vill jag inte leva",
        "inte leva längre",
        "orkar inte leva",
        "bättre om jag var död",
        "bättre att vara död",
        "skada mig själv",
        "skadar mig själv",
        "självskada",
        "skära mig",
        "skär mig",
        "överdos",
        "ingen mening att leva",
    ),
    "nb": (
        "selvmord",
        "ta livet mitt",
        "ta livet av meg",
        "vil dø",
        "vil ikke leve",
        "orker ikke leve",
        "bedre om jeg var død",
        "skade meg selv",
        "skader meg selv",
        "selvskading",
        "kutte meg",
        "overdose",
    ),
    "da": (
        "selvmord",
        "tage mit eget liv",
        "tage livet af mig",
        "vil dø",
        "vil ikke leve",
        "orker ikke at leve",
        "bedre hvis jeg var død",
        "skade mig selv",
        "skader mig selv",
        "selvskade",
        "skære i mig selv",
        "overdosis",
    ),
    "nl": (
        "zelfmoord",
        "suïcide",
        "suicide",
        "einde aan mijn leven",
        "mezelf van het leven beroven",
        "wil dood",
        "wil niet meer leven",
        "dood zijn",
        "mezelf iets aandoen",
        "mezelf pijn doen",
        "zelfbeschadiging",
        "mezelf snijden",
        "overdosis",
    ),
}


@cache
def _pattern() -> re.Pattern[str]:
    phrases = sorted({p for ps in PHRASES.values() for p in ps}, key=len, reverse=True)
    alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def find(text: str) -> list[str]:
    """The risk phrases in ``text``, as written, each once (case aside)."""
    found: list[str] = []
    seen: set[str] = set()
    normalised = (text or "").replace("\u2019", "'")
    for match in _pattern().finditer(normalised):
        phrase = " ".join(match.group(0).split())
        if phrase.lower() not in seen:
            seen.add(phrase.lower())
            found.append(phrase)
    return found


@dataclass(frozen=True)
class RiskNotice:
    open_alerts: int = 0
    words: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.open_alerts or self.words)


def open_alert_count(episode) -> int:
    """Unresolved risk alerts of the episode (one query; through the reverse relation, so
    core does not import the safety app)."""
    return episode.risk_alerts.filter(resolved_at__isnull=True).count()


def text_of(value) -> str:
    """All the text in a stored answer (strings in nested dicts and lists)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "\n".join(text_of(v) for v in value.values())
    if isinstance(value, list | tuple):
        return "\n".join(text_of(v) for v in value)
    return ""


def for_reply(episode, patient_text: str) -> RiskNotice:
    return RiskNotice(open_alerts=open_alert_count(episode), words=find(patient_text))
