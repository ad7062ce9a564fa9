"""Intake's models: consent texts, applications and referrals, screening, triage."""

from .applications import Application, ApplicationQuerySet, ConsentText, Referral, Source, Status
from .screening import ScreeningAnswer
from .triage import AssessmentBooking, TriageAction

__all__ = [
    "Application",
    "ApplicationQuerySet",
    "AssessmentBooking",
    "ConsentText",
    "Referral",
    "ScreeningAnswer",
    "Source",
    "Status",
    "TriageAction",
]
