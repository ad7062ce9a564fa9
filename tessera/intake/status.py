"""What an applicant is told about their application: a phase in words, never a score."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tessera.core import crisis
from tessera.treatment import questionnaires

from .models import Application, Status
from .models.applications import UrgentReason


@dataclass(frozen=True)
class Phase:
    code: str
    label: str
    explanation: str


DRAFT = Phase("draft", _("Not sent yet"), _("Finish the steps below and send the application."))
RECEIVED = Phase("received", _("Received"), _("We have your application and will look at it soon."))
ASSESSING = Phase(
    "assessing", _("Being assessed"), _("Someone at the clinic is looking at your application.")
)
BOOKED = Phase("booked", _("Appointment booked"), _("You have an appointment with the clinic."))
WAITING = Phase(
    "waiting",
    _("On the waiting list"),
    _(
        "You have been accepted for treatment and are on the waiting list. We will tell you "
        "when your treatment starts."
    ),
)
STARTED = Phase(
    "started", _("Treatment started"), _("Your treatment has started. Your modules are ready.")
)
DECISION = Phase("decision", _("Decision"), _("The clinic has decided about your application."))


def applicant_phase(application: Application) -> Phase:
    status = application.status
    if status == Status.DRAFT:
        return DRAFT
    if status == Status.ASSESSMENT_BOOKED:
        return BOOKED
    if status == Status.NEEDS_INFO or (
        status == Status.SUBMITTED and application.triaged_at is not None
    ):
        return ASSESSING
    if status == Status.SUBMITTED:
        return RECEIVED
    if status == Status.WAITING_LIST:
        return WAITING
    if status == Status.ACCEPTED and application.started_at is not None:
        return STARTED
    return DECISION


def draft_risk(application: Application) -> bool:
    """Whether a screening questionnaire saved for later holds a risk answer (at the
    clinic's thresholds): saving, like sending, shows the crisis contacts (issue 14)."""
    return any(
        questionnaires.risk_answered(
            code, {int(k): v for k, v in answers.items()}, clinic=application.clinic
        )
        for code, answers in (application.screening_drafts or {}).items()
    )


def crisis_contacts(application: Application, language: str) -> list:
    """The clinic's crisis contacts in the applicant's language (all of them when none is
    in that language), once a risk question has been answered positively, sent or saved
    for later."""
    if application.urgent_reason != UrgentReason.RISK_ITEM and not draft_risk(application):
        return []
    return crisis.contacts_for(application.clinic, language)
