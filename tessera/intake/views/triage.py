"""Staff pages of intake: the triage queue, one application, and the triage actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tessera.core import access, audit, identity
from tessera.core.decorators import staff_required
from tessera.core.forms import add_action_errors
from tessera.core.refusals import say_refused
from tessera.treatment import questionnaires

from .. import actions, care_models, duplicates
from ..actions import decisions as decision_actions
from ..capacity import suggested_therapist, therapist_loads
from ..forms import (
    AskInfoForm,
    AssessForm,
    BookForm,
    DeclineForm,
    QueueFilterForm,
    RedirectForm,
    StartForm,
)
from ..funnel import funnel
from ..models import Application, Status
from ..models.applications import OPEN_STATUSES
from ..queue import queue_page, suggestions, waiting_messages
from ..waiting import PACE_WEEKS, pace_per_week, position_of, waiting_page
from .conversation import conversation


def _may_use_queue(user) -> None:
    if not access.intake_clinic_ids(user):
        raise Http404


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    _may_use_queue(request.user)
    filters = QueueFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    page, rows = queue_page(
        request.user,
        request.GET.get("page"),
        source=chosen.get("source", ""),
        status=chosen.get("status", ""),
        urgent=chosen.get("urgent", False),
        messages=chosen.get("messages", False),
    )
    return render(
        request,
        "intake/triage/queue.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "waiting_messages": waiting_messages(request.user),
        },
    )


def _visible(request, pk: int) -> Application:
    """A submitted application of the user's intake clinics, or an urgent one of a clinic
    where they are on call (``access.applications_visible_to``)."""
    application = (
        Application.objects.visible_to(request.user)
        .filter(pk=pk, clinic_id__in=access.urgent_application_clinic_ids(request.user))
        # Not the possible duplicate and the duplicate joined in: two more applications'
        # forty columns each, for the few that have one (read then by their key), cost
        # half of this query's CPU on every application (issue 16).
        .select_related("clinic", "consent", "urgent_acknowledged_by")
        .first()
    )
    if application is None:
        raise Http404
    return application


def _forms(application, data=None, which=None) -> dict:
    assessors = actions.assessor_choices(application.clinic)
    loads = therapist_loads(application.clinic)
    programmes = decision_actions.programme_choices(application.clinic)
    kwargs = {
        "book": {"assessors": assessors},
        "assess": {
            "programmes": programmes,
            "loads": loads,
            "suggested": suggested_therapist(loads),
            "screened": application.screened_at is not None,
            "clinic": application.clinic,
        },
        "start": {
            "loads": loads,
            "current": application.episode.therapist_id if application.episode_id else None,
        },
    }
    classes = {
        "ask_info": (AskInfoForm, "ask"),
        "book": (BookForm, "book"),
        "decline": (DeclineForm, "decline"),
        "redirect": (RedirectForm, "redirect"),
        "assess": (AssessForm, "assess"),
        "start": (StartForm, "start"),
    }
    forms = {
        key: cls(data if key == which else None, prefix=prefix, **kwargs.get(key, {}))
        for key, (cls, prefix) in classes.items()
    }
    forms["loads"] = loads
    forms["programmes"] = programmes  # the region's, for the suggestions too
    return forms


def _detail(request, application: Application, forms: dict, status: int = 200):
    audit.record(
        "application.viewed",
        actor=request.user,
        clinic=application.clinic,
        patient=application.patient,
        obj=application,
        purpose="intake",
        actor_role=access.actor_role_label(request.user, application.clinic_id),
    )
    context = {
        "application": application,
        "referral": getattr(application, "referral", None),
        # read once, into the instance, where the suggestions' own prefetch finds them
        "answers": (answers := _screening_answers(application)),
        # each item with the answer given, in the language it was answered in (issue 20)
        "item_answers": [
            (
                answer,
                questionnaires.build(
                    answer.instrument,
                    answer.language,
                    {int(k): v for k, v in answer.answers.items()},
                    clinic=application.clinic,
                ),
            )
            for answer in answers
        ],
        "log": application.triage_actions.select_related("actor"),
        "bookings": application.bookings.select_related("assessor"),
        "suggestions": suggestions([application], forms["programmes"]).get(application.pk, []),
        "forms": forms,
        "is_open": application.status in OPEN_STATUSES,
        "may_triage": access.may_triage(request.user, application),
        "may_acknowledge_urgent": application.urgent
        and application.urgent_acknowledged_at is None
        and application.status in OPEN_STATUSES
        and access.may_acknowledge_urgent(request.user, application),
        "may_decline": application.assessed_at is not None
        or access.may_decline_unassessed(request.user, application),
        "may_assess": application.status in OPEN_STATUSES
        and access.may_assess(request.user, application),
        "waiting": application.status == Status.WAITING_LIST,
        "assessment": getattr(application, "assessment", None),
        "care_model_label": care_models.label(
            getattr(getattr(application, "assessment", None), "care_model", "")
        ),
        "letters": application.letters.all(),
        **conversation(request, application),
    }
    if application.possible_duplicate_of and application.status != Status.DUPLICATE:
        context["merge"] = _merge_context(application, application.possible_duplicate_of)
    if context["waiting"]:
        context["position"] = position_of(application)
        context["pace"] = pace_per_week(application.clinic)
    return render(request, "intake/triage/detail.html", context, status=status)


def _screening_answers(application: Application) -> list:
    prefetch_related_objects([application], "screening_answers")
    return list(application.screening_answers.all())


def _merge_context(application: Application, other: Application) -> dict:
    """Why the two look like one person, and whose account the kept one would get."""
    kept, gone = sorted([application, other], key=lambda a: (a.created_at, a.pk))
    return {
        "reasons": [duplicates.MATCH_LABELS[r] for r in duplicates.match_reasons(kept, gone)],
        "choose_owner": kept.applicant_id is None and gone.applicant_id is not None,
        "newer_account": gone.applicant.email if gone.applicant_id else "",
    }


@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible(request, pk)
    return _detail(request, application, _forms(application))


ACTIONS = {
    "ask_info": (actions.do_ask_for_information, gettext_lazy("The applicant has been asked.")),
    "book": (actions.do_book_assessment, gettext_lazy("The assessment is booked.")),
    "decline": (actions.do_decline, gettext_lazy("The application is declined.")),
    "redirect": (actions.do_redirect, gettext_lazy("The applicant is referred elsewhere.")),
    "assess": (decision_actions.do_assess, gettext_lazy("The assessment and decision are saved.")),
    "start": (
        decision_actions.do_start_from_waiting_list,
        gettext_lazy("Treatment has started."),
    ),
}


def _acknowledge(request, application: Application) -> HttpResponse:
    """Staff on call acknowledge an urgent application too, without an intake role."""
    try:
        actions.do_acknowledge_urgent(application, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You have acknowledged this urgent application."))
    return redirect("intake_application", pk=application.pk)


@staff_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    application = _visible(request, pk)
    if action == "acknowledge":
        return _acknowledge(request, application)
    if not access.may_triage(request.user, application):
        raise Http404
    if action == "merge":
        try:
            kept = actions.do_merge_duplicate(
                application, acting_user=request.user, owner=request.POST.get("owner", "")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("intake_application", pk=application.pk)
        messages.success(request, _("The applications are merged."))
        return redirect("intake_application", pk=kept.pk)
    if action not in ACTIONS:
        raise Http404
    forms = _forms(application, request.POST, action)
    form = forms[action]
    next_url = request.POST.get("next", "")
    if form.is_valid():
        do, done = ACTIONS[action]
        extra = {}
        if action == "ask_info":
            extra["base_url"] = request.build_absolute_uri("/")
        try:
            row = do(application, acting_user=request.user, **form.cleaned_data, **extra)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            if getattr(row, "sent_before", False):
                say_refused(request, _("This was already done. Nothing was sent twice."))
            else:
                messages.success(request, done)
            if next_url == "waiting":
                return redirect(f"{reverse('intake_waiting_list')}?clinic={application.clinic_id}")
            return redirect("intake_application", pk=application.pk)
    return _detail(request, application, forms, status=400)


@staff_required
def waiting_list(request: HttpRequest) -> HttpResponse:
    """A clinic's waiting list: position, expected start, and "start treatment now"."""
    clinic_ids = access.intake_clinic_ids(request.user)
    if not clinic_ids:
        raise Http404
    # Whole rows (its zone and pace), kept with the signed-in person (decision 0090).
    clinics = identity.whole_clinics_by_name(request.user, clinic_ids)
    chosen = request.GET.get("clinic", "")
    clinic = next((c for c in clinics if str(c.pk) == chosen), clinics[0])
    page, rows, pace = waiting_page(request.user, clinic, request.GET.get("page"))
    return render(
        request,
        "intake/triage/waiting.html",
        {
            "clinic": clinic,
            "clinics": clinics,
            "page": page,
            "rows": rows,
            "pace": pace,
            "pace_weeks": PACE_WEEKS,
        },
    )


@staff_required
def funnel_page(request: HttpRequest) -> HttpResponse:
    """Counts per intake step and median waits between them, for one clinic."""
    clinic_ids = access.intake_clinic_ids(request.user)
    if not clinic_ids:
        raise Http404
    # Their ids and names only, kept with the signed-in person (decision 0068).
    clinics = identity.clinics_by_name(request.user, clinic_ids)
    chosen = request.GET.get("clinic", "")
    clinic = next((c for c in clinics if str(c.pk) == chosen), clinics[0])
    return render(
        request,
        "intake/triage/funnel.html",
        {
            "clinic": clinic,
            "clinics": clinics,
            "steps": funnel(clinic, access.role_clinic_zones(request.user).get(clinic.pk)),
        },
    )
