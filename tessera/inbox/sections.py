"""What the inbox adds to the portal's pages (see ``tessera.core.contributions``): the
"Inbox" menu entry, and its sections of the patient overview.

Each ``load`` runs a fixed number of queries (none to two), whatever the history's size:
plan and progress, scores with their graphs and a table, the latest worksheets sent,
clinical notes, and the risk history (the scores and the risk history share one read of
the responses).
"""

from __future__ import annotations

from django.db.models import Func, JSONField, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tessera.core import access
from tessera.core.contributions import Section
from tessera.core.known_related import already_read, give_known
from tessera.core.prepared import Prepared
from tessera.safety.models import RiskAlert
from tessera.treatment import plans, progress
from tessera.treatment.models import PlanEntry, Response, WorksheetAnswer

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


# The sections' reads, compiled to SQL once per process (``core.prepared``; decision
# 0044): the overview is opened all day with the same reads, only the episode changes.
_RESPONSES = Prepared(
    lambda episode_id: (
        Response.objects.filter(
            Q(total__isnull=False) | Q(risk_flagged=True), episode_id=episode_id
        )
        .defer("answers")
        .order_by("submitted_at", "id")
    )
)
# Every entry of the plan, current and removed (a removed module's answers stay).
_PLAN_ENTRIES = Prepared(
    lambda episode_id: (
        PlanEntry.objects.filter(episode_id=episode_id).select_related("module_version").order_by()
    )
)
_NOTES = Prepared(
    lambda episode_id: ClinicalNote.objects.filter(episode_id=episode_id).select_related("author")[
        :LATEST_NOTES
    ]
)
_ALERTS = Prepared(
    lambda episode_id: RiskAlert.objects.filter(episode_id=episode_id).select_related(
        "acknowledged_by", "resolved_by"
    )[:LATEST_RISK]
)


def _responses(request, episode) -> list:
    """The episode's scored or risk-flagged responses, oldest first: read once for the
    scores and the risk history (one query, not one per section; issue 16), kept on the
    request."""
    kept = getattr(request, "_tessera_overview_responses", None)
    if kept is None or kept[0] != episode.pk:
        rows = _RESPONSES(episode.pk)
        kept = request._tessera_overview_responses = (episode.pk, rows)
    return kept[1]


def load_scores(request, episode) -> dict:
    responses = [r for r in _responses(request, episode) if r.total is not None]
    return {
        "series": progress.series_for(responses, _language(), episode.clinic),
        "latest": list(reversed(responses))[:LATEST_SCORES],
    }


def load_worksheets(request, episode) -> dict:
    """The latest answers sent: the plan's entries read once, their answers by the runs
    of the entries' ids, each given its entry; whoever gave feedback is the therapist
    the overview read, any other read once. Joined, each answer's entry, and each entry's
    answers, were one descent of an index each, a level deeper as the country grows
    (issue 16, decision 0083). Each answer's step (its title and fields, as
    ``shown_step``) is read by its key after the latest answers are chosen, a subquery
    per answer shown: joined, the planner merge-joined the steps from the start of their
    key at 100k patients (a content table that does not grow: 5 -> 9 pages for the read,
    a plan choice; decision 0090)."""
    entries = {entry.pk: entry for entry in _PLAN_ENTRIES(episode.pk)}
    answers = list(
        WorksheetAnswer.objects.of_entries(entries)
        .filter(submitted_at__isnull=False)
        .annotate(shown_step=Subquery(_SHOWN_STEP, output_field=JSONField()))
        .order_by("-submitted_at", "-id")[:LATEST_WORKSHEETS]
    )
    for answer in answers:
        _ENTRY.set_cached_value(answer, entries[answer.entry_id])
    give_known(answers, "feedback_by", already_read(episode, "therapist"))
    return {"answers": answers}


_ENTRY = WorksheetAnswer._meta.get_field("entry")


class _JSONColumn(Func):
    """A JSON column put in a ``JSONObject`` as JSON: the column itself on PostgreSQL
    (jsonb), ``JSON()`` of it on SQLite, where the column is text (put in as a string)."""

    template = "%(expressions)s"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="JSON(%(expressions)s)", **extra_context
        )


_SHOWN_STEP = (
    WorksheetAnswer._meta.get_field("step")
    .related_model.objects.filter(pk=OuterRef("step_id"))
    .order_by()
    .values(shown=JSONObject(title="title", fields=_JSONColumn("fields")))
)


def load_notes(request, episode) -> dict:
    return {
        "notes": _NOTES(episode.pk),
        "form": getattr(request, "note_form", None) or ClinicalNoteForm(),
        "may_add": access.may_see_patient_data(request.user) and request.user.is_staff_member,
    }


def load_risk(request, episode) -> dict:
    flagged = [r for r in reversed(_responses(request, episode)) if r.risk_flagged]
    flagged = flagged[:LATEST_RISK]
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
    return {"alerts": _ALERTS(episode.pk), "flagged": rows}


OVERVIEW = [
    Section("plan", _("Plan and progress"), "inbox/section_plan.html", 10, load_plan),
    Section("scores", _("Scores"), "inbox/section_scores.html", 20, load_scores),
    Section(
        "worksheets", _("Worksheets sent"), "inbox/section_worksheets.html", 30, load_worksheets
    ),
    Section("notes", _("Clinical notes"), "inbox/section_notes.html", 50, load_notes),
    Section("risk", _("Risk history"), "inbox/section_risk.html", 60, load_risk),
]
