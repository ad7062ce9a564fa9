"""The caseload's demo: a Riverside therapist who has left.

Lena Ström (``leaver``) worked at Riverside with two patients three weeks into the
depression programme: Siri Hed, whose PHQ-9 rose reliably, and Anton Falk, who is
improving. The clinic manager (Maja, ``manager``) has offboarded her through the real
action, so her account is closed, her role gone, and both patients show as needing a new
therapist on Riverside's staff page and in the team's caseload (filter "Needs a new
therapist"). Anton had a video session booked with Lena for the day after tomorrow: his
home and "My sessions" say it is to be booked again and not to come, and Riverside's
staff page lists it under "Booked sessions that need a new therapist" (decision 0096).
Safe to run twice: nothing happens when Lena's account exists.

Olle Nilsson (``patient2``) is new to his therapist Tove (``therapist``): a "new patient"
row in her inbox until she opens his overview (issue 20, item 9; one UPDATE).
"""

from __future__ import annotations

import datetime as dt
import uuid

from tessera.appointments.actions import do_book_appointment
from tessera.appointments.demo import clinic_hour
from tessera.core import actions
from tessera.core.clinic_dates import clinic_today
from tessera.core.demo import demo_email, demo_user, opened_before
from tessera.core.models import Episode, User
from tessera.core.roles import Role
from tessera.programs.models import ProgrammeVersion
from tessera.treatment import actions as treatment
from tessera.treatment.actions import do_open_episode
from tessera.treatment.actions import plans as plan_actions
from tessera.treatment.models import DueMeasure

LEAVER = ("leaver", "Lena", "Ström")
# (e-mail local part, first, last, born, weekly PHQ-9 totals from before treatment on)
PATIENTS = [
    ("patient.siri", "Siri", "Hed", dt.date(1992, 8, 19), [8, 11, 15]),
    ("patient.anton", "Anton", "Falk", dt.date(1980, 12, 2), [19, 14, 11]),
]


def _answers(total: int) -> dict[int, int]:
    """PHQ-9 answers (items 1-8; item 9, the risk item, left at 0) adding up to total."""
    answers = dict.fromkeys(range(1, 10), 0)
    left = total
    for item in range(1, 9):
        answers[item] = min(3, left)
        left -= answers[item]
    return answers


NEW_PATIENT = ("patient2", "therapist")


def _new_patient(ctx) -> None:
    patient, therapist = ctx.patients.get(NEW_PATIENT[0]), ctx.staff.get(NEW_PATIENT[1])
    if patient is not None and therapist is not None:
        Episode.objects.filter(patient=patient, therapist=therapist).exclude(
            status=Episode.Status.ENDED
        ).update(new_to_therapist=True)


def seed(ctx) -> None:
    clinic = ctx.clinics.get("riverside")
    manager = ctx.staff.get("manager")
    if clinic is None or manager is None:
        return
    if User.objects.filter(email=demo_email(LEAVER[0])).exists():
        return
    _new_patient(ctx)
    leaver, _created = demo_user(*LEAVER)
    actions.do_grant_role(leaver, clinic, Role.THERAPIST, acting_user=manager, max_caseload=30)
    version = (
        ProgrammeVersion.objects.filter(programme__key="depression-ba", status="published")
        .order_by("-number")
        .first()
    )
    start = clinic_today(clinic) - dt.timedelta(weeks=3)
    for local, first, last, born, totals in PATIENTS:
        user, _created = demo_user(local, first, last)
        patient = actions.do_create_patient(
            user=user,
            clinic=clinic,
            first_name=first,
            last_name=last,
            date_of_birth=born,
            email=user.email,
            preferred_language=clinic.languages[0],
        )
        episode = do_open_episode(patient, clinic, status="intake", therapist=leaver)
        if version is not None:
            plan_actions.do_seed_plan(
                episode, version, acting_user=leaver, reason="Demo: matches the assessment"
            )
        treatment.do_start_treatment(episode, start_on=start)
        opened_before(episode, start)
        for week, total in enumerate(totals):
            due = DueMeasure.objects.filter(
                episode=episode,
                instrument="PHQ-9",
                time_point="pre" if week == 0 else "weekly",
                sequence=0 if week == 0 else week - 1,
            ).first()
            if due is None:
                continue
            treatment.do_submit_response(
                due,
                _answers(total),
                acting_user=user,
                submission_key=uuid.uuid4(),
                language="en",
                submitted_at=due.due_at + dt.timedelta(hours=18),
            )
        ctx.patients[local] = patient
        if local == "patient.anton":
            do_book_appointment(
                episode,
                acting_user=leaver,
                therapist=leaver,
                kind="video",
                starts_at=clinic_hour(clinic, 2, 11),
                video_link="https://video.example/riverside-lena",
            )
    actions.do_offboard_staff(leaver, acting_user=manager, clinics=[clinic])
