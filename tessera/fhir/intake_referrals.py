"""Referrals that arrive through the FHIR interface (``tessera.fhir.referrals``).

This module lives in fhir because it knows fhir's models; intake knows nothing of FHIR.

A referring system's ServiceRequest, already read into an ``IncomingReferral``, becomes
an intake Application (source FHIR) with its Referral, exactly as a professional's web
form does (``apply_actions.do_refer``: duplicate detection, the invitation e-mail, the
audit event). ``tessera.fhir.models.ReceivedReferral`` links the sending client and its
identifier to the application, which makes a resend harmless and scopes what a client
may read back: only its own referrals, by the link's id.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from fhir.resources.R4B.servicerequest import ServiceRequest

from tessera.core import audit
from tessera.core.models.organisation import LANGUAGE_CHOICES
from tessera.intake import notify as intake_notify
from tessera.intake.actions import apply as apply_actions
from tessera.intake.models import Application, Source, Status
from tessera.intake.models.applications import UrgentReason

from .models import ReceivedReferral, ReferrerClient
from .service_request import IncomingReferral, InvalidReferral, Problem

URGENT_PRIORITIES = {"urgent", "asap", "stat"}

# Application status -> ServiceRequest.status, as the referrer sees it.
FHIR_STATUS = {
    Status.DRAFT: "active",
    Status.SUBMITTED: "active",
    Status.NEEDS_INFO: "active",
    Status.ASSESSMENT_BOOKED: "active",
    Status.WAITING_LIST: "active",
    Status.ACCEPTED: "completed",
    Status.DECLINED: "revoked",
    Status.REDIRECTED: "revoked",
    Status.DUPLICATE: "revoked",
}

# Where each person detail came from, for OperationOutcome expressions.
_WHERE = {
    "national_id": "Patient.identifier",
    "national_id_country": "Patient.identifier",
    "date_of_birth": "Patient.birthDate",
    "email": "Patient.telecom",
    "first_name": "Patient.name",
    "last_name": "Patient.name",
    "phone": "Patient.telecom",
}


def _language(incoming: IncomingReferral, clinic) -> str:
    known = {code for code, _label in LANGUAGE_CHOICES}
    if incoming.language in known:
        return incoming.language
    return next((code for code in clinic.languages or [] if code in known), "en")


def _check(client: ReferrerClient, incoming: IncomingReferral) -> dict:
    """The person's details, cleaned; InvalidReferral naming every problem."""
    problems: list[Problem] = []
    if not client.clinic.accepts_professional_referral:
        problems.append(
            Problem("ServiceRequest", _("This clinic does not take referrals from professionals."))
        )
    if not incoming.external_id:
        problems.append(
            Problem(
                "ServiceRequest.identifier",
                _("Give the referral's identifier in your system, so a resend is recognised."),
            )
        )
    if not (incoming.first_name and incoming.last_name and incoming.date_of_birth):
        problems.append(Problem("Patient.name", _("Give the patient's names and date of birth.")))
    if not incoming.email:
        problems.append(
            Problem(
                "Patient.telecom",
                _("Give the patient's e-mail address: they are invited by e-mail to continue."),
            )
        )
    else:
        try:
            validate_email(incoming.email)
        except ValidationError:
            problems.append(Problem("Patient.telecom", _("The e-mail address is not valid.")))
    person = {
        "first_name": incoming.first_name,
        "last_name": incoming.last_name,
        "date_of_birth": incoming.date_of_birth,
        "national_id_country": incoming.national_id_country,
        "national_id": incoming.national_id,
        "email": incoming.email,
        "phone": incoming.phone,  # too long is refused (clean_details), never cut
        "language": _language(incoming, client.clinic),
    }
    try:
        person = apply_actions.clean_details(person)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            problems += [Problem(_WHERE.get(field, "Patient"), str(m)) for m in messages]
    if problems:
        raise InvalidReferral(problems)
    return person


