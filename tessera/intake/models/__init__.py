"""Intake's models: consent texts, applications and referrals, screening, triage."""

from .applications import Application, ApplicationQuerySet, ConsentText, Referral, Source, Status
from .assessment import Assessment, Decision, RiskLevel
from .messages import ApplicationMessage
from .screening import ScreeningAnswer
from .triage import AssessmentBooking, TriageAction

__all__ = [
    "Application",
    "ApplicationMessage",
    "Assessment",
    "ApplicationQuerySet",
    "AssessmentBooking",
    "ConsentText",
    "Decision",
    "Referral",
    "RiskLevel",
    "ScreeningAnswer",
    "Source",
    "Status",
    "TriageAction",
]
