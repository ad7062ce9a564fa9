"""How urgent an alert is, and how long staff have to acknowledge it (docs/safety.md).

Severity comes from the instrument's own risk rule; each rule cites its source in its
definition file (e.g. PHQ-9 item 9 at 1 or more from the instrument's instructions,
CLINICAL.md §5; MADRS-S item 9 at 4 or more, the Swedish quality register SibeR,
CLINICAL.md §3). Grading the answers (item 9 at 3, a plan) as urgent is this service's
own rule, written beside each rule; a clinical lead signs it. An alert with several
flags takes the most severe. A concern raised by hand carries the severity the staff
member chose; a patient's "I need help" is moderate.

Each severity has its own acknowledgement window:

- urgent: ``URGENT_WINDOW_HOURS`` clock hours, day and night: an urgent alert is not
  left until the clinic opens; out of hours it escalates to the on-call rota;
- high: the clinic's own window (Clinic.alert_ack_hours_high), counted in its working
  hours *and* the hours its on-call rota covers (``follow_up.py``, issue 20): a high
  concern raised at 18:15 with someone on the rota is due that evening, not at 09:00;
- moderate: the clinic's own window (Clinic.alert_ack_hours_moderate), counted in its
  working hours. The patient is shown the crisis contacts at once whatever the hour,
  and whoever is on the rota is told at once.

A rule may carry its own ``acknowledge_within_hours``: the alert must then be
acknowledged by the earlier of the two deadlines (in the same clock as its severity).
Each escalation level gets the severity's window again.
"""

from __future__ import annotations

import datetime as dt

from tessera.core.working_time import add_working_time, working_seconds

from . import follow_up

URGENT = "urgent"
HIGH = "high"
MODERATE = "moderate"
ORDER = {URGENT: 0, HIGH: 1, MODERATE: 2}
LEVELS = 2  # 0 = therapist and on-call, 1 = supervisors (on call out of hours), 2 = managers
URGENT_WINDOW_HOURS = 1


def severity_of(flags) -> str:
    """The most severe of the risk flags (a flag without a known severity counts as
    high, never lower)."""
    severities = [getattr(flag, "severity", None) for flag in flags]
    severities = [sev if sev in ORDER else HIGH for sev in severities] or [HIGH]
    return min(severities, key=ORDER.__getitem__)


def window_hours(clinic, severity: str) -> int:
    if severity == URGENT:
        return URGENT_WINDOW_HOURS
    if severity == HIGH:
        return max(1, clinic.alert_ack_hours_high)
    return max(1, clinic.alert_ack_hours_moderate)


def counts_working_time(severity: str) -> bool:
    """Whether the severity's window is counted in the clinic's working hours (else in
    clock hours, day and night)."""
    return severity != URGENT


def _add(clinic, severity: str, since: dt.datetime, hours: int) -> dt.datetime:
    if severity == HIGH:
        return follow_up.add_covered_time(clinic, since, hours * 3600)
    if counts_working_time(severity):
        return add_working_time(clinic, since, hours * 3600)
    return since + dt.timedelta(hours=hours)


def rule_hours(flags) -> int | None:
    """The shortest window the flags' own rules set, if any does."""
    hours = [h for flag in flags if (h := getattr(flag, "acknowledge_within_hours", None))]
    return min(hours) if hours else None


def acknowledge_by(clinic, severity: str, since: dt.datetime, flags=()) -> dt.datetime:
    deadline = _add(clinic, severity, since, window_hours(clinic, severity))
    own = rule_hours(flags)
    if own is not None:
        deadline = min(deadline, _add(clinic, severity, since, own))
    return deadline


def is_open(clinic, at: dt.datetime) -> bool:
    """Whether ``at`` falls in the clinic's working hours (not a closed day)."""
    return working_seconds(clinic, at, at + dt.timedelta(minutes=1)) > 0
