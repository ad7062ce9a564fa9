"""Intake: the clinic's public pages, the applicant's pages and the triage queue."""

import uuid

from tests.access_rows.base import Row, everyone, only

INTAKE_STAFF = ["intake", "assessor", "manager"]
PUBLIC = everyone("ok", staff_no_mfa="mfa")
REDIRECTS = everyone("redirect", staff_no_mfa="mfa")


def _referral(world):
    import datetime as dt

    from tessera.intake.actions import apply as apply_actions

    return apply_actions.do_refer(
        world.clinic,
        referral={
            "referrer_name": "Dr Matrix",
            "organisation": "Centre",
            "role": "GP",
            "phone": "1",
            "secure_email": "gp@centre.test",
            "reason": "matrix",
        },
        person={"first_name": "Ref", "last_name": "Erred", "date_of_birth": dt.date(1980, 1, 1)},
    )


def setup(world):
    """A draft of the world's patient (consent and details given, screening not yet), and
    a professional's referral (sent, no account yet)."""
    import datetime as dt

    from tessera.intake.actions import apply as apply_actions

    user = world.patient.user
    consent = apply_actions.do_publish_consent_text(world.clinic, language="en", text="Consent.")
    draft = apply_actions.do_start_application(world.clinic, applicant=user)
    apply_actions.do_accept_consent(draft, consent, acting_user=user)
    apply_actions.do_save_details(
        draft, acting_user=user, first_name="Pia", last_name="L", date_of_birth=dt.date(1990, 1, 2)
    )
    world.intake_draft = draft
    world.intake_sent = _referral(world)


def _token(world):
    from tessera.intake.notify import invite_token

    return {"token": invite_token(_referral(world))}


def _draft(world):
    return {"pk": world.intake_draft.pk}


APPLICANT = only(["patient"])


def _sent_of_the_patient(world):
    """A sent application of the world's patient (consent and details given; sending
    itself is tested in tests/intake), to write to the clinic about."""
    from tessera.intake.models import Application

    draft = world.intake_draft
    sent = Application.objects.create(
        clinic=draft.clinic,
        source=draft.source,
        applicant=draft.applicant,
        status="submitted",
        first_name="Pia",
        last_name="L",
    )
    return {"pk": sent.pk}


MESSAGE = {"body": "A question about my application", "submission_key": str(uuid.uuid4())}

ROWS: dict[str, Row] = {
    "intake_clinic": Row(PUBLIC, kwargs=lambda w: {"slug": w.clinic.slug}),
    "clinic_directory": Row(PUBLIC),
    "intake_how_to_apply": Row(PUBLIC, kwargs=lambda w: {"slug": w.clinic.slug}),
    "intake_professionals": Row(PUBLIC, kwargs=lambda w: {"slug": w.clinic.slug}),
    "intake_refer": Row(PUBLIC, kwargs=lambda w: {"slug": w.clinic.slug}),
    # without a referral sent from this browser, the receipt sends back to the form
    "intake_refer_receipt": Row(REDIRECTS, kwargs=lambda w: {"slug": w.clinic.slug}),
    # signed out: to sign-up; staff: back to the page (they cannot apply); others: a draft
    "intake_start": Row(REDIRECTS, kwargs=lambda w: {"slug": w.clinic.slug}),
    # a fresh invitation per kind: anyone may open it (opening claims nothing); only the
    # invited person claims it, by POST (tests/security/test_invitations.py)
    "intake_invite": Row(
        everyone("deny", anon="ok", patient="ok", other_patient="ok", staff_no_mfa="mfa"),
        kwargs=_token,
        per_kind=True,
    ),
    "intake_resume": Row(only(["patient"], ok="redirect"), kwargs=_draft),
    "intake_consent": Row(APPLICANT, kwargs=_draft),
    "intake_details": Row(APPLICANT, kwargs=_draft),
    "intake_screening": Row(APPLICANT, kwargs=lambda w: _draft(w) | {"code": "PHQ-9"}),
    "intake_submit": Row(only(["patient"], ok="redirect"), kwargs=_draft),
    "intake_status": Row(APPLICANT, kwargs=_draft),
    "my_applications": Row(everyone("ok", anon="login", staff_no_mfa="mfa")),
    # every intake role has a queue (beta's manager sees beta's, here empty)
    "intake_queue": Row(only(INTAKE_STAFF + ["other_manager"])),
    # the waiting list of one of their clinics (beta's manager sees beta's, here empty)
    "intake_waiting_list": Row(only(INTAKE_STAFF + ["other_manager"])),
    "intake_funnel": Row(only(INTAKE_STAFF + ["other_manager"])),
    "intake_application": Row(only(INTAKE_STAFF), kwargs=lambda w: {"pk": w.intake_sent.pk}),
    # the applicant writes to the clinic about a sent application (issue 14)
    "intake_write_to_clinic": Row(
        only(["patient"], ok="redirect"),
        method="post",
        data=MESSAGE,
        kwargs=_sent_of_the_patient,
        per_kind=True,
    ),
    "intake_answer_applicant": Row(
        only(INTAKE_STAFF, ok="redirect"),
        method="post",
        data={"body": "An answer", "submission_key": str(uuid.uuid4())},
        kwargs=lambda w: {"pk": w.intake_sent.pk},
    ),
    "intake_application_action": Row(
        only(INTAKE_STAFF, ok="redirect"),
        method="post",
        data={"ask-message": "Matrix question"},
        kwargs=lambda w: {"pk": w.intake_sent.pk, "action": "ask_info"},
    ),
}
