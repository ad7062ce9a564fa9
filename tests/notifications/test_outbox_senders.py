"""The senders that used to e-mail inside the request now write to the outbox
(docs/decisions/0029): each request writes exactly one row and sends nothing itself; the
worker sends it once; a refusing mail server is retried with backoff and then shown to
the clinic's managers as failed; a worker killed mid-batch loses nothing and sends
nothing twice; an SMS carries a stable reference a gateway can deduplicate by."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tessera.core import second_factor
from tessera.core.actions import do_update_patient_details
from tessera.core.models import AuditEvent
from tessera.notifications import delivery, sms
from tessera.notifications.actions import do_save_preferences
from tessera.notifications.models import SENDING_TIMEOUT, Notification
from tests.intake.intake_helpers import make_application
from tests.intake.test_intake_referral_pages import _form as referral_form
from tests.outbox import drain, rows

BROKEN = "tests.notifications.test_notifications_delivery.BrokenMail"


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.TESSERA_SMS_BACKEND = "tessera.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


# --- each sender: one row, nothing inline ---------------------------------------------


def _invite_staff(world, login, email="nora@alpha.test"):
    client = login(world["manager"])
    response = client.post(
        reverse("clinic_staff", args=["alpha"]), {"email": email, "role": "therapist"}
    )
    assert response.status_code == 302
    return ("staff_invited",)


def _refer(world, client):
    response = client.post(reverse("intake_refer", args=["alpha"]), referral_form())
    assert response.status_code == 302
    return ("application_invited", "referral_received")  # the person, the referrer


def _ask_for_information(world, login):
    application = make_application(world.clinic, "ada@apply.test")
    response = login(world["intake"]).post(
        reverse("intake_application_action", kwargs={"pk": application.pk, "action": "ask_info"}),
        {"ask-message": "When can you start?"},
    )
    assert response.status_code == 302
    return ("information_requested",)


def _ask_colleague(world, login):
    response = login(world["therapist"]).post(
        f"/consultations/ask/{world.episode.pk}/",
        {
            "to": str(world["colleague"].pk),
            "question": "Would you add the sleep module?",
            "hours": "72",
            "submission_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    return ("consultation_requested",)


def _lock_second_factor(world, settings):
    user = world["therapist"]
    for _ in range(settings.TESSERA_MFA_FAILURES):
        second_factor.record_failure(user)
    return ("mfa_locked",)


SENDERS = {
    "staff invitation": lambda world, client, login, settings: _invite_staff(world, login),
    "referral's invitation": lambda world, client, login, settings: _refer(world, client),
    "information request": lambda w, client, login, settings: _ask_for_information(w, login),
    "consultation request": lambda world, client, login, settings: _ask_colleague(world, login),
    "second-factor lockout": lambda w, client, login, settings: _lock_second_factor(w, settings),
}


@pytest.mark.parametrize("sender", SENDERS)
def test_the_request_writes_one_outbox_row_and_sends_nothing_itself(
    world, client, login, settings, sender
):
    mail.outbox.clear()
    kinds = SENDERS[sender](world, client, login, settings)
    assert mail.outbox == [] and sms.outbox == []
    assert sorted(Notification.objects.values_list("kind", flat=True)) == sorted(kinds)
    queued = {row.to_address: row for row in Notification.objects.all()}
    assert {(r.state, r.channel, r.attempts) for r in queued.values()} == {("intended", "email", 0)}
    sent = drain()
    assert len(sent) == len(kinds)
    for message in sent:
        row = Notification.objects.get(pk=queued[message.to[0]].pk)
        assert message.extra_headers["Message-ID"] == row.message_id and row.state == "sent"
    assert drain() == []  # sent once


def test_each_text_is_the_one_the_request_used_to_send(world, client, login, settings):
    _invite_staff(world, login)
    _refer(world, client)
    _ask_colleague(world, login)
    _lock_second_factor(world, settings)
    sent = {m.to[0]: m for m in drain()}
    invitation = sent["nora@alpha.test"]
    assert "Tessera" in invitation.subject  # in the clinic's first language, as before
    assert "http://testserver/accounts/password/reset/key/" in invitation.body
    assert "/apply/invite/" in sent["gus@person.test"].body
    for secret in ["Gus", "Holm", "Low mood", "Clinic alpha"]:
        assert secret not in sent["gus@person.test"].subject + sent["gus@person.test"].body
    consultation = sent[world["colleague"].email]
    assert "http://testserver/consultations/" in consultation.body
    assert "sleep" not in consultation.body and "Pia" not in consultation.body
    assert "locked for 15 minutes" in sent[world["therapist"].email].body


def test_no_token_is_stored_in_the_outbox(world, client, login):
    _invite_staff(world, login)
    _refer(world, client)
    stored = " ".join(str(r.link) + str(r.params) for r in Notification.objects.all())
    assert "/reset/key/" not in stored and "/apply/invite/" not in stored


def test_a_second_lockout_in_the_same_window_writes_no_second_row(world, settings):
    _lock_second_factor(world, settings)
    for _ in range(3):
        second_factor.record_failure(world["therapist"])
    assert rows("mfa_locked").count() == 1


def test_the_lockout_notice_goes_whatever_the_persons_notification_choices(world, settings):
    patient = world.patient.user
    do_save_preferences(patient, acting_user=patient, email=False)
    for _ in range(settings.TESSERA_MFA_FAILURES):
        second_factor.record_failure(patient)
    assert [m.to for m in drain()] == [[patient.email]]


def test_an_action_rolled_back_leaves_no_row_and_sends_nothing(world):
    from django.db import transaction

    from tessera.intake.actions import apply as apply_actions
    from tests.intake.intake_helpers import REFERRAL

    with pytest.raises(RuntimeError), transaction.atomic():
        apply_actions.do_refer(
            world.clinic,
            referral=REFERRAL,
            person={"first_name": "Rut", "last_name": "R", "email": "rut@person.test"},
        )
        raise RuntimeError("the request failed after the action")
    assert not rows("application_invited").exists()
    assert drain() == []


# --- a refusing mail server -----------------------------------------------------------


def test_a_refusing_mail_server_retries_with_backoff_and_shows_the_failure_to_managers(
    world, client, login, settings
):
    for make in SENDERS.values():
        make(world, client, login, settings)
    queued = list(Notification.objects.values_list("pk", flat=True))
    assert len(queued) == 6
    settings.EMAIL_BACKEND = BROKEN
    now = timezone.now()
    assert drain(now) == []
    tried = Notification.objects.filter(pk__in=queued)
    assert {(r.state, r.attempts, r.send_after - now) for r in tried} == {
        ("intended", 1, dt.timedelta(minutes=1))
    }
    assert drain(now) == []  # not before its time
    waits = [now]
    for _ in range(4):
        now = Notification.objects.filter(pk__in=queued).first().send_after
        waits.append(now)
        drain(now)
    gaps = [(b - a) for a, b in zip(waits, waits[1:], strict=False)]
    assert gaps == [dt.timedelta(minutes=m) for m in (1, 5, 15, 60)]  # the backoff
    assert {(r.state, r.attempts) for r in tried.all()} == {("failed", 5)}
    assert mail.outbox == []

    page = login(world["manager"]).get(reverse("failed_notifications")).content.decode()
    for about in [
        "You are invited to work in Tessera",
        "Please complete your application",
        "There is news about your application",
        "Tessera: a colleague has asked for your view",
        "Tessera: sign-in codes refused",
        "Referral received",
    ]:
        assert about in page
    assert "gus@person.test" in page  # a referred person without an account, by address
    other = login(world["other_manager"]).get(reverse("failed_notifications")).content.decode()
    assert "gus@person.test" not in other and "ConnectionRefusedError" not in other
    assert AuditEvent.objects.filter(action="notifications.failed_viewed").exists()

    # The server back: nothing given up is sent by itself (a manager reaches the person).
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert drain(now + dt.timedelta(days=1)) == []


def test_a_mail_server_back_within_the_hour_gets_each_once(world, client, login, settings):
    for make in SENDERS.values():
        make(world, client, login, settings)
    settings.EMAIL_BACKEND = BROKEN
    now = timezone.now()
    drain(now)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert len(drain(now + dt.timedelta(minutes=1))) == 6
    assert drain(now + dt.timedelta(hours=3)) == []
    assert set(Notification.objects.values_list("state", "attempts")) == {("sent", 2)}


# --- the worker killed mid-batch ------------------------------------------------------


class Killed(BaseException):
    """The worker's process ending: no ``except Exception`` catches it."""


