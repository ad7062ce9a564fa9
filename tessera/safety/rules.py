"""How urgent an alert is, and how long staff have to acknowledge it.

Severity comes from the instrument's own risk rule (its definition file cites the
source, e.g. PHQ-9 item 9 at 1 or more, Kroenke 2001; MADRS-S item 9 at 4 or more, the
Swedish quality register SibeR, CLINICAL.md §3). An alert with several flags takes the
most severe. A concern raised by hand carries the severity the staff member chose.

Acknowledgement windows are the clinic's (Clinic.alert_ack_hours_high / _moderate),
counted in the clinic's working hours: the patient is shown the crisis contacts at once
whatever the hour, which is the out-of-hours safety net; staff answer when the service
is open. Each escalation level gets the same window again.
"""

from __future__ import annotations

import datetime as dt

from tessera.core.working_time import add_working_time

HIGH = "high"
MODERATE = "moderate"
ORDER = {HIGH: 0, MODERATE: 1}
LEVELS = 2  # 0 = therapist and on-call, 1 = supervisors, 2 = clinic managers


def severity_of(flags) -> str:
    """The most severe of the risk flags (an unknown severity counts as high)."""
    severities = [getattr(flag, "severity", HIGH) or HIGH for flag in flags]
    if any(sev not in ORDER or sev == HIGH for sev in severities):
        return HIGH
    return MODERATE


def window_hours(clinic, severity: str) -> int:
    if severity == HIGH:
        return max(1, clinic.alert_ack_hours_high)
    return max(1, clinic.alert_ack_hours_moderate)


def acknowledge_by(clinic, severity: str, since: dt.datetime) -> dt.datetime:
    return add_working_time(clinic, since, window_hours(clinic, severity) * 3600)
