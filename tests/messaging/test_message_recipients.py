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