def test_a_worker_killed_mid_batch_of_these_kinds_loses_nothing_and_sends_nothing_twice(
    world, client, login, settings, monkeypatch
):
    for make in SENDERS.values():
        make(world, client, login, settings)
    queued = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    record_sent = delivery._record_sent
    calls = []

    def die_on_the_third(row):
        calls.append(row.pk)
        if len(calls) == 3:
            raise Killed  # the server accepted it; the worker died before saving that
        record_sent(row)

    now = timezone.now()
    with monkeypatch.context() as patch:
        patch.setattr(delivery, "_record_sent", die_on_the_third)
        with pytest.raises(Killed):
            delivery.deliver_due(now=now)
    states = [Notification.objects.get(pk=pk).state for pk in queued]
    assert states == ["sent", "sent", "sending", "intended", "intended", "intended"]
    assert len(mail.outbox) == 3
    assert delivery.deliver_due(now=now) == 3  # the restarted worker: the untried three
    assert delivery.deliver_due(now=now) == 0
    later = timezone.now() + SENDING_TIMEOUT + dt.timedelta(seconds=1)
    assert delivery.deliver_due(now=later) == 1  # the one in doubt, after the time-out
    assert delivery.deliver_due(now=later) == 0
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(ids) == 7 and len(set(ids)) == 6  # one in doubt twice, under one Message-ID
    assert {Notification.objects.get(pk=pk).state for pk in queued} == {"sent"}


