"""The patient's own entries in treatment.

- A diary entry is corrected by the patient on its own day only; earlier entries are
  part of the record.
- The patient reads their course (modules, worksheets, diary, scores) while the
  episode is open, and after it ends for the clinic's ``reading_access_days``
  (issue 14); the safety plan stays readable for good (``safety.views.plans``).
- An earlier course (ended, the patient's pages showing a later one, here or at
  another clinic): its patient reads its scores, completed modules and sent worksheets
  read only, as its conversation (decision 0154; 0151 for the conversation). So does
  the patient of another open course than the one their pages show (two at once,
  decision 0158): its modules are on My modules, written in there.
"""

from __future__ import annotations

import datetime as dt

from .messaging import may_read_earlier_conversation, may_read_other_open_conversation


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


def may_read_earlier_course(user, episode) -> bool:
    """The patient of an ended course whose pages now show a later one reads what it
    holds of theirs (scores, completed modules, sent worksheets), read only: the rule of
    its conversation (``may_read_earlier_conversation``), one rule for the course; and
    another open course's, as its conversation (``may_read_other_open_conversation``)."""
    return may_read_earlier_conversation(user, episode) or may_read_other_open_conversation(
        user, episode
    )
