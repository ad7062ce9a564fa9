"""A small hand-scored cohort for the report tests, built through the real actions:
each course has first and last PHQ-9 and GAD-7 totals, attended phone sessions and an
ending. The expected labels of each are worked out by hand in the tests."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.utils import timezone

from tessera.appointments.actions import do_book_appointment, do_record_session
from tessera.portal.ending import do_end_episode
from tessera.treatment import actions as treatment
from tessera.treatment.models import DueMeasure
from tests.conftest import make_patient


@dataclass(frozen=True)
class Course:
    name: str
    phq: tuple  # (first, last); last may be None
    gad: tuple
    sessions: int
    end: str | None  # end reason, or None while in treatment
    weeks: int = 8  # since the start of treatment
    therapist: str = "therapist"


# Worked out by hand (PHQ-9 caseness >= 10, reliable change 6; GAD-7 >= 8, 4):
# A recovered and reliably improved; B finished, at caseness, no change; C finished but
# not at caseness at the start; D reliably deteriorated, stepped up; E dropped out in
# week 1 without a last GAD-7 (not finished); F (the colleague's) recovered.
COHORT = [
    Course("A", (15, 5), (12, 4), 2, "completed"),
    Course("B", (12, 11), (10, 9), 2, "completed"),
    Course("C", (8, 6), (5, 3), 3, "completed"),
    Course("D", (10, 18), (9, 14), 2, "stepped_up"),
    Course("E", (20, 14), (15, None), 1, "dropped_out", weeks=1),
    Course("F", (18, 6), (14, 5), 2, "completed", therapist="colleague"),
]


def answers(total: int, items: int) -> dict[int, int]:
    """Item answers (0-3) adding up to total, filled from the first item; PHQ-9's item 9
    stays 0 (no risk alert) as long as the total is at most 24."""
    values = []
    for _ in range(items):
        value = min(3, total)
        values.append(value)
        total -= value
    assert total == 0
    return dict(enumerate(values, start=1))


def _submit(episode, code: str, total: int | None, point: str, sequence: int, when):
    if total is None:
        return
    due = DueMeasure.objects.get(
        episode=episode, instrument=code, time_point=point, sequence=sequence
    )
    treatment.do_submit_response(
        due,
        answers(total, 9 if code == "PHQ-9" else 7),
        acting_user=episode.patient.user,
        submission_key=uuid.uuid4(),
        language="en",
        submitted_at=when,
    )


def build(world, course: Course, index: int):
    therapist = world[course.therapist]
    _patient, episode = make_patient(
        world.clinic, f"cohort{index}@alpha.test", therapist=therapist, first=course.name
    )
    today = timezone.localdate()
    treatment.do_start_treatment(
        episode, acting_user=therapist, start_on=today - dt.timedelta(weeks=course.weeks)
    )
    now = timezone.now()
    for code, (first, last) in (("PHQ-9", course.phq), ("GAD-7", course.gad)):
        _submit(episode, code, first, "pre", 0, now - dt.timedelta(days=20))
        _submit(episode, code, last, "weekly", 0, now - dt.timedelta(days=1))
    for n in range(course.sessions):
        appointment = do_book_appointment(
            episode,
            acting_user=therapist,
            therapist=therapist,
            kind="phone",
            starts_at=now - dt.timedelta(days=10 - n),
        )
        do_record_session(appointment, acting_user=therapist, status="attended")
    if course.end:
        note = {"stepped_up": "Referred to the psychiatric clinic", "dropped_out": "No reply"}
        note = note.get(course.end, "")
        do_end_episode(episode, acting_user=therapist, reason=course.end, note=note)
    episode.refresh_from_db()
    return episode


def build_cohort(world, courses=COHORT) -> dict[str, object]:
    return {course.name: build(world, course, i) for i, course in enumerate(courses)}