# --- SMS: a stable reference ----------------------------------------------------------


def _sms_row(world):
    patient = world.patient
    do_update_patient_details(patient, acting_user=patient.user, phone="+46701234567")
    do_save_preferences(patient.user, acting_user=patient.user, sms=True)
    [row] = delivery.notify(
        patient.user, "new_message", key="m:1", link="/me/messages/", channels={"sms"}
    )
    return row


def test_an_sms_carries_its_notifications_reference(world, sms_outbox):
    row = _sms_row(world)
    assert delivery.deliver(row.pk) == "sent"
    row.refresh_from_db()
    (sent,) = sms_outbox
    assert sent.reference and sent.reference == row.message_id.strip("<>")
    assert "<" not in sent.reference and str(row.pk) in sent.reference


def test_an_sms_resent_after_a_killed_worker_has_the_same_reference(world, sms_outbox, monkeypatch):
    row = _sms_row(world)
    with monkeypatch.context() as patch:
        patch.setattr(delivery, "_record_sent", lambda row: (_ for _ in ()).throw(Killed))
        with pytest.raises(Killed):
            delivery.deliver(row.pk)
    later = timezone.now() + SENDING_TIMEOUT + dt.timedelta(seconds=1)
    assert delivery.deliver(row.pk, now=later) == "sent"
    first, second = sms_outbox
    assert first.reference == second.reference  # a deduplicating gateway drops the copy


def test_each_sms_has_its_own_reference(world, sms_outbox):
    row = _sms_row(world)
    [other] = delivery.notify(
        world.patient.user, "new_message", key="m:2", link="/me/messages/", channels={"sms"}
    )
    delivery.deliver(row.pk)
    delivery.deliver(other.pk)
    assert len({s.reference for s in sms_outbox}) == 2


def test_the_console_backend_logs_the_reference_and_not_the_number(caplog):
    with caplog.at_level("INFO", logger="tessera.notifications.sms"):
        sms.ConsoleBackend().send(
            recipient_id=7, phone="+4670", text="hello", kind="new_message", reference="r-1"
        )
    assert "reference=r-1" in caplog.text and "+4670" not in caplog.text
