"""The world's episode with something of everything the FHIR export maps: an identity
number, an assessment with working diagnoses, a plan, measures, a session, messages,
an open risk alert and a letter. Built through the actions where there is one."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from tessera.appointments.actions import do_book_appointment
from tessera.core.actions import do_update_patient_details
from tessera.intake.models import Application, Assessment
from tessera.letters.actions import do_write_letter
from tessera.messaging.actions import do_send_message
from tessera.safety.actions import do_raise_concern
from tests.plan_fixtures import build_plan

PERSONNUMMER = "19900102-2384"


def fill_episode(world):
    patient, episode, therapist = world.patient, world.episode, world["therapist"]
    do_update_patient_details(
        patient,
        acting_user=therapist,
        national_id_country="SE",
        national_id=PERSONNUMMER,
        gp_name="Dr Eva Ek",
        gp_practice="VC Norr",
        letters_to_gp=True,
    )
    patient.refresh_from_db()
    application = Application.objects.create(
        clinic=world.clinic,
        source="self",
        first_name=patient.first_name,
        last_name=patient.last_name,
        date_of_birth=patient.date_of_birth,
        status="accepted",
        patient=patient,
        episode=episode,
    )
    Assessment.objects.create(
        application=application,
        assessor=world["assessor"],
        notes="Not to be exported",
        diagnoses=["F32.1", "F41.1"],
        risk_level="low",
        decision="accept",
        assessed_at=timezone.now() - dt.timedelta(days=14),
    )
    if not hasattr(world, "plan"):
        build_plan(world)
    world.appointment = do_book_appointment(
        episode,
        acting_user=therapist,
        therapist=therapist,
        kind="video",
        starts_at=timezone.now() + dt.timedelta(days=3),
        video_link="https://video.example/room",
    )
    do_send_message(
        episode, acting_user=patient.user, body="A private worry", submission_key=uuid.uuid4()
    )
    do_send_message(episode, acting_user=therapist, body="A reply", submission_key=uuid.uuid4())
    world.alert = do_raise_concern(
        episode, acting_user=therapist, concern="Secret concern text", severity="high"
    )
    episode.refresh_from_db()
    world.letter = do_write_letter(episode, "started", acting_user=therapist)
    return world
