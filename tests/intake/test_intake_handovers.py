"""Hand-overs reach the next person (issue 20): a booked assessment (applicant and
assessor), a decision (applicant), a newly assigned patient (therapist), a colleague's
answer in a consultation (the one who asked). Each through the notifications app,
exactly once, with a link and nothing clinical."""

from __future__ import annotations

import datetime as dt
import uuid

from django.urls import reverse
from django.utils import timezone

from tessera.consultation import actions as consultation_actions
from tessera.intake import actions
from tessera.intake.actions import decisions as decision_actions
from tessera.notifications.models import Notification
from tests.consultation.consultation_helpers import ask
from tests.intake.assessment_helpers import assess_kwargs, published_version
from tests.intake.intake_helpers import make_application


def _told(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_a_booked_assessment_tells_the_applicant_and_the_assessor_once(world, mailoutbox):
    application = make_application(world.clinic, "book@apply.test")
    booking = actions.do_book_assessment(
        application,
        acting_user=world["intake"],
        mode="phone",
        starts_at=timezone.now() + dt.timedelta(days=2),
        assessor=world["assessor"],
    )
    (applicant,) = _told(application.applicant, "assessment_booked")
    assert applicant.link == reverse("intake_status", args=[application.pk])
    (assessor,) = _told(world["assessor"], "assessment_to_do")
    assert assessor.link == reverse("intake_application", args=[application.pk])
    assert str(booking.pk) in assessor.key
    assert not _told(world["intake"], "assessment_to_do")


def test_a_decision_tells_the_applicant_and_a_start_tells_the_therapist(world):
    application = make_application(world.clinic, "accept@apply.test")
    decision_actions.do_assess(
        application,
        acting_user=world["assessor"],
        programme_version=published_version(world),
        therapist=world["therapist"],
        **assess_kwargs(),
    )
    application.refresh_from_db()
    assert len(_told(application.applicant, "application_decided")) == 1
    (new,) = _told(world["therapist"], "new_patient")
    assert new.link == reverse("episode_overview", kwargs={"episode_id": application.episode_id})


def test_a_decline_tells_the_applicant(world):
    application = make_application(world.clinic, "declined@apply.test")
    actions.do_decline(application, acting_user=world["assessor"], reason="Not for us.")
    assert len(_told(application.applicant, "application_decided")) == 1


def test_the_waiting_list_start_tells_the_therapist(world):
    application = make_application(world.clinic, "wait@apply.test")
    decision_actions.do_assess(
        application,
        acting_user=world["assessor"],
        programme_version=published_version(world),
        therapist=world["therapist"],
        **assess_kwargs(decision="wait"),
    )
    assert not _told(world["therapist"], "new_patient")
    decision_actions.do_start_from_waiting_list(application, acting_user=world["intake"])
    assert len(_told(world["therapist"], "new_patient")) == 1


def test_a_colleagues_answer_tells_the_one_who_asked(world):
    request = ask(world)
    consultation_actions.do_comment(
        request, acting_user=world["colleague"], text="Yes, add it.", submission_key=uuid.uuid4()
    )
    (told,) = _told(world["therapist"], "consultation_answered")
    assert told.link == reverse("consultation_detail", args=[request.pk])
    # the asker's own comment tells nobody
    consultation_actions.do_comment(
        request, acting_user=world["therapist"], text="Thanks.", submission_key=uuid.uuid4()
    )
    assert not _told(world["colleague"], "consultation_answered")
    assert len(_told(world["therapist"], "consultation_answered")) == 1


def test_each_person_sees_their_own_notification_history(world, client):
    from tests.conftest import sign_in

    application = make_application(world.clinic, "hist@apply.test")
    actions.do_decline(application, acting_user=world["assessor"], reason="Not for us.")
    actions_book = make_application(world.clinic, "hist2@apply.test")
    actions.do_book_assessment(
        actions_book,
        acting_user=world["intake"],
        mode="phone",
        starts_at=timezone.now() + dt.timedelta(days=2),
        assessor=world["assessor"],
    )
    sign_in(client, world["assessor"])
    body = client.get(reverse("my_notification_history")).content.decode()
    assert 'data-kind="assessment_to_do"' in body
    assert "An assessment has been booked with you" in body
    assert 'data-kind="application_decided"' not in body  # the applicant's, not theirs
    sign_in(client, application.applicant)
    body = client.get(reverse("my_notification_history")).content.decode()
    assert 'data-kind="application_decided"' in body and "assessment_to_do" not in body
