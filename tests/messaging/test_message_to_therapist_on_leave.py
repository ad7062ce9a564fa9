"""A patient's message to a therapist on leave reaches someone at work (decision 0160's
follow-up): while the therapist is away that day (the clinic's calendar), the one
covering them is told too when they may open the patient; without such a cover, the
managers at work that day. The cover's own inbox shows the waiting message, written
while the therapist is away or already waiting when the leave began."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from tessera.core import access
from tessera.core import actions as core_actions
from tessera.core.clinic_dates import clinic_today
from tessera.core.roles import Role
from tessera.messaging import actions
from tessera.notifications.models import Notification
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _leave(world, *, cover=None, who=None, first=None, last=None):
    today = clinic_today(world.clinic)
    return core_actions.do_record_leave(
        world.clinic,
        acting_user=world["manager"],
        user=who or world["therapist"],
        first_day=first or today,
        last_day=last or today + dt.timedelta(days=6),
        cover=cover,
    )


def _patient_writes(world, capture, body="I feel worse"):
    with capture(execute=True):
        return actions.do_send_message(
            world.episode, acting_user=world.patient.user, body=body, submission_key=uuid.uuid4()
        )


def _told():
    found = Notification.objects.filter(kind="patient_wrote")
    return sorted(found.values_list("recipient__email", flat=True))


def _managers(world):
    return sorted([world["manager"].email, world["staff_no_mfa"].email])


def test_the_cover_is_told_with_the_therapist_on_leave(world, django_capture_on_commit_callbacks):
    _leave(world, cover=world["supervisor"])  # a supervisor opens any patient of the clinic
    _patient_writes(world, django_capture_on_commit_callbacks)
    assert _told() == sorted([world["therapist"].email, world["supervisor"].email])


def test_a_leave_not_begun_tells_the_therapist_alone(world, django_capture_on_commit_callbacks):
    tomorrow = clinic_today(world.clinic) + dt.timedelta(days=1)
    _leave(world, cover=world["supervisor"], first=tomorrow, last=tomorrow)
    _patient_writes(world, django_capture_on_commit_callbacks)
    assert _told() == [world["therapist"].email]


def test_without_a_cover_the_managers_at_work_are_told(world, django_capture_on_commit_callbacks):
    _leave(world)
    _leave(world, who=world["staff_no_mfa"])
    _patient_writes(world, django_capture_on_commit_callbacks)
    assert _told() == sorted([world["therapist"].email, world["manager"].email])


def test_every_manager_away_all_are_told(world):
    _leave(world)
    _leave(world, who=world["staff_no_mfa"])
    _leave(world, who=world["manager"])
    told = {user.email for user in access.patient_message_recipients(world.episode)}
    assert told == {world["therapist"].email, *_managers(world)}


@pytest.mark.parametrize("why", ["cannot_open", "away_too"])
def test_a_cover_who_cannot_act_is_passed_over_for_the_managers(world, why):
    """A therapist colleague opens only their own patients (0155 asks about it when the
    leave is recorded); a cover away that day too is not at work."""
    cover = world["colleague"] if why == "cannot_open" else world["supervisor"]
    _leave(world, cover=cover)
    if why == "away_too":
        _leave(world, who=cover)
    told = sorted(user.email for user in access.patient_message_recipients(world.episode))
    assert told == sorted([world["therapist"].email, *_managers(world)])


@pytest.mark.parametrize("when", ["written_while_away", "waiting_when_the_leave_began"])
def test_the_covers_own_inbox_shows_the_waiting_message(
    world, client, django_capture_on_commit_callbacks, when
):
    """The colleague is a therapist (their own inbox by default) and a supervisor (they
    may open the patient): covering, their inbox shows the message as an item."""
    cover = world["colleague"]
    core_actions.do_grant_role(cover, world.clinic, Role.SUPERVISOR)
    if when == "waiting_when_the_leave_began":
        _patient_writes(world, django_capture_on_commit_callbacks)
        _leave(world, cover=cover)
    else:
        _leave(world, cover=cover)
        _patient_writes(world, django_capture_on_commit_callbacks)
    sign_in(client, cover)
    html = client.get(reverse("inbox")).content.decode()
    assert 'data-kind="reply"' in html
    assert f"/episodes/{world.episode.pk}/messages/" in html


def test_not_covering_the_own_inbox_does_not_show_it(
    world, client, django_capture_on_commit_callbacks
):
    cover = world["colleague"]
    core_actions.do_grant_role(cover, world.clinic, Role.SUPERVISOR)
    _patient_writes(world, django_capture_on_commit_callbacks)
    sign_in(client, cover)
    html = client.get(reverse("inbox")).content.decode()
    assert f"/episodes/{world.episode.pk}/messages/" not in html
