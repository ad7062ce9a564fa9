"""Reads of a participant's data by study staff, audited (purpose research)."""

from __future__ import annotations

from .common import participant_event


def record_participant_read(user, participant, *, what: str = "participant") -> None:
    code = "research.measures_viewed" if what == "measures" else "research.participant_viewed"
    participant_event(code, participant, acting_user=user)
