"""The patient's own entries in treatment.

- A diary entry is corrected by the patient on its own day only; earlier entries are
  part of the record.
"""

from __future__ import annotations

import datetime as dt


def may_correct_diary_entry(diary_entry, today: dt.date) -> bool:
    """The patient corrects today's entries; earlier ones are part of the record."""
    return diary_entry.for_date == today
