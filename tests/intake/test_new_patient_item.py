"""A patient handed over to a therapist is a "new patient" row in that therapist's inbox
until they first open the overview or write to the patient (issue 20, item 9); other
therapists never see it, and the inbox's queries do not grow (the flag comes with the
caseload's episodes)."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from tessera.core.models import AuditEvent, Episode, User
from tessera.inbox import items, scope, worklist
from tessera.inbox.scope import Choice
from tessera.intake.actions import decisions as decision_actions
from tessera.messaging.actions import do_send_message
from tests.conftest import sign_in
from tests.intake.assessment_helpers import accepted_episode, assess_kwargs, published_version
from tests.intake.intake_helpers import make_application

pytestmark = pytest.mark.django_db


def _new_rows(user):
    user = User.objects.get(pk=user.pk)
    work = worklist.build(scope.caseload(user, Choice(user, team=False)))
    return work.of_kind(items.NEW_PATIENT)


def _accepted(world, email="new@apply.test"):
    return accepted_episode(world, make_application(world.clinic, email))


def test_an_accepted_patient_is_a_new_patient_row_until_the_overview_is_opened(world, client):
    episode = _accepted(world)
    (row,) = _new_rows(world["therapist"])
    assert row.episode.pk == episode.pk
    assert row.href == reverse("episode_overview", kwargs={"episode_id": episode.pk})
    sign_in(client, world["therapist"])
    page = client.get(reverse("inbox")).content.decode()
    assert f'id="new-{episode.pk}"' in page and "New patient" in page
    # Not for another therapist, nor cleared by another member of staff opening it.
    assert not _new_rows(world["colleague"])
    sign_in(client, world["supervisor"])
    client.get(reverse("episode_overview", kwargs={"episode_id": episode.pk}))
    assert _new_rows(world["therapist"])
    # The therapist's first look clears it, once and audited.
    sign_in(client, world["therapist"])
    assert client.get(row.href).status_code == 200
    assert not _new_rows(world["therapist"])
    client.get(row.href)
    assert AuditEvent.objects.filter(action="episode.new_patient_seen").count() == 1


def test_a_first_message_clears_the_row(world):
    episode = _accepted(world, "msg@apply.test")
    assert _new_rows(world["therapist"])
    do_send_message(
        episode, acting_user=world["therapist"], body="Welcome", submission_key=uuid.uuid4()
    )
    assert not _new_rows(world["therapist"])


def _waiting(world, email, therapist=None):
    application = make_application(world.clinic, email)
    decision_actions.do_assess(
        application,
        acting_user=world["assessor"],
        programme_version=published_version(world),
        therapist=therapist,
        **assess_kwargs(decision="wait"),
    )
    application.refresh_from_db()
    return application


def test_a_waiting_list_start_with_a_therapist_is_their_new_patient(world, client):
    """Assignment when treatment starts from the waiting list: the therapist chosen then."""
    application = _waiting(world, "wait.new@apply.test")
    assert not _new_rows(world["therapist"])
    episode = decision_actions.do_start_from_waiting_list(
        application, acting_user=world["intake"], therapist=world["therapist"]
    )
    (row,) = _new_rows(world["therapist"])
    assert row.episode.pk == episode.pk
    sign_in(client, world["therapist"])
    client.get(row.href)
    assert not _new_rows(world["therapist"])


def test_a_waiting_list_start_with_another_therapist_moves_the_row(world):
    """Re-assignment: the patient waited with one therapist and starts with another, who
    has them as a new patient; the first therapist no longer does."""
    application = _waiting(world, "wait.moved@apply.test", therapist=world["therapist"])
    episode = decision_actions.do_start_from_waiting_list(
        application, acting_user=world["intake"], therapist=world["colleague"]
    )
    assert [row.episode.pk for row in _new_rows(world["colleague"])] == [episode.pk]
    assert episode.pk not in [row.episode.pk for row in _new_rows(world["therapist"])]


def test_patients_handed_over_after_their_therapist_left_are_new_to_the_new_one(world, client):
    """Re-assignment after a therapist leaves: each patient handed over is a new-patient
    row for the therapist who takes them, until that therapist opens them."""
    from tessera.core.actions import staff as staff_actions

    leaver, taker = world["therapist"], world["colleague"]
    staff_actions.do_offboard_staff(leaver, acting_user=world["manager"], clinics=[world.clinic])
    assert not _new_rows(taker)
    handed = staff_actions.do_hand_over_caseload(
        world.clinic, acting_user=world["manager"], from_user=leaver, to_user=taker
    )
    assert handed == 1
    # The new therapist is told once, as for a single change of therapist.
    from tessera.notifications.models import Notification

    told = Notification.objects.filter(kind="new_patient", recipient=taker)
    assert [n.link for n in told] == [
        reverse("episode_overview", kwargs={"episode_id": world.episode.pk})
    ]
    (row,) = _new_rows(taker)
    assert row.episode.pk == world.episode.pk
    # The colleague's own patient (theirs before) is not new to them.
    assert Episode.objects.filter(therapist=taker, new_to_therapist=True).count() == 1
    sign_in(client, taker)
    client.get(row.href)
    assert not _new_rows(taker)
    assert AuditEvent.objects.filter(action="episode.new_patient_seen").count() == 1
