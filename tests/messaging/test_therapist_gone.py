"""A patient whose therapist has gone (offboarded, account closed, role removed) but is
still named on the episode: their message is seen by the people who can act, and the
patient's pages do not say it goes to the therapist who left."""

from __future__ import annotations

import uuid

import pytest

from tessera.core.models import ClinicRole, User
from tessera.core.roles import Role
from tessera.messaging import actions

ME = "/me/messages/"


def _gone(world, how):
    therapist = world["therapist"]
    if how == "role_removed":
        ClinicRole.objects.filter(user=therapist, clinic=world.clinic, role=Role.THERAPIST).delete()
    else:
        User.objects.filter(pk=therapist.pk).update(is_active=False)


def _patient_writes(world, body="I feel worse today"):
    return actions.do_send_message(
        world.episode, acting_user=world.patient.user, body=body, submission_key=uuid.uuid4()
    )


def _who_reads(text):
    return text.split('id="who-reads"')[1].split("</p>")[0]


@pytest.mark.parametrize("how", ["role_removed", "account_closed"])
def test_the_patient_reads_that_the_team_reads_and_the_team_sees_the_message(
    world, client, login, how
):
    name = world["therapist"].get_full_name()
    assert name in _who_reads(login(world.patient.user).get(ME).content.decode())
    _gone(world, how)

    text = client.get(ME).content.decode()
    who = _who_reads(text)
    assert name not in who and "your therapist," not in who
    assert "the clinic&#x27;s team reads your messages" in who
    assert "This is not an emergency service" in who
    assert 'id="id_body"' in text  # the patient can still write: a person reads it
    message = _patient_writes(world)

    # Seen by a person who can act: the manager's inbox, and the patient on the staff
    # page's list of patients who need a new therapist.
    login(world["manager"])
    inbox = client.get("/inbox/").content.decode()
    assert f'id="message-{message.pk}"' in inbox
    staff = client.get("/clinics/alpha/staff/").content.decode()
    assert "Patients who need a new therapist" in staff and str(world.patient) in staff


def test_the_page_still_names_a_therapist_who_works_there(world, login):
    text = login(world.patient.user).get(ME).content.decode()
    assert "team reads" not in text


def test_a_worksheet_is_not_sent_to_the_therapist_who_left(world, login):
    """The module page's button and the word after sending do not promise that the
    therapist who left reads the worksheet: it is kept for the new therapist."""
    from django.urls import reverse

    from tests.plan_fixtures import build_plan

    plan = build_plan(world)
    client = login(world.patient.user)
    page = reverse("module_reader", args=[plan.entry.pk]) + "?step=2"
    assert "Send to my therapist" in client.get(page).content.decode()
    _gone(world, "role_removed")

    text = client.get(page).content.decode()
    assert "Send to my therapist" not in text and "Send for my new therapist" in text
    url = reverse("worksheet_save", args=[plan.entry.pk, 2])
    sent = client.post(url, {"situation": "done", "send": "1"}, follow=True).content.decode()
    assert "Your therapist will read it" not in sent
    assert "kept for your new therapist" in sent
