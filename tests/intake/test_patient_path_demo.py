"""The demo shows the patient's path (issue 14): a timeline on the home pages, an
applicant's message waiting for the intake team, and a patient's request to move a
session on the therapist's sessions page."""

import re

from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from tessera.appointments.models import ChangeRequest
from tessera.core.models import User
from tessera.intake.models import ApplicationMessage
from tests.conftest import sign_in


def test_the_demo_shows_the_timeline_a_message_and_a_move_request(seeded_demo, client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115  (again: no more)
    (message,) = ApplicationMessage.objects.unread_by_clinic()
    assert message.application.status == "needs_info"
    (request,) = ChangeRequest.objects.open().select_related("appointment__episode")
    assert request.kind == "move" and request.appointment.episode.clinic.slug == "canal"

    sign_in(client, message.application.applicant)
    home = client.get(reverse("home")).content.decode()
    assert 'class="timeline"' in home
    status = client.get(reverse("intake_status", args=[message.application.pk])).content
    assert message.body in status.decode()

    patient = User.objects.get(email="patient@demo.tessera.test")
    sign_in(client, patient)
    assert "Your path" in client.get(reverse("home")).content.decode()

    sign_in(client, request.appointment.episode.patient.user)
    sessions = client.get(reverse("my_sessions")).content.decode()
    language = re.search(r'<html lang="([a-z-]+)"', sessions).group(1)  # the patient's own
    with translation.override(language):
        asked = str(ChangeRequest.Kind.MOVE.label)
    assert f"{asked}." in sessions and "calendar.ics" in sessions
