"""A patient's message reaches a person in every configuration (issue 20, item 5, as a
class): their therapist while that person works there as a therapist; when the therapist
left, lost the role or had their account closed, the clinic's managers, who hand the
patient over. Nothing clinical in the e-mail, and each person told once."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail

from tessera.core.models import ClinicRole, User
from tessera.core.roles import Role
from tessera.messaging import actions
from tessera.notifications.models import Notification


def _patient_writes(world, django_capture_on_commit_callbacks, body="I feel worse"):
    with django_capture_on_commit_callbacks(execute=True):
        return actions.do_send_message(
            world.episode,
            acting_user=world.patient.user,
            body=body,
            submission_key=uuid.uuid4(),
        )


def _told(kind="patient_wrote"):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def test_the_therapist_is_told_while_they_work_there(world, django_capture_on_commit_callbacks):
    _patient_writes(world, django_capture_on_commit_callbacks)
    assert _told() == [world["therapist"].email]


@pytest.mark.parametrize("how", ["role_removed", "account_closed"])
def test_when_the_therapist_is_gone_the_managers_are_told_once(
    world, django_capture_on_commit_callbacks, how
):
    therapist = world["therapist"]
    if how == "role_removed":
        ClinicRole.objects.filter(user=therapist, clinic=world.clinic, role=Role.THERAPIST).delete()
    else:
        User.objects.filter(pk=therapist.pk).update(is_active=False)
    managers = sorted(
        ClinicRole.objects.filter(
            clinic=world.clinic, role=Role.CLINIC_MANAGER, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    assert managers
    mail.outbox.clear()
    message = _patient_writes(world, django_capture_on_commit_callbacks, body="Secret worries")
    assert _told() == managers
    assert therapist.email not in [to for m in mail.outbox for to in m.to]
    for sent in mail.outbox:
        assert "Secret" not in f"{sent.subject}\n{sent.body}"
    # sent again (a retried request, same message): nobody is told twice
    with django_capture_on_commit_callbacks(execute=True):
        actions._notify(message)
    assert _told() == managers


@pytest.mark.parametrize("how", ["therapist_changed", "account_closed"])
def test_a_notice_held_until_after_the_patient_moved_on_goes_to_who_is_told_now(
    world, django_capture_on_commit_callbacks, how
):
    """Decision 0105: the therapist's notice held for their quiet hours; by morning the
    patient has another therapist, or the therapist has left. The notice is withdrawn and
    whoever is told of the patient's messages now is told instead, once."""
    import datetime as dt

    from django.utils import timezone

    from tessera.core.actions import do_offboard_staff
    from tessera.core.actions.staff import do_change_therapist
    from tessera.notifications.delivery import deliver_due
    from tessera.notifications.models import Preference

    therapist = world["therapist"]
    now = timezone.now().astimezone(dt.UTC)
    Preference.objects.create(
        user=therapist,
        time_zone="UTC",
        quiet_from=(now - dt.timedelta(hours=1)).time().replace(microsecond=0),
        quiet_until=(now + dt.timedelta(hours=1)).time().replace(microsecond=0),
    )
    _patient_writes(world, django_capture_on_commit_callbacks)
    [held] = Notification.objects.filter(kind="patient_wrote", recipient=therapist)
    assert held.state == "intended" and held.send_after
    if how == "therapist_changed":
        do_change_therapist(
            world.episode, acting_user=world["manager"], to_user=world["colleague"], reason="Leave"
        )
        now_told = [world["colleague"].email]
    else:
        do_offboard_staff(therapist, acting_user=world["manager"], clinics=[world.clinic])
        now_told = sorted(
            ClinicRole.objects.filter(
                clinic=world.clinic, role=Role.CLINIC_MANAGER, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    mail.outbox.clear()
    for _ in range(2):  # a second run tells nobody again
        with django_capture_on_commit_callbacks(execute=True):
            deliver_due(held.send_after + dt.timedelta(minutes=1))  # quiet hours over
    held.refresh_from_db()
    assert held.state == "withdrawn"
    told = sorted(to for m in mail.outbox for to in m.to if "written" in m.subject)
    assert told == now_told
