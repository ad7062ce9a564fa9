"""The consultation grant: the colleague sees that one episode, only while it is live."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tessera.consultation import actions
from tessera.consultation.models import ConsultationRequest
from tessera.core import access
from tessera.core.models import Episode, Patient
from tessera.treatment.actions import do_open_episode
from tests.conftest import make_patient
from tests.consultation.consultation_helpers import ask

pytestmark = pytest.mark.django_db


def _sees(client, login, user, patient) -> int:
    login(user)
    return client.get(f"/patients/{patient.pk}/").status_code


def test_the_colleague_sees_the_episode_only_while_the_request_is_live(world, client, login):
    assert _sees(client, login, world["colleague"], world.patient) == 404
    request = ask(world)
    assert _sees(client, login, world["colleague"], world.patient) == 200
    assert list(Episode.objects.visible_to(world["colleague"]).filter(patient=world.patient)) == [
        request.episode
    ]
    actions.do_end_consultation(request, acting_user=world["therapist"])
    assert _sees(client, login, world["colleague"], world.patient) == 404


def test_the_grant_covers_that_episode_and_no_other(world):
    ask(world)
    second, _ = make_patient(world.clinic, "second@alpha.test", therapist=world["therapist"])
    older = do_open_episode(
        world.patient, world.clinic, status="ended", therapist=world["therapist"]
    )
    colleague = world["colleague"]
    visible = set(Episode.objects.visible_to(colleague).values_list("pk", flat=True))
    assert world.episode.pk in visible
    assert older.pk not in visible
    assert not Episode.objects.visible_to(colleague).filter(patient=second).exists()
    assert not Patient.objects.visible_to(colleague).filter(pk=second.pk).exists()
    # nobody else gains anything from the grant
    assert not access.patient_is_visible(world["other_therapist"], world.patient)


def test_the_grant_ends_by_itself_when_it_expires(world, client, login):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ask(world, hours=24)
    with time_machine.travel(start + dt.timedelta(hours=23, minutes=59), tick=False):
        assert _sees(client, login, world["colleague"], world.patient) == 200
        assert client.get(f"/patients/{world.patient.pk}/plan/").status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=24, seconds=1), tick=False):
        assert _sees(client, login, world["colleague"], world.patient) == 404
        assert client.get(f"/patients/{world.patient.pk}/plan/").status_code == 404


def test_the_asker_chooses_up_to_fourteen_days(world):
    request = ask(world, hours=14 * 24)
    assert request.expires_at - request.created_at == dt.timedelta(days=14)
    with pytest.raises(ValidationError):
        ask(world, hours=14 * 24 + 1)
    default = actions.do_ask_colleague(
        world.episode,
        acting_user=world["therapist"],
        colleague=world["colleague"],
        question="q",
        submission_key=uuid.uuid4(),
    )
    assert default.expires_at - default.created_at == dt.timedelta(hours=72)


def test_only_clinical_staff_of_the_episodes_clinic_can_be_asked(world):
    for wrong in [world["other_therapist"], world["author"], world["therapist"]]:
        with pytest.raises(ValidationError):
            ask(world, colleague=wrong)


def test_a_consulted_colleague_cannot_pass_the_case_on(world):
    ask(world)
    with pytest.raises(PermissionDenied):
        ask(world, asker=world["colleague"], colleague=world["assessor"])


def test_only_the_asker_ends_the_request(world):
    request = ask(world)
    with pytest.raises(PermissionDenied):
        actions.do_end_consultation(request, acting_user=world["colleague"])
    ended = actions.do_end_consultation(request, acting_user=world["therapist"])
    assert ended.status == "ended" and ended.ended_by == world["therapist"]


def test_a_request_to_the_supervisor_gives_no_new_access(world):
    request = ask(world, to_supervisors=True)
    assert request.colleague is None
    assert not access.patient_is_visible(world["colleague"], world.patient)
    assert request in ConsultationRequest.objects.asked_of(world["supervisor"])
    assert request not in ConsultationRequest.objects.asked_of(world["colleague"])


def test_the_grant_needs_a_clinical_role_there_still(world):
    from tessera.core.models import ClinicRole

    ask(world)
    ClinicRole.objects.filter(user=world["colleague"]).delete()
    colleague = type(world["colleague"]).objects.get(pk=world["colleague"].pk)
    assert not access.patient_is_visible(colleague, world.patient)
