"""What the compose tools know about an episode and the answer being replied to: the
placeholder values of a template, and the context of the feedback check."""

from __future__ import annotations

from django.utils.translation import gettext

from tessera.core import risk_words

from .check import Context, check_draft
from .check.language import detect
from .models import PracticeWorksheet
from .placeholders import fill

QUOTE_MAX_WORDS = 25


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def _has_words(text: str) -> bool:
    return sum(1 for part in text.split() if any(ch.isalpha() for ch in part)) >= 3


def answer_text(answer) -> str:
    """All the patient's text in an answer (WorksheetAnswer or PracticeWorksheet)."""
    if answer is None:
        return ""
    return "\n".join(_strings(answer.values))


def quote_from(answer) -> str:
    """The patient's own words to quote: the first sentence of their first text answer
    of three words or more, at most QUOTE_MAX_WORDS words."""
    if answer is None:
        return ""
    for text in _strings(answer.values):
        if not _has_words(text):
            continue
        first = text.split("\n")[0]
        for stop in (". ", "! ", "? "):
            if stop in first:
                first = first.split(stop)[0] + stop.strip()
        words = first.split()
        return " ".join(words[:QUOTE_MAX_WORDS]) + (" …" if len(words) > QUOTE_MAX_WORDS else "")
    return ""


def module_title(episode, answer=None) -> str:
    if isinstance(answer, PracticeWorksheet):
        return answer.module_title
    if answer is not None:
        return answer.entry.module_version.title
    entry = (
        episode.plan.current()
        .filter(completed_at__isnull=True)
        .select_related("module_version")
        .order_by("position", "id")
        .first()
    )
    return entry.module_version.title if entry else ""


def has_next_task(episode, answer=None) -> bool:
    if isinstance(answer, PracticeWorksheet):
        return answer.has_next_task
    plan = episode.plan.current()
    return not plan.exists() or plan.filter(completed_at__isnull=True).exists()


def placeholder_values(episode, answer=None) -> dict[str, str]:
    return {
        "name": episode.patient.first_name,
        "module": module_title(episode, answer),
        "quote": quote_from(answer),
    }


def render_template(template, episode, answer=None) -> str:
    """The template's text with {name}, {module} and {quote} filled in."""
    return fill(template.body, placeholder_values(episode, answer))


def checked_language(text: str, episode, *, language: str | None = None) -> str:
    """The language the draft is checked in: its own, else the one asked for, else the
    patient's preferred language."""
    return detect(text, language or episode.patient.preferred_language)


def check(text: str, episode, answer=None, *, language: str | None = None):
    """Remarks on a draft reply, translated into the current language."""
    context = Context(
        first_name=episode.patient.first_name,
        module_title=module_title(episode, answer),
        patient_words=answer_text(answer),
        has_next_task=has_next_task(episode, answer),
        open_risk_alerts=risk_words.open_alert_count(episode)
        if not isinstance(answer, PracticeWorksheet)
        else 0,
    )
    return check_draft(
        text, language or episode.patient.preferred_language, context, translate=gettext
    )
