"""A patient filling in a due questionnaire: form, autosave, review, submit, done."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tessera.core import crisis
from tessera.core.decorators import patient_required
from tessera.core.models import Episode
from tessera.core.refusals import say_refused
from tessera.core.working_time import add_working_time

from .. import actions, questionnaires
from ..models import DueMeasure, Response
from ..models.measures import LATE_GRACE


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
    now = timezone.now()
    # Not the ones whose window has ended (a weekly questionnaire never answered stays
    # pending for good): they were listed as "coming up" with the day they had opened.
    due = list(
        DueMeasure.objects.visible_to(request.user)
        .filter(episode__patient_id=patient_id, expires_at__gt=now - LATE_GRACE)
        .pending()
        .select_related("episode__clinic", "draft")
        .order_by("due_at")
    )
    open_now = [d for d in due if d.takes_answers(now)]
    done = (
        Response.objects.visible_to(request.user)
        .filter(episode__patient_id=patient_id)
        .select_related("due", "episode__clinic")
        .order_by("-submitted_at")[:20]
    )
    # A patient with courses at two clinics: each questionnaire says whose it is (they
    # were listed together, with no word of the clinic; decision 0154).
    clinics = set(Episode.objects.own(request.user).values_list("clinic_id", flat=True))
    return render(
        request,
        "treatment/my_questionnaires.html",
        {
            "several_clinics": len(clinics) > 1,
            "open": open_now,
            "later": [d for d in due if d.opens_at > now],
            "done": done,
            "crisis_contacts": _draft_crisis_contacts(request, open_now),
        },
    )


def _closed(request, due: DueMeasure, view=None) -> HttpResponse:
    """The answer to a questionnaire that takes no more answers (``takes_answers``):
    "not open now", on the list of questionnaires. When the draft or the answers just
    sent hold a risk answer, a page of its own instead, with the crisis contacts: sent
    (a POST), the risk answer goes to the clinic as an alert though nothing is stored as
    a response, and the page says when staff will see it; only looked at (a GET, a saved
    draft), the page offers to send it. A patient at risk is never unseen because a
    questionnaire's window had ended (decision 0136)."""
    answers = actions.draft_answers(due)
    if view is None:
        view = questionnaires.build(
            due.instrument, _language(request), answers, clinic=due.episode.clinic
        )
    if request.method == "POST":
        answers = {**answers, **questionnaires.read_answers(view, request.POST)}
    contacts = _risk_contacts(request, due, answers)
    if not contacts:
        say_refused(request, _("This questionnaire is not open now."))
        return redirect("my_questionnaires")
    context = {"due": due, "crisis_contacts": contacts}
    if request.method == "POST":
        alert = actions.do_send_late_risk_answers(due, answers, acting_user=request.user)
        if alert is not None:
            clinic = due.episode.clinic
            # When staff will see it: as for a sent risk answer (``done``).
            staff_from = add_working_time(clinic, alert.opened_at, 0)
            context |= {
                "alert": alert,
                "staff_from": staff_from,
                "staff_now": staff_from <= alert.opened_at,
            }
    return render(request, "treatment/questionnaire_closed.html", context)


@patient_required
@require_http_methods(["GET", "POST"])
def fill(request: HttpRequest, pk: int) -> HttpResponse:
    due = _own_due(request, pk)
    if due.completed_at is not None:
        return redirect("questionnaire_done", pk=due.pk)
    if not due.takes_answers():
        return _closed(request, due)
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
    answers = actions.draft_answers(due)
    view = questionnaires.build(
        due.instrument, _language(request), answers, clinic=due.episode.clinic
    )
    if due.completed_at is not None or not due.takes_answers():
        # Said in the status line; a risk answer among them brings the crisis box in, as
        # a saved one would, with the words that the clinic does not see it.
        answers.update(questionnaires.read_answers(view, request.POST))
        return render(
            request,
            "treatment/questionnaire_closed_autosave.html",
            {"crisis_contacts": _risk_contacts(request, due, answers)},
            status=409,
        )
    # The crisis box the page shows now: drawn from the kept draft, as the last autosave left it.
    shown = questionnaires.risk_answered(due.instrument, answers, clinic=due.episode.clinic)
    answers.update(questionnaires.read_answers(view, request.POST))
    if view.errors:  # not saved, and said so in the status line (errors.js shows a 400)
        return HttpResponse(
            _("Not saved: that answer is not one of the choices. Please choose again."),
            status=400,
        )
    actions.do_save_draft(due, answers, acting_user=request.user)
    # The crisis box above the form is swapped in (or emptied) with the status, so a
    # risk answer shows the crisis contacts as soon as it is chosen. Only when that
    # changes: the box is an alert, and a new copy of it with every later answer was
    # read out again each time by a screen reader (decision 0143).
    contacts = _risk_contacts(request, due, answers)
    return render(
        request,
        "treatment/questionnaire_autosaved.html",
        {"crisis_contacts": contacts, "crisis_changed": bool(contacts) != shown},
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
    if not due.takes_answers():  # the review page left open past the window, or cancelled
        return _closed(request, due, view)
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
