"""Intake test helpers: consent texts and applications built through the real actions."""

from __future__ import annotations

import datetime as dt

from tessera.intake.actions import apply as apply_actions
from tessera.intake.models import ConsentText
from tests.conftest import make_user

PHQ_RISK = dict.fromkeys(range(1, 10), 1)  # total 9, item 9 = 1 (a risk answer)
PHQ_NO_RISK = {**dict.fromkeys(range(1, 9), 1), 9: 0}  # total 8, mild
GAD = dict.fromkeys(range(1, 8), 2)  # total 14, moderate


def consent_for(clinic, language="en") -> ConsentText:
    return ConsentText.current(clinic, language) or apply_actions.do_publish_consent_text(
        clinic, language=language, text="We keep your answers to decide about your care."
    )


def make_application(
    clinic,
    email: str,
    *,
    first="Ada",
    last="Applicant",
    born=dt.date(1990, 5, 6),
    phq=PHQ_NO_RISK,
    gad=GAD,
    submit=True,
    **details,
):
    user = make_user(email)
    application = apply_actions.do_start_application(clinic, applicant=user, language="en")
    apply_actions.do_accept_consent(application, consent_for(clinic), acting_user=user)
    apply_actions.do_save_details(
        application,
        acting_user=user,
        first_name=first,
        last_name=last,
        date_of_birth=born,
        email=email,
        **details,
    )
    if phq is not None:
        apply_actions.do_submit_screening(
            application, "PHQ-9", phq, acting_user=user, language="en"
        )
    if gad is not None:
        apply_actions.do_submit_screening(
            application, "GAD-7", gad, acting_user=user, language="en"
        )
    if submit:
        application = apply_actions.do_submit_application(application, acting_user=user)
    application.refresh_from_db()
    return application


def make_gp_referral(clinic, email: str, practice: str, when, **columns):
    """A submitted application that came from a GP (``source="professional"``) with its
    referral naming ``practice``, submitted at ``when``; ``columns`` (``status``,
    ``assessed_at``, …) are written onto the application as they are."""
    from tessera.intake.models import Application, Referral

    application = make_application(clinic, email)
    Application.objects.filter(pk=application.pk).update(
        source="professional", submitted_at=when, **columns
    )
    Referral.objects.create(
        application=application,
        referrer_name="Dr Gee",
        organisation=practice,
        role="GP",
        phone="0101234567",
        secure_email="gp@practice.test",
        reason="Low mood",
        consent_to_letters=True,
    )
    return application


REFERRAL = {
    "referrer_name": "Dr Eva Berg",
    "organisation": "Health Centre",
    "role": "GP",
    "phone": "+46 8 123 456",
    "secure_email": "eva@health.example",
    "reason": "Low mood and poor sleep for three months.",
    "consent_to_letters": True,
}
