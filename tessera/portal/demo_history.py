"""Demo: a year of finished and unfinished courses at every demo clinic, so that the
outcome reports, the dashboard and the exports have something to show.

Each course is made through the real actions: a patient record (no account), an
episode, treatment started on a date in the past year, PHQ-9 and GAD-7 answered before
treatment, at mid-course and after it (dated when they would have been sent), attended
phone sessions, the therapist's time, and an ending (completed, dropped out, stepped
up). Riverside also asks
for PHQ-9 at 3 and 6 months after the end, answered by some. The numbers come from a
fixed random seed, so every demo is the same. Safe to run again: a clinic that has its
history already is left alone.

One compromise: a session can be recorded only up to a month back (the appointments
app refuses older ones), so the sessions of old courses are dated in the last month.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.utils import timezone

from tessera.appointments.actions import do_book_appointment, do_record_session
from tessera.core import actions
from tessera.core.models import Patient
from tessera.treatment import actions as treatment
from tessera.treatment.actions import do_open_episode
from tessera.treatment.actions import schedule as schedule_actions
from tessera.treatment.models import DueMeasure, MeasureRule
from tessera.workload.actions import do_add_manual_time

from .ending import do_end_episode

# Courses per clinic and who treats them (a demo therapist, or None for unguided care).
COURSES = {
    "riverside": (48, ["therapist", "therapist2"]),
    "fjordside": (22, ["fjord.therapist"]),
    "harbour": (20, ["harbour.therapist"]),
    "canal": (18, ["canal.therapist"]),
    "highland": (16, [None]),
}
FIRST_NAMES = ["Anna", "Erik", "Maria", "Lars", "Karin", "Per", "Eva", "Jonas", "Sofia", "Mats"]
LAST_NAMES = ["Berg", "Lund", "Holm", "Sand", "Ström", "Dahl", "Falk", "Lind", "Ek", "Ros"]
# How much the PHQ-9 total moves from first to last score, and how often.
CHANGES = [-12, -10, -8, -6, -3, -1, 3, 7]
CHANGE_WEIGHTS = [15, 18, 18, 15, 12, 10, 8, 4]
NOTES = {"dropped_out": "Stopped replying", "stepped_up": "Referred to the psychiatric clinic"}


def _answers(total: int, items: int) -> dict[int, int]:
    """Answers of 0-3 adding up to total; PHQ-9's item 9 stays 0 (no risk alert)."""
    total = max(0, min(total, 3 * (items - 1) if items == 9 else 3 * items))
    values = []
    for _ in range(items):
        values.append(min(3, total))
        total -= values[-1]
    return dict(enumerate(values, start=1))


def _submit(episode, code, total, point, when, acting_user) -> None:
    due = (
        DueMeasure.objects.filter(episode=episode, instrument=code, time_point=point)
        .order_by("sequence")
        .first()
    )
    if due is None or due.completed_at is not None:
        return
    treatment.do_submit_response(
        due,
        _answers(total, 9 if code == "PHQ-9" else 7),
        acting_user=acting_user,
        submission_key=uuid.uuid4(),
        language="sv",
        submitted_at=when,
    )


def _follow_up_rules(clinic) -> None:
    for point in ("follow_up_3", "follow_up_6"):
        if not MeasureRule.objects.filter(clinic=clinic, instrument="PHQ-9", time_point=point):
            schedule_actions.do_add_measure_rule(
                clinic, acting_user=None, instrument="PHQ-9", time_point=point
            )


def _course(ctx, clinic, number: int, therapist, rng: random.Random, today: dt.date) -> None:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    patient = actions.do_create_patient(
        clinic=clinic,
        first_name=first,
        last_name=last,
        date_of_birth=dt.date(
            1960 + rng.randrange(45), 1 + rng.randrange(12), 1 + rng.randrange(28)
        ),
        email=f"history{number}.{clinic.slug}@demo.tessera.test",
        preferred_language="sv",
    )
    unguided = therapist is None
    episode = do_open_episode(
        patient,
        clinic,
        status="intake",
        therapist=therapist,
        care_model="unguided" if unguided else "guided",
    )
    start = today - dt.timedelta(days=rng.randrange(14, 365))
    treatment.do_start_treatment(episode, start_on=start, acting_user=therapist)
    acting = therapist or ctx.staff["highland.oncall"]
    phq, gad = rng.randint(7, 22), rng.randint(5, 18)
    at = dt.datetime.combine(start, dt.time(19), tzinfo=timezone.get_current_timezone())
    _submit(episode, "PHQ-9", phq, "pre", at, acting)
    _submit(episode, "GAD-7", gad, "pre", at, acting)
    length = rng.randint(6, 12)
    end = start + dt.timedelta(weeks=length)
    fate = rng.choices(["completed", "dropped_out", "stepped_up"], weights=[75, 18, 7])[0]
    if fate == "dropped_out":
        end = start + dt.timedelta(weeks=rng.randint(1, length))
    change = rng.choices([-12, -10, -8, -6, -3, -1, 3, 7], weights=[15, 18, 18, 15, 12, 10, 8, 4])[
        0
    ]
    if end >= today:  # still in treatment: a mid-course score only
        mid = at + dt.timedelta(weeks=2)
        if mid.date() < today:
            _submit(episode, "PHQ-9", phq + change // 2, "weekly", mid, acting)
            _submit(episode, "GAD-7", gad + change // 2, "weekly", mid, acting)
        return
    sessions = 0 if unguided else (1 if fate == "dropped_out" else rng.randint(2, 4))
    now = timezone.now()
    for n in range(sessions):
        booked = do_book_appointment(
            episode,
            acting_user=therapist,
            therapist=therapist,
            kind="phone",
            starts_at=now - dt.timedelta(days=25 - n, hours=rng.randrange(8)),
        )
        do_record_session(booked, acting_user=therapist, status="attended")
    if therapist is not None:  # reading, replying and the calls: 15 minutes a week
        do_add_manual_time(
            episode,
            acting_user=therapist,
            staff_member=therapist,
            day=end,
            minutes=min(720, 15 * max(1, (end - start).days // 7) + 20 * sessions),
            reason="Demo: time over the course",
            submission_key=uuid.uuid4(),
        )
    note = NOTES.get(fate, "")
    do_end_episode(episode, acting_user=acting, reason=fate, note=note, ended_on=end)
    if fate == "dropped_out" and rng.random() < 0.6:
        return  # most who drop out send no last questionnaire
    after = dt.datetime.combine(end, dt.time(20), tzinfo=timezone.get_current_timezone())
    gad_change = change * 3 // 4 + rng.choice([-1, 0, 1])
    _submit(episode, "PHQ-9", phq + change, "post", after, acting)
    _submit(episode, "GAD-7", gad + gad_change, "post", after, acting)
    for point, months in (("follow_up_3", 3), ("follow_up_6", 6)):
        when = after + dt.timedelta(days=30 * months)
        if when.date() < today and rng.random() < 0.7:
            _submit(episode, "PHQ-9", phq + change + rng.choice([-2, 0, 1]), point, when, acting)


def seed(ctx) -> None:
    today = timezone.localdate()
    for slug, (count, therapists) in COURSES.items():
        clinic = ctx.clinics[slug]
        if Patient.objects.filter(email=f"history0.{slug}@demo.tessera.test").exists():
            continue
        if slug == "riverside":
            _follow_up_rules(clinic)
        rng = random.Random(f"tessera-demo-{slug}")
        for number in range(count):
            name = therapists[number % len(therapists)]
            therapist = ctx.staff[name] if name else None
            _course(ctx, clinic, number, therapist, rng, today)
