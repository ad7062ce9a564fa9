"""A colleague consulted on a case reads it; changing it stays with the care team."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from tessera.consultation.actions import do_ask_colleague
from tessera.messaging.actions import do_send_message
from tessera.safety.actions import do_raise_concern
from tests.conftest import sign_in


@pytest.fixture
def consulted(world):
    """The colleague (a therapist at the clinic) is asked about world.episode."""
    do_ask_colleague(
        world.episode,
        acting_user=world["therapist"],
        question="Would you add the worry module?",
        submission_key=uuid.uuid4(),
        colleague=world["colleague"],
    )
    return world["colleague"]


def test_the_colleague_reads_the_record(world, client, consulted):
    sign_in(client, consulted)
    assert client.get(f"/patients/{world.patient.pk}/").status_code == 200


def test_the_colleague_cannot_edit_the_patients_details(world, client, consulted):
    sign_in(client, consulted)
    assert client.get(f"/patients/{world.patient.pk}/edit/").status_code == 403


def test_the_colleague_cannot_write_to_the_patient(world, consulted):
    with pytest.raises(ValidationError):
        do_send_message(
            world.episode, acting_user=consulted, body="Hello", submission_key=uuid.uuid4()
        )


def test_the_colleague_cannot_close_a_risk_alert(world, client, consulted):
    alert = do_raise_concern(
        world.episode, acting_user=world["therapist"], concern="x", severity="high"
    )
    sign_in(client, consulted)
    assert client.get(f"/alerts/{alert.pk}/").status_code == 200
    response = client.post(f"/alerts/{alert.pk}/resolve/", {"action": "phoned", "action_note": "x"})
    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.resolved_at is None


def test_the_colleague_reads_the_conversation_without_a_form(world, client, consulted):
    sign_in(client, consulted)
    page = client.get(f"/episodes/{world.episode.pk}/messages/")
    assert page.status_code == 200
    assert 'id="compose-form"' not in page.content.decode()
    sent = client.post(f"/episodes/{world.episode.pk}/messages/", {"body": "Hi"})
    assert sent.status_code == 403


def test_the_care_team_writes_with_the_feedback_tools(world, client):
    sign_in(client, world["therapist"])
    page = client.get(f"/episodes/{world.episode.pk}/messages/").content.decode()
    assert 'id="compose-form"' in page
    assert "/feedback/check/" in page
