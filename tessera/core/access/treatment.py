"""The patient's own entries in treatment.

- A diary entry is corrected by the patient on its own day only; earlier entries are
  part of the record.
- The patient reads their course (modules, worksheets, diary, scores) while the
  episode is open, and after it ends for the clinic's ``reading_access_days``
  (issue 14); the safety plan stays readable for good (``safety.views.plans``).
"""

from __future__ import annotations

import datetime as dt


def may_correct_diary_entry(diary_entry, today: dt.date) -> bool:
    """The patient corrects today's entries; earlier ones are part of the record."""
    return diary_entry.for_date == today


def may_read_course(episode, today: dt.date) -> bool:
    """An open episode, or an ended one up to ``reading_access_days`` after its end
    (``today`` in the clinic's time zone)."""
    if episode.status != "ended":
        return True
    if episode.ended_on is None:
        return False
    return today <= episode.ended_on + dt.timedelta(days=episode.clinic.reading_access_days)
