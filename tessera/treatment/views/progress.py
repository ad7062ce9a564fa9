"""Progress: the patient's own scores, and a patient's scores for their care team."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from tessera.core import access
from tessera.core.actions import record_patient_read
from tessera.core.decorators import patient_required, staff_required
from tessera.core.models import Episode

from .. import plans, progress, questionnaires
from ..models import DueMeasure, Response
from ..models.measures import start_of_day

# Each chart's table of values (the chart as text, for a screen reader) grows every week
# of a course: a page at a time, the latest first (decision 0147).
SCORES_PER_PAGE = 25


def _language() -> str:
    return (get_language() or "en")[:2]


@patient_required
def my_progress(request: HttpRequest) -> HttpResponse:
    responses = (
        Response.objects.visible_to(request.user)
        .filter(episode__patient__user=request.user)
        .defer("answers")
    )
    episode = plans.patient_reading_episode(request.user)
    completed = (
        episode.plan.filter(completed_at__isnull=False)
        .select_related("module_version")
        .order_by("completed_at")
        if episode
        else []
    )
    return render(
        request,
        "treatment/my_progress.html",
        {
            "series": progress.page_tables(
                progress.series_for(
                    responses.order_by("submitted_at", "id"),
                    _language(),
                    episode.clinic if episode else None,
                ),
                request.GET,
                SCORES_PER_PAGE,
            ),
            "completed": completed,
        },
    )


MISSED_SHOWN = 10
# The submitted questionnaires' table grows every week of a course, for years: paged,
# the latest first (decision 0140). The chart above it draws every answer.
RESPONSES_PER_PAGE = 25


@staff_required
def patient_measures(request: HttpRequest, pk: int) -> HttpResponse:
    patient = access.get_visible_patient(request.user, pk)
    episodes = Episode.objects.visible_to(request.user).filter(patient=patient)
    clinic = episodes.select_related("clinic").first().clinic if episodes else None
    record_patient_read(request.user, patient, "measures", clinic=clinic)
    responses = Response.objects.filter(episode__in=episodes).order_by("submitted_at", "id")
    now = timezone.now()
    # Open or to come: a questionnaire whose window has ended is neither overdue nor
    # upcoming (one never answered stays pending for good, ~2 a week of a long course).
    due = (
        DueMeasure.objects.filter(episode__in=episodes, expires_at__gt=now)
        .pending()
        .select_related("episode__clinic")
        .order_by("due_at")
    )
    # Closed unanswered (not cancelled): the weeks the patient did not answer, which
    # a weekly questionnaire's next occasion otherwise hides (it replaces the overdue
    # one when it opens, decision 0131). The newest MISSED_SHOWN, and whether there are
    # more (decision 0136).
    missed = list(
        DueMeasure.objects.filter(episode__in=episodes, expires_at__lte=now)
        .pending()
        .order_by("-expires_at", "-id")[: MISSED_SHOWN + 1]
    )
    return render(
        request,
        "treatment/patient_measures.html",
        {
            "patient": patient,
            "missed": missed[:MISSED_SHOWN],
            "missed_more": len(missed) > MISSED_SHOWN,
            "missed_shown": MISSED_SHOWN,
            "series": progress.page_tables(
                progress.series_for(responses.defer("answers"), _language(), clinic),
                request.GET,
                SCORES_PER_PAGE,
            ),
            "page": Paginator(
                responses.order_by("-submitted_at", "-id"), RESPONSES_PER_PAGE
            ).get_page(request.GET.get("page")),
            "overdue": [d for d in due if d.is_overdue(now)],
            # due today (in the clinic's time zone) is upcoming, not overdue (issue 20)
            "upcoming": [
                d for d in due if d.due_at >= start_of_day(now, d.episode.clinic.time_zone)
            ][:10],
        },
    )


@staff_required
def response_detail(request: HttpRequest, pk: int, response_id: int) -> HttpResponse:
    patient = access.get_visible_patient(request.user, pk)
    response = (
        Response.objects.visible_to(request.user)
        .filter(pk=response_id, episode__patient=patient)
        .select_related("episode__clinic")
        .first()
    )
    if response is None:
        raise Http404
    record_patient_read(
        request.user, patient, "response", obj=response, clinic=response.episode.clinic
    )
    answers = {int(k): v for k, v in response.answers.items()}
    view = questionnaires.build(
        response.instrument, response.language, answers, clinic=response.episode.clinic
    )
    return render(
        request,
        "treatment/response_detail.html",
        {"patient": patient, "response": response, "q": view},
    )
