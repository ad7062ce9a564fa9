"""The referrer's receipt (issue 20, item 5): written when a referral arrives, with
the patient named only where they agreed to letters; a notice to the referral's secure
e-mail with the reference only, sent once and audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from tessera.core.models import AuditEvent
from tessera.intake.actions import apply as apply_actions
from tessera.letters.actions import do_send_referral_receipt
from tessera.letters.models import Letter
from tests.intake.intake_helpers import REFERRAL, make_application
from tests.outbox import drain, rows

PERSON = {"first_name": "Rut", "last_name": "Referred", "date_of_birth": dt.date(1981, 2, 3)}


def refer(world, capture, consent=False):
    mail.outbox.clear()
    with capture(execute=True):
        return apply_actions.do_refer(
            world.clinic, referral=REFERRAL | {"consent_to_letters": consent}, person=PERSON
        )


def test_the_referrer_gets_a_receipt_naming_nobody(world, django_capture_on_commit_callbacks):
    world.clinic.contact_phone = "08-123 45 67"
    world.clinic.save(update_fields=["contact_phone"])
    application = refer(world, django_capture_on_commit_callbacks)
    receipt = Letter.objects.get(application=application, kind="received")
    assert application.reference in receipt.html and "08-123 45 67" in receipt.html
    assert "Rut" not in receipt.html and "1981" not in receipt.html
    (notice,) = [m for m in mail.outbox if m.to == [REFERRAL["secure_email"]]]
    assert application.reference in notice.subject + notice.body
    for private in ["Rut", "Referred", "1981", REFERRAL["reason"]]:
        assert private not in notice.subject + notice.body
    receipt.refresh_from_db()
    assert receipt.sent_at is not None and receipt.sent_to == REFERRAL["secure_email"]
    event = AuditEvent.objects.get(action="letter.receipt_sent")
    assert event.changes == {"application": application.pk, "channel": "secure_email"}


def test_with_consent_the_receipt_is_the_letter_about_the_patient(
    world, django_capture_on_commit_callbacks
):
    application = refer(world, django_capture_on_commit_callbacks, consent=True)
    receipt = Letter.objects.get(application=application, kind="received")
    assert "Rut Referred" in receipt.html
    (notice,) = mail.outbox
    assert "Rut" not in notice.subject + notice.body


def test_it_is_sent_once(world, django_capture_on_commit_callbacks):
    application = refer(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        again = do_send_referral_receipt(application)
    assert Letter.objects.filter(application=application, kind="received").count() == 1
    assert again.kind == "received"
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="letter.receipt_sent").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Letter.objects.create(
            clinic=world.clinic, application=application, kind="received", language="en", html=""
        )


def test_a_self_referral_gets_no_receipt(world, django_capture_on_commit_callbacks):
    application = make_application(world.clinic, "self@apply.test")
    assert do_send_referral_receipt(application) is None
    assert not Letter.objects.exists()


def test_the_demo_referrals_have_their_receipt(seeded_demo):
    from tessera.intake.models import Referral

    referred = Referral.objects.values_list("application_id", flat=True)
    assert referred
    receipts = Letter.objects.filter(application_id__in=referred, kind="received")
    assert receipts.count() == len(referred)
    assert receipts.filter(sent_at__isnull=False).exists()


def test_a_refused_notice_is_not_marked_sent_and_is_retried_from_the_outbox(world, settings):
    """The notice is an outbox row (docs/decisions/0029): the referral writes it and sends
    nothing itself; a refusing mail server leaves the receipt unsent and the row is tried
    again with backoff; the receipt is marked sent, and audited, when it goes."""
    mail.outbox.clear()
    application = apply_actions.do_refer(
        world.clinic, referral=REFERRAL | {"consent_to_letters": False}, person=PERSON
    )
    (row,) = rows("referral_received")
    assert mail.outbox == [] and row.address == REFERRAL["secure_email"]
    settings.EMAIL_BACKEND = "tests.notifications.test_notifications_delivery.BrokenMail"
    now = timezone.now()
    assert drain(now) == []
    receipt = Letter.objects.get(application=application, kind="received")
    assert receipt.sent_at is None and receipt.sent_to == ""
    assert not AuditEvent.objects.filter(action="letter.receipt_sent").exists()
    row.refresh_from_db()
    assert (row.state, row.attempts, row.send_after) == (
        "intended",
        1,
        now + dt.timedelta(minutes=1),
    )
    do_send_referral_receipt(application)  # a second call queues nothing new
    assert rows("referral_received").count() == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    (notice,) = drain(now + dt.timedelta(minutes=1))
    assert application.reference in notice.subject
    receipt.refresh_from_db()
    assert receipt.sent_at is not None and receipt.sent_to == REFERRAL["secure_email"]
    assert AuditEvent.objects.filter(action="letter.receipt_sent").count() == 1
    assert drain(now + dt.timedelta(hours=2)) == []


def test_a_notice_given_up_is_shown_to_the_clinics_managers(world, settings, login):
    from django.urls import reverse

    apply_actions.do_refer(world.clinic, referral=REFERRAL, person=PERSON)
    settings.EMAIL_BACKEND = "tests.notifications.test_notifications_delivery.BrokenMail"
    rows("referral_received").update(attempts=5)
    assert drain() == []
    page = login(world["manager"]).get(reverse("failed_notifications")).content.decode()
    assert REFERRAL["secure_email"] in page and "Referral received" in page
