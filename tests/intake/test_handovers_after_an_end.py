"""A hand-over written before its subject ended is not sent after it (decision 0105,
part 2): held for quiet hours or a refusing server's retries, a notice is asked again
when it comes due. A booking whose application was declined, a "new patient" given to
someone else, an urgent application referred elsewhere: withdrawn, "no longer needed" in
the person's history. An urgent application's notice to someone who left goes to whoever
is told now: an applicant marked urgent is never left with a notice to nobody."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.utils import timezone

from tessera.core.actions import do_grant_role, do_offboard_staff
from tessera.core.actions.staff import do_change_therapist
from tessera.core.roles import Role
from tessera.intake import actions
from tessera.notifications import delivery
from tessera.notifications.models import Notification
from tests.conftest import make_user
from tests.intake.assessment_helpers import accepted_episode
from tests.intake.intake_helpers import PHQ_RISK, make_application


def _row(user, kind):
    return Notification.objects.get(recipient=user, kind=kind)


def _withdrawn(row):
    assert delivery.deliver(row.pk) == "withdrawn"
    row.refresh_from_db()
    assert row.get_state_display() == "no longer needed"  # what their history says
    assert row.recipient.email not in [to for m in mail.outbox for to in m.to]


def _book(world, email):
    application = make_application(world.clinic, email)
    actions.do_book_assessment(
        application,
        acting_user=world["intake"],
        mode="phone",
        starts_at=timezone.now() + dt.timedelta(days=2),
        assessor=world["assessor"],
    )
    return application


def test_a_booking_notice_is_withdrawn_once_the_application_was_declined(world):
    application = _book(world, "booked@apply.test")
    actions.do_decline(application, acting_user=world["assessor"], reason="Not for us.")
    _withdrawn(_row(application.applicant, "assessment_booked"))
    _withdrawn(_row(world["assessor"], "assessment_to_do"))


def test_a_booking_notice_is_sent_while_the_booking_stands(world):
    application = _book(world, "stands@apply.test")
    assert delivery.deliver(_row(application.applicant, "assessment_booked").pk) == "sent"
    assert delivery.deliver(_row(world["assessor"], "assessment_to_do").pk) == "sent"


def _started(world, email):
    return accepted_episode(world, make_application(world.clinic, email))


def test_a_new_patient_notice_is_withdrawn_once_the_patient_was_given_to_another(world):
    episode = _started(world, "moved@apply.test")
    other = make_user("other.therapist@alpha.test", second_factor=True)
    do_grant_role(other, world.clinic, Role.THERAPIST)
    do_change_therapist(episode, acting_user=world["manager"], to_user=other, reason="Caseload")
    _withdrawn(_row(world["therapist"], "new_patient"))
    # the new therapist's own notice (written by core) goes
    assert delivery.deliver(_row(other, "new_patient").pk) == "sent"


def test_a_new_patient_notice_is_sent_while_they_are_the_therapist(world):
    _started(world, "kept@apply.test")
    assert delivery.deliver(_row(world["therapist"], "new_patient").pk) == "sent"


def test_an_urgent_notice_is_withdrawn_once_the_application_went_elsewhere(world, consent):
    application = make_application(world.clinic, "urgent.gone@apply.test", phq=PHQ_RISK)
    assert application.urgent
    actions.do_redirect(application, acting_user=world["intake"], where="The crisis team")
    _withdrawn(_row(world["assessor"], "urgent_application"))


def test_an_urgent_notice_to_someone_who_left_goes_to_whoever_is_told_now(world, consent):
    application = make_application(world.clinic, "urgent.left@apply.test", phq=PHQ_RISK)
    row = _row(world["assessor"], "urgent_application")
    # a colleague put on call after the team was told: nobody has told them
    on_call = make_user("oncall@alpha.test", second_factor=True)
    do_grant_role(on_call, world.clinic, Role.THERAPIST, on_call=True)
    do_offboard_staff(world["assessor"], acting_user=world["manager"], clinics=[world.clinic])
    _withdrawn(row)
    told = Notification.objects.filter(kind="urgent_application", recipient=on_call)
    assert told.count() == 1
    assert told.get().params == {"application": application.pk}
    # the others were told already: not twice
    assert (
        Notification.objects.filter(kind="urgent_application", recipient=world["intake"]).count()
        == 1
    )


def test_an_urgent_notice_is_sent_while_the_application_is_open(world, consent):
    make_application(world.clinic, "urgent.open@apply.test", phq=PHQ_RISK)
    assert delivery.deliver(_row(world["assessor"], "urgent_application").pk) == "sent"


def _applicant_wrote(world, email):
    import uuid

    from tessera.intake import notify as intake_notify
    from tessera.intake.actions import messages

    application = make_application(world.clinic, email)
    message = messages.do_write_to_clinic(
        application,
        acting_user=application.applicant,
        body="A question about my application.",
        submission_key=uuid.uuid4(),
    )
    intake_notify.tell_intake_team_applicant_wrote(application, message)  # after the commit
    return _row(world["intake"], "applicant_wrote")


def test_an_applicant_wrote_notice_to_someone_who_left_goes_to_who_reads_them_now(world):
    row = _applicant_wrote(world, "wrote.left@apply.test")
    successor = make_user("coordinator2@alpha.test", second_factor=True)
    do_grant_role(successor, world.clinic, Role.INTAKE_COORDINATOR)
    do_offboard_staff(world["intake"], acting_user=world["manager"], clinics=[world.clinic])
    _withdrawn(row)
    told = _row(successor, "applicant_wrote")
    assert told.params == row.params
    assert delivery.deliver(told.pk) == "sent"


def test_an_applicant_wrote_notice_is_sent_while_they_read_them(world):
    row = _applicant_wrote(world, "wrote.kept@apply.test")
    assert delivery.deliver(row.pk) == "sent"
