"""An urgent self-referral reaches a person: the clinic's intake staff and its staff on
call are told at once (through the notifications app: their channels, at most once, no
clinical content), the on-call person can read the application, and the applicant is
asked for a phone number before sending."""

from __future__ import annotations

from django.urls import reverse

from tessera.core.actions import do_grant_role
from tessera.core.roles import Role
from tessera.intake import notify as intake_notify
from tessera.intake.actions import apply as apply_actions
from tessera.notifications.models import Notification
from tests.conftest import make_user, sign_in
from tests.intake.intake_helpers import PHQ_NO_RISK, PHQ_RISK, make_application


def _on_call(world, email="oncall@alpha.test"):
    user = make_user(email, second_factor=True, first_name="Otto")
    do_grant_role(user, world.clinic, Role.THERAPIST, on_call=True)
    return user


def _told(kind="urgent_application"):
    return Notification.objects.filter(kind=kind)


def test_an_urgent_application_tells_the_intake_team_and_on_call_once(
    world, consent, mailoutbox, django_capture_on_commit_callbacks
):
    on_call = _on_call(world)
    with django_capture_on_commit_callbacks(execute=True):
        application = make_application(world.clinic, "urgent@apply.test", phq=PHQ_RISK)
    assert application.urgent
    recipients = set(_told().values_list("recipient__email", flat=True))
    assert recipients == {
        "intake@alpha.test",
        "assessor@alpha.test",
        "manager@alpha.test",
        "nomfa@alpha.test",  # a manager too: told, and reads it once they have a factor
        "oncall@alpha.test",
    }
    assert not _told().filter(recipient=world["therapist"]).exists()
    assert all(n.link == reverse("intake_application", args=[application.pk]) for n in _told())
    # sent once, and the e-mail says nothing clinical
    assert {m.to[0] for m in mailoutbox} >= recipients
    body = next(m.body for m in mailoutbox if m.to == [on_call.email])
    assert "urgent" in body.lower()
    for secret in ("Ada", "Applicant", "PHQ", "risk", "harm"):
        assert secret not in body
    # asking again writes nothing new
    count = _told().count()
    assert intake_notify.tell_intake_team_about_urgent(application) == 0
    assert _told().count() == count


def test_a_routine_application_tells_nobody(world, consent):
    _on_call(world)
    make_application(world.clinic, "routine@apply.test", phq=PHQ_NO_RISK)
    assert not _told().exists()


def test_a_referred_persons_risk_answer_after_the_referral_tells_the_team(world, consent):
    """A professional's referral is submitted at once; the person screens later."""
    from tests.intake.intake_helpers import REFERRAL

    on_call = _on_call(world)
    person = {"first_name": "Rut", "last_name": "Ref", "email": "rut@apply.test"}
    application = apply_actions.do_refer(world.clinic, referral=dict(REFERRAL), person=person)
    assert not _told().exists()
    user = make_user("rut@apply.test")
    application = apply_actions.do_claim_invitation(application, user=user)
    apply_actions.do_submit_screening(
        application, "PHQ-9", PHQ_RISK, acting_user=user, language="en"
    )
    assert _told().filter(recipient=on_call).count() == 1


def test_on_call_staff_read_urgent_applications_but_do_not_triage_them(world, consent, client):
    on_call = _on_call(world)
    urgent = make_application(world.clinic, "urgent@apply.test", phq=PHQ_RISK)
    routine = make_application(world.clinic, "routine@apply.test", phq=PHQ_NO_RISK)
    sign_in(client, on_call)
    response = client.get(reverse("intake_application", args=[urgent.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and "Urgent" in body
    assert "Record the assessment" not in body and "Ask for more information" not in body
    # no phone on record: the page says so
    assert 'id="no-phone"' in body
    assert client.get(reverse("intake_application", args=[routine.pk])).status_code == 404
    response = client.post(
        reverse("intake_application_action", args=[urgent.pk, "decline"]), {"decline-reason": "x"}
    )
    assert response.status_code == 404
    urgent.refresh_from_db()
    assert urgent.status == "submitted"
    # the queue stays the intake team's
    assert client.get(reverse("intake_queue")).status_code == 404


def test_the_intake_team_still_triages_urgent_applications(world, consent, client):
    urgent = make_application(world.clinic, "urgent@apply.test", phq=PHQ_RISK, phone="0701234")
    sign_in(client, world["intake"])
    body = client.get(reverse("intake_application", args=[urgent.pk])).content.decode()
    assert "Ask for more information" in body and 'id="no-phone"' not in body


def test_the_applicant_is_asked_for_a_phone_number_before_sending(world, consent, client):
    application = make_application(world.clinic, "urgent@apply.test", phq=PHQ_RISK, submit=False)
    sign_in(client, application.applicant)
    url = reverse("intake_submit", args=[application.pk])
    body = client.get(url).content.decode()
    assert 'name="phone"' in body and 'type="tel"' in body
    response = client.post(url, {"phone": "+46 70 123 45 67"})
    assert response["Location"] == reverse("intake_status", args=[application.pk])
    application.refresh_from_db()
    assert application.phone == "+46 70 123 45 67" and application.status == "submitted"


def test_a_routine_applicant_is_not_asked_again(world, consent, client):
    application = make_application(
        world.clinic, "routine@apply.test", phq=PHQ_NO_RISK, submit=False
    )
    sign_in(client, application.applicant)
    body = client.get(reverse("intake_submit", args=[application.pk])).content.decode()
    assert 'name="phone"' not in body
    response = client.post(reverse("intake_submit", args=[application.pk]))
    assert response.status_code == 302


def test_an_urgent_application_goes_by_email_and_text_despite_quiet_hours(
    world, consent, settings, django_capture_on_commit_callbacks
):
    """Issue 12: a risk answer in screening reaches a person the way a risk alert does,
    not held until the morning by someone's quiet hours or missing SMS choice."""
    import datetime as dt
    import zoneinfo

    import time_machine

    from tessera.notifications import sms
    from tessera.notifications.models import Preference

    settings.TESSERA_SMS_BACKEND = "tessera.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    on_call = _on_call(world)
    on_call.mobile_phone = "+46701234567"
    on_call.save(update_fields=["mobile_phone"])
    Preference.objects.create(
        user=on_call, email=True, sms=False, quiet_from=dt.time(0, 0), quiet_until=dt.time(23, 59)
    )
    night = dt.datetime(2026, 12, 5, 2, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Stockholm"))
    with time_machine.travel(night, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            make_application(world.clinic, "urgent@apply.test", phq=PHQ_RISK)
    sent = _told().filter(recipient=on_call)
    assert sorted(sent.values_list("channel", "state")) == [("email", "sent"), ("sms", "sent")]
    (text,) = [s for s in sms.outbox if s.recipient_id == on_call.pk]
    assert "Ada" not in text.text and "PHQ" not in text.text
    sms.outbox.clear()
