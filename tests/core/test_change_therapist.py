"""A clinic's manager gives one open episode to another therapist of the clinic (issue 20,
staff administration): refusals, the audit event, the "new patient" flag and one
notification of the same kind as at intake."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tessera.core import access
from tessera.core.actions.staff import do_change_therapist
from tessera.core.models import AuditEvent, Episode
from tessera.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _change(world, **kwargs):
    values = {"acting_user": world["manager"], "to_user": world["colleague"], "reason": "Asked"}
    values.update(kwargs)
    return do_change_therapist(world.episode, **values)


def test_the_change_is_audited_flagged_and_notified_once(world):
    _change(world, reason="The patient asked for another therapist")
    episode = Episode.objects.get(pk=world.episode.pk)
    assert episode.therapist_id == world["colleague"].pk
    assert episode.new_to_therapist
    event = AuditEvent.objects.get(action="staff.therapist_changed")
    assert event.changes == {
        "from": world["therapist"].pk,
        "to": world["colleague"].pk,
        "reason": "The patient asked for another therapist",
    }
    assert event.patient_id == world.patient.pk
    rows = Notification.objects.filter(recipient=world["colleague"], kind="new_patient")
    assert rows.count() >= 1
    assert {row.key for row in rows} == {row.key for row in rows[:1]}  # one event
    assert rows.first().link == reverse("episode_overview", kwargs={"episode_id": episode.pk})
    assert not Notification.objects.filter(recipient=world["therapist"], kind="new_patient")


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("other_therapist", "Choose a therapist of this clinic."),
        ("manager", "Choose a therapist of this clinic."),
        ("therapist", "This therapist already has the patient."),
    ],
)
def test_refuses_a_non_therapist_of_the_clinic_and_the_same_therapist(world, who, message):
    with pytest.raises(ValidationError) as refused:
        _change(world, to_user=world[who])
    assert message in refused.value.messages
    assert not AuditEvent.objects.filter(action="staff.therapist_changed").exists()


def test_refuses_an_ended_episode_and_an_empty_reason(world):
    with pytest.raises(ValidationError, match="reason"):
        _change(world, reason="  ")
    Episode.objects.filter(pk=world.episode.pk).update(status=Episode.Status.ENDED)
    with pytest.raises(ValidationError, match="has ended"):
        _change(world)
    assert not Notification.objects.filter(kind="new_patient").exists()


def test_only_the_clinics_managers_may(world):
    assert access.may_change_therapist(world["manager"], world.episode)
    assert access.may_change_therapist(world["region_admin"], world.episode)
    for kind in ("therapist", "supervisor", "other_manager", "patient"):
        assert not access.may_change_therapist(world[kind], world.episode)


def test_the_form_on_the_overview_is_for_the_manager_only(world, client):
    from tests.conftest import sign_in

    url = reverse("episode_overview", kwargs={"episode_id": world.episode.pk})
    sign_in(client, world["therapist"])
    assert "Change therapist" not in client.get(url).content.decode()
    sign_in(client, world["manager"])
    page = client.get(url).content.decode()
    assert "Change therapist" in page and "Reason for the change" in page
    response = client.post(
        reverse("episode_change_therapist", args=[world.episode.pk]),
        {"to_user": world["colleague"].pk, "reason": "Too big a caseload"},
        follow=True,
    )
    assert "is now the patient&#x27;s therapist" in response.content.decode()
    assert Episode.objects.get(pk=world.episode.pk).therapist_id == world["colleague"].pk