def do_receive_fhir_referral(
    client: ReferrerClient, incoming: IncomingReferral, *, base_url: str = ""
) -> Application:
    """The application for this referral: a new one (source FHIR, at the client's clinic,
    the patient invited by e-mail), or the one this client's identifier already made.
    Raises InvalidReferral (answered 422) when the clinic does not take professional
    referrals, the identity number is invalid for its country or does not match the
    date of birth, or details are missing. base_url starts the invitation link."""
    existing = _existing(client, incoming.external_id)
    if existing is not None:
        return existing
    person = _check(client, incoming)
    referral = {
        "referrer_name": incoming.referrer_name or client.organisation,
        "organisation": incoming.referrer_organisation or client.organisation,
        "role": "",
        "phone": incoming.referrer_phone,
        "secure_email": incoming.referrer_email,
        "reason": incoming.reason,
        "consent_to_letters": incoming.consent_to_letters,
    }
    try:
        with transaction.atomic():
            return _create(client, incoming, person, referral, base_url)
    except IntegrityError:
        # The same referral arrived twice at once: the first one won.
        existing = _existing(client, incoming.external_id)
        if existing is None:
            raise
        return existing
    except ValidationError as exc:
        raise InvalidReferral([Problem("ServiceRequest", str(m)) for m in exc.messages]) from exc


def _application(client: ReferrerClient, **lookup) -> Application | None:
    """One query: the link with its application, referral, clinic and client."""
    link = (
        ReceivedReferral.objects.select_related(
            "application__referral", "application__clinic", "client"
        )
        .filter(client=client, **lookup)
        .first()
    )
    return link.application if link is not None else None


def _existing(client: ReferrerClient, external_id: str) -> Application | None:
    return _application(client, external_id=external_id)


def _create(client, incoming, person, referral, base_url) -> Application:
    application = apply_actions.do_refer(
        client.clinic, referral=referral, person=person, base_url=base_url, source=Source.FHIR
    )
    if incoming.priority in URGENT_PRIORITIES:
        application.urgent, application.urgent_reason = True, UrgentReason.REFERRER
        application.save(update_fields=["urgent", "urgent_reason"])
        intake_notify.tell_intake_team_about_urgent(application)
    link = ReceivedReferral.objects.create(
        client=client, external_id=incoming.external_id, application=application
    )
    audit.record(
        "fhir.referral_received",
        clinic=application.clinic,
        obj=application,
        purpose="intake",
        changes={
            "client": client.pk,
            "organisation": client.organisation,
            "service_request": link.pk,
            "priority": incoming.priority,
        },
    )
    return application


def referral_for_client(client: ReferrerClient, pk: int) -> Application | None:
    """The application of this client's ServiceRequest ``pk``; None for any other
    client's referral (the view answers 404). The access rule of the FHIR interface: a
    referring organisation sees only what it sent, and only its status."""
    return _application(client, pk=pk)


def service_request_for(application: Application, base: str) -> dict:
    """The ServiceRequest Tessera answers with: the link's id, the application's reference
    and the referrer's identifier, the status mapped from the application's, and a note
    with the status in words (never a score, a reason or an answer)."""
    link = application.fhir_receipt
    referral = getattr(application, "referral", None)
    status_words = Status(application.status).label
    data = {
        "resourceType": "ServiceRequest",
        "id": str(link.pk),
        "identifier": [
            {
                "use": "official",
                "system": f"{base}/NamingSystem/application-reference",
                "value": application.reference,
            },
            {
                "use": "usual",
                "value": link.external_id,
                "assigner": {"display": link.client.organisation},
            },
        ],
        "status": FHIR_STATUS.get(application.status, "unknown"),
        "intent": "order",
        # Only the referrer's own urgency: a positive risk answer is not told this way.
        "priority": "urgent" if application.urgent_reason == UrgentReason.REFERRER else "routine",
        "subject": {"display": application.full_name},
        "authoredOn": link.received_at.isoformat(),
        "performer": [{"display": application.clinic.name}],
        "note": [{"text": f"{_('Status')}: {status_words}"}],
    }
    if referral is not None and referral.referrer_name:
        data["requester"] = {"display": referral.referrer_name}
    model = ServiceRequest.model_validate(data)
    return model.model_dump(mode="json", exclude_none=True)
