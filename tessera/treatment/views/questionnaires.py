"""A patient filling in a due questionnaire: form, autosave, review, submit, done."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tessera.core import crisis
from tessera.core.decorators import patient_required
from tessera.core.refusals import say_refused
from tessera.core.working_time import add_working_time

from .. import actions, questionnaires
from ..models import DueMeasure, Response


def _own_due(request, pk: int) -> DueMeasure:
    """A due questionnaire of the signed-in patient's own, or 404."""
    due = (
        DueMeasure.objects.visible_to(request.user)
        .filter(pk=pk, episode__patient__user=request.user)
        .select_related("episode__clinic", "episode__patient", "draft")
        .first()
    )
    if due is None:
        raise Http404
    return due


def _language(request) -> str:
    return (get_language() or "en")[:2]


def _draft_crisis_contacts(request, dues) -> list:
    """The crisis contacts when a saved, unsent draft among `dues` holds a risk answer."""
    for due in dues:
        answers = actions.draft_answers(due)
        if questionnaires.risk_answered(due.instrument, answers, clinic=due.episode.clinic):
            return questionnaires.crisis_contacts_for(due.episode.clinic, _language(request))
    return []


@patient_required
def my_questionnaires(request: HttpRequest) -> HttpResponse:
    # The patient's own by their record's id (cached on the user): tested through the
    # user, the planner looked the patient up by key once per due row (issue 16).
    patient_id = request.user.patient_record.pk
    due = list(
        DueMeasure.objects.visible_to(request.user)
        .filter(episode__patient_id=patient_id)
        .pending()
        .select_related("episode__clinic", "draft")
        .order_by("due_at")
    )
    done = (
        Response.objects.visible_to(request.user)
        .filter(episode__patient_id=patient_id)
        .select_related("due")
        .order_by("-submitted_at")[:20]
    )
    return render(
        request,
        "treatment/my_questionnaires.html",
        {
            "open": [d for d in due if d.is_open()],
            "later": [d for d in due if not d.is_open()],
            "done": done,
            "crisis_contacts": _draft_crisis_contacts(request, [d for d in due if d.is_open()]),
        },
    )


@patient_required
@require_http_methods(["GET", "POST"])
def fill(request: HttpRequest, pk: int) -> HttpResponse:
    due = _own_due(request, pk)
    if due.completed_at is not None:
        return redirect("questionnaire_done", pk=due.pk)
    if not due.is_open():
        say_refused(request, _("This questionnaire is not open now."))
        return redirect("my_questionnaires")
    answers = actions.draft_answers(due)
    view = questionnaires.build(
        due.instrument, _language(request), answers, clinic=due.episode.clinic
    )
    if request.method == "POST":
        answers = {**answers, **questionnaires.read_answers(view, request.POST)}
        if view.errors:  # an answer that is no choice: refused whole, never half-saved
            return render(
                request,
                "treatment/questionnaire.html",
                {"due": due, "q": view, "crisis_contacts": _risk_contacts(request, due, answers)},
                status=400,
            )
        actions.do_save_draft(due, answers, acting_user=request.user)
        if "save" in request.POST:
            # The list of questionnaires shows the crisis contacts while this draft
            # holds a risk answer (_draft_crisis_contacts).
            messages.success(request, _("Your answers are saved. You can come back later."))
            return redirect("my_questionnaires")
        if questionnaires.check_complete(view, answers):
            return redirect("questionnaire_review", pk=due.pk)
    return render(
        request,
        "treatment/questionnaire.html",
        {"due": due, "q": view, "crisis_contacts": _risk_contacts(request, due, answers)},
    )


def _risk_contacts(request, due: DueMeasure, answers: dict[int, int]) -> list:
    if questionnaires.risk_answered(due.instrument, answers, clinic=due.episode.clinic):
        return questionnaires.crisis_contacts_for(due.episode.clinic, _language(request))
    return []


@patient_required
@require_POST
def autosave(request: HttpRequest, pk: int) -> HttpResponse:
    due = _own_due(request, pk)
    if due.completed_at is not None or not due.is_open():
        return HttpResponse(_("This questionnaire can no longer be changed."), status=409)
    answers = actions.draft_answers(due)
    view = questionnaires.build(
        due.instrument, _language(request), answers, clinic=due.episode.clinic
    )
    answers.update(questionnaires.read_answers(view, request.POST))
    if view.errors:  # not saved, and said so in the status line (errors.js shows a 400)
        return HttpResponse(
            _("Not saved: that answer is not one of the choices. Please choose again."),
            status=400,
        )
    actions.do_save_draft(due, answers, acting_user=request.user)
    # The crisis box above the form is swapped in (or emptied) with the status, so a
    # risk answer shows the crisis contacts as soon as it is chosen.
    return render(
        request,
        "treatment/questionnaire_autosaved.html",
        {"crisis_contacts": _risk_contacts(request, due, answers)},
    )


@patient_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    due = _own_due(request, pk)
    if due.completed_at is not None:
        return redirect("questionnaire_done", pk=due.pk)
    answers = actions.draft_answers(due)
    view = questionnaires.build(
        due.instrument, _language(request), answers, clinic=due.episode.clinic
    )
    if not questionnaires.check_complete(view, answers):
        return redirect("questionnaire_fill", pk=due.pk)
    if request.method == "POST":
        try:
            key = uuid.UUID(request.POST.get("submission_key", ""))
        except ValueError:
            return redirect("questionnaire_review", pk=due.pk)
        try:
            actions.do_submit_response(
                due,
                answers,
                acting_user=request.user,
                submission_key=key,
                language=view.language,
            )
        except actions.AlreadySubmitted:
            pass  # the first submission stands; show its result
        return redirect("questionnaire_done", pk=due.pk)
    return render(
        request,
        "treatment/questionnaire_review.html",
        {"due": due, "q": view, "submission_key": due.draft.submission_key},
    )


@patient_required
def done(request: HttpRequest, pk: int) -> HttpResponse:
    due = _own_due(request, pk)
    response = Response.objects.filter(due=due).first()
    if response is None:
        return redirect("questionnaire_fill", pk=due.pk)
    contacts, staff_from, staff_now = [], None, False
    if response.risk_flagged:
        clinic = due.episode.clinic
        contacts = crisis.contacts_for(clinic, _language(request))
        # When staff will see the answer: the clinic's next working moment (issue 12).
        staff_from = add_working_time(clinic, response.submitted_at, 0)
        staff_now = staff_from <= response.submitted_at
    return render(
        request,
        "treatment/questionnaire_done.html",
        {
            "due": due,
            "response": response,
            "crisis_contacts": contacts,
            "staff_from": staff_from,
            "staff_now": staff_now,
        },
    )
