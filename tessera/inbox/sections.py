"""What the inbox adds to the portal's pages (see ``tessera.core.contributions``): the
"Inbox" menu entry, and its sections of the patient overview.

Each ``load`` runs a fixed number of queries (one or two), whatever the history's size:
plan and progress, scores with their graphs and a table, the latest worksheets sent,
clinical notes, and the risk history.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tessera.core import access
from tessera.core.contributions import Section
from tessera.safety.models import RiskAlert
from tessera.treatment import plans, progress
from tessera.treatment.models import Response, WorksheetAnswer

from .forms import ClinicalNoteForm
from .models import ClinicalNote
from .scope import has_inbox

LATEST_WORKSHEETS = 5
LATEST_NOTES = 50
LATEST_SCORES = 20
LATEST_RISK = 20


def staff_nav(user) -> list:
    """The "Inbox" menu entry for therapists, supervisors and managers (no query)."""
    if has_inbox(user):
        return [(reverse("inbox"), _("Inbox")), (reverse("caseload"), _("Caseload"))]
    return []


def _language() -> str:
    return (get_language() or "en")[:2]


def load_plan(request, episode) -> dict:
    states = plans.episode_states(episode)
    return {
        "states": states,
        "done": sum(1 for s in states if s.is_done),
        "open": sum(1 for s in states if s.is_open and not s.is_done),
        "closed": sum(1 for s in states if not s.is_open),
    }


def load_scores(request, episode) -> dict:
    responses = list(
        Response.objects.filter(episode=episode, total__isnull=False)
        .defer("answers")
        .order_by("submitted_at", "id")
    )
    return {
        "series": progress.series_for(responses, _language()),
        "latest": list(reversed(responses))[:LATEST_SCORES],
    }


def load_worksheets(request, episode) -> dict:
    answers = (
        WorksheetAnswer.objects.filter(entry__episode=episode, submitted_at__isnull=False)
        .select_related("step", "entry__module_version", "feedback_by")
        .order_by("-submitted_at", "-id")[:LATEST_WORKSHEETS]
    )
    return {"answers": list(answers)}


def load_notes(request, episode) -> dict:
    notes = ClinicalNote.objects.filter(episode=episode).select_related("author")
    return {
        "notes": list(notes[:LATEST_NOTES]),
        "form": getattr(request, "note_form", None) or ClinicalNoteForm(),
        "may_add": access.may_see_patient_data(request.user) and request.user.is_staff_member,
    }


def load_risk(request, episode) -> dict:
    alerts = RiskAlert.objects.filter(episode=episode).select_related(
        "acknowledged_by", "resolved_by"
    )[:LATEST_RISK]
    flagged = (
        Response.objects.filter(episode=episode, risk_flagged=True)
        .defer("answers")
        .order_by("-submitted_at", "-id")[:LATEST_RISK]
    )
    language = _language()
    rows = []
    for response in flagged:
        labels = [
            (flag.get("label") or {}).get(language)
            or (flag.get("label") or {}).get("en")
            or flag.get("code", "")
            for flag in response.result.get("risk_flags", [])
        ]
        rows.append((response, labels))
    return {"alerts": list(alerts), "flagged": rows}


OVERVIEW = [
    Section("plan", _("Plan and progress"), "inbox/section_plan.html", 10, load_plan),
    Section("scores", _("Scores"), "inbox/section_scores.html", 20, load_scores),
    Section(
        "worksheets", _("Worksheets sent"), "inbox/section_worksheets.html", 30, load_worksheets
    ),
    Section("notes", _("Clinical notes"), "inbox/section_notes.html", 50, load_notes),
    Section("risk", _("Risk history"), "inbox/section_risk.html", 60, load_risk),
]
