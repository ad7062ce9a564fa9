"""What a patient is told a questionnaire is, and why they are asked (issue 14): a plain
name by subject ("A questionnaire about your sleep"), the short code after it for those
who know it, and a sentence on why, by when in the course it is asked. Staff pages keep
the codes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tessera.core import kept_text
from tessera.instruments.time_points import TimePoint

MOOD = _("A questionnaire about your mood")
WORRY = _("A questionnaire about worry and anxiety")
FEELING = _("A questionnaire about how you have been feeling")
PLAIN_NAMES = {
    "PHQ-9": MOOD,
    "MADRS-S": MOOD,
    "GAD-7": WORRY,
    "PSWQ": WORRY,
    "DASS-21": _("A questionnaire about low mood, anxiety and stress"),
    "K10": FEELING,
    "CORE-10": FEELING,
    "AUDIT": _("A questionnaire about alcohol"),
    "AUDIT-C": _("A questionnaire about alcohol"),
    "ISI": _("A questionnaire about your sleep"),
    "IES-R": _("A questionnaire about a difficult event and how it affects you"),
    "PCL-5": _("A questionnaire about a difficult event and how it affects you"),
    "LSAS-SR": _("A questionnaire about social situations"),
    "SPIN": _("A questionnaire about social situations"),
    "MI": _("A questionnaire about places and situations you avoid"),
    "NEQ-20": _("A questionnaire about unwanted effects of treatment"),
    "OCI-R": _("A questionnaire about unwanted thoughts and repeated actions"),
    "PDSS-SR": _("A questionnaire about panic"),
    "PHQ-15": _("A questionnaire about bodily symptoms"),
    "SHAI": _("A questionnaire about worry about your health"),
    "WHODAS-12": _("A questionnaire about everyday life"),
    "WSAS": _("A questionnaire about work and everyday life"),
}

WHY = {
    TimePoint.SCREENING: _("It helps the clinic see which help suits you."),
    TimePoint.PRE: _("It shows where you start, so you can see what changes."),
    TimePoint.POST: _("It shows what has changed since you started."),
}
WHY_DURING = _("It shows you and your care team how things change during treatment.")
WHY_AFTER = _("It shows how you are doing after treatment, and helps the clinic improve.")
WHY_SIDE_EFFECTS = _(
    "Treatment can sometimes have unwanted effects: your answers help the clinic notice them."
)
FOLLOW_UPS = (TimePoint.FOLLOW_UP_3, TimePoint.FOLLOW_UP_6, TimePoint.FOLLOW_UP_12)


def plain_name(code: str, language: str | None = None) -> str:
    """The plain name with the code: "A questionnaire about your mood (PHQ-9)".
    ``language``: the active one (``get_language()``), when the caller has asked it
    (issue 16: the name is then kept, ``core.kept_text``)."""
    name = PLAIN_NAMES.get(code)
    if name is None:  # every plain name is a text: never empty
        return code
    return f"{name if language is None else kept_text.text(name, language)} ({code})"


def why_asked(code: str, time_point: str, language: str | None = None) -> str:
    """Why it is asked; ``language`` as for ``plain_name``."""
    if code == "NEQ-20":
        why = WHY_SIDE_EFFECTS
    elif time_point in FOLLOW_UPS:
        why = WHY_AFTER
    else:
        why = WHY.get(time_point, WHY_DURING)
    return str(why) if language is None else kept_text.text(why, language)


@dataclass(frozen=True)
class Due:
    """When a questionnaire is due, in the patient's words: today is "due today", never
    "overdue" (the due time is the start of the day in the clinic's time zone)."""

    state: str  # "today", "overdue" or "later"
    day: dt.date


def due_state(due_at: dt.datetime, today: dt.date, tz) -> Due:
    day = due_at.astimezone(tz).date()
    if day == today:
        return Due("today", day)
    return Due("overdue" if day < today else "later", day)
