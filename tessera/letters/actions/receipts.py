"""The referrer's receipt (issue 20, item 5: "the GP gets no receipt").

When a referral arrives (web form or FHIR), the referrer (usually the patient's GP) gets
a receipt, written as a letter of kind "received" and kept with the application:

- where the patient agreed to letters to the referrer, the ordinary letter about them;
- otherwise a receipt that names nobody: our reference, the date received and the
  clinic's contact details. A receipt needs nothing more, and the referrer already knows
  whom they referred.

It goes out through the clinic's channels for letters: to the referrer's record system
where one is registered (the fhir app listens for letters being written), and as a
notice to the secure e-mail address the referral gave, with the reference only, nothing
about the patient. Once: one receipt per application (a database constraint), and one
notice per receipt, an outbox row (tessera.notifications; docs/decisions/0029) written in
the same transaction: sent after the commit, retried with backoff if the mail server
refuses, shown to the clinic's managers if it fails for good. The receipt is marked sent
(``sent_at``) in the transaction that records the delivery. Audited as
``letter.written`` and ``letter.receipt_sent``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import override

from tessera.core import access, audit
from tessera.core.clinic_dates import clinic_date, clinic_today
from tessera.notifications import texts
from tessera.notifications.delivery import notify_address

from .. import render
from ..models import Letter
from .letters import do_write_application_letter

NOTICE = "referral_received"


@transaction.atomic
def do_send_referral_receipt(application, *, acting_user=None) -> Letter | None:
    """Write the referral's receipt and queue its notice once. None when the application
    came without a referral."""
    referral = getattr(application, "referral", None)
    if referral is None:
        return None
    address = (referral.secure_email or "").strip()
    existing = Letter.objects.filter(application=application, kind=Letter.Kind.RECEIVED).first()
    if existing is not None:
        if existing.sent_at is None and address:  # queued once; a second call adds nothing
            _queue_notice(existing, address)
        return existing
    letter = do_write_application_letter(application, Letter.Kind.RECEIVED, acting_user=acting_user)
    if letter is None:
        letter = _anonymous_receipt(application, referral, acting_user)
    if address:
        _queue_notice(letter, address)
    return letter


def _queue_notice(letter: Letter, address: str) -> None:
    notify_address(
        address,
        NOTICE,
        key=f"{NOTICE}:{letter.pk}",
        link="",
        clinic=letter.clinic,
        params={"letter": letter.pk, "language": letter.language},
    )


def _anonymous_receipt(application, referral, acting_user) -> Letter:
    clinic = application.clinic
    language = render.language_for(clinic)
    data = {
        "clinic": clinic,
        "application": application,
        "to_name": referral.referrer_name,
        "to_organisation": referral.organisation,
        "about": {},
        "receipt_only": True,
        "received_on": clinic_date(clinic, application.submitted_at or timezone.now()),
        "today": clinic_today(clinic),
        "author": None,
    }
    letter = Letter.objects.create(
        clinic=clinic,
        application=application,
        kind=Letter.Kind.RECEIVED,
        language=language,
        recipient_name=referral.referrer_name,
        recipient_organisation=referral.organisation,
        recipient_email=referral.secure_email,
        html=render.render_html(Letter.Kind.RECEIVED, data, language),
        created_by=acting_user,
    )
    audit.record(
        "letter.written",
        actor=acting_user,
        clinic=clinic,
        obj=letter,
        purpose="intake",
        changes={"kind": Letter.Kind.RECEIVED, "application": application.pk, "receipt": True},
        actor_role=access.actor_role_label(acting_user, clinic.pk) if acting_user else "system",
    )
    return letter


def _mark_sent(row) -> None:
    """In the transaction that records the notice as delivered: the receipt is sent."""
    letter = Letter.objects.select_related("clinic").get(pk=row.params["letter"])
    Letter.objects.filter(pk=letter.pk).update(sent_at=row.sent_at, sent_to=row.address)
    audit.record(
        "letter.receipt_sent",
        clinic=letter.clinic,
        obj=letter,
        purpose="intake",
        actor_role="system",
        changes={"application": letter.application_id, "channel": "secure_email"},
    )


def _about() -> str:
    return _("Referral received: %(reference)s") % {"reference": "…"}


@texts.register(NOTICE, lazy(_about, str)(), on_sent=_mark_sent)
def _notice_text(row, language: str) -> tuple[str, str]:
    letter = Letter.objects.select_related("clinic", "application").get(pk=row.params["letter"])
    clinic, reference = letter.clinic, letter.application.reference
    contact = ", ".join(x for x in [clinic.contact_phone, clinic.contact_email] if x)
    with override(letter.language):
        return (
            _("Referral received: %(reference)s") % {"reference": reference},
            _(
                "%(clinic)s has received your referral, our reference %(reference)s, on "
                "%(date)s. We will write to you again when we have made a decision.\n\n"
                "Please quote the reference if you contact us%(contact)s.\n"
            )
            % {
                "clinic": clinic.name,
                "reference": reference,
                "date": clinic_date(clinic, letter.created_at).isoformat(),
                "contact": f" ({contact})" if contact else "",
            },
        )
