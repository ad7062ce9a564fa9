"""Progress: the patient's own scores, and a patient's scores for their care team."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from tessera.core import access
from tessera.core.actions import record_patient_read
from tessera.core.decorators import patient_required, staff_required
from tessera.core.models import Episode

from .. import plans, progress, questionnaires
from ..models import DueMeasure, Response, WorksheetAnswer
from ..models.measures import start_of_day
from ..worksheet_text import worksheet_lines

# Each chart's table of values (the chart as text, for a screen reader) grows every week
# of a course: a page at a time, the latest first (decision 0147).
SCORES_PER_PAGE = 25


def _language() -> str:
    return (get_language() or "en")[:2]


EARLIER_PER_PAGE = 10


@patient_required
def my_progress(request: HttpRequest) -> HttpResponse:
    """The scores and completed modules of the course the patient's pages show (the open
    one, else the latest), and their earlier courses, each on its own page. It drew
    every course's scores in one chart, in the shown course's time zone, with no word of
    which clinic asked them (decision 0154)."""
    # The open courses, newest first: the page shows the first and lists the others, each
    # on its own page (two at once, decision 0158); else the latest ended one.
    courses = list(plans.open_courses_of(request.user))
    shown = courses[0] if courses else plans.last_ended(request.user)
    reading = shown is not None and access.may_read_course(shown, plans.clinic_today(shown.clinic))
    completed = (
        shown.plan.filter(completed_at__isnull=False)
        .select_related("module_version")
        .order_by("completed_at")
        if reading
        else []
    )
    responses = Response.objects.visible_to(request.user).filter(episode=shown).defer("answers")
    earlier = Paginator(plans.earlier_courses_of(request.user, shown), EARLIER_PER_PAGE).get_page(
        request.GET.get("earlier")
    )
    return render(
        request,
        "treatment/my_progress.html",
        {
            "episode": shown,
            "series": _series(responses, shown, request),
            "completed": completed,
            "earlier": earlier,
            "others": courses[1:],
        },
    )


def _series(responses, episode, request):
    clinic = episode.clinic if episode else None
    ordered = responses.order_by("submitted_at", "id")
    series = progress.series_for(ordered, _language(), clinic)
    return progress.page_tables(series, request.GET, SCORES_PER_PAGE)


@patient_required
@require_GET
def my_earlier_progress(request: HttpRequest, episode_id: int) -> HttpResponse:
    """An earlier course's scores, completed modules and sent worksheets, read only
    (decision 0154), or another open course's (two at once, decision 0158). Another's
    course is "Page not found"; the course My progress shows goes there. The
    worksheets' answers are shown within the clinic's reading period
    (``may_read_course``), as the course's own pages show them; the scores and the
    modules' names for good, as My progress did."""
    episode = Episode.objects.own_one(request.user, episode_id)
    if episode is None:
        raise Http404
    if not access.may_read_earlier_course(request.user, episode):
        return redirect("my_progress")
    record_patient_read(
        request.user, episode.patient, "measures", obj=episode, clinic=episode.clinic
    )
    entries = list(
        episode.plan.filter(completed_at__isnull=False)
        .select_related("module_version")
        .order_by("completed_at", "id")
    )
    worksheets = None
    if access.may_read_course(episode, plans.clinic_today(episode.clinic)):
        worksheets = (
            WorksheetAnswer.objects.filter(entry__episode=episode, submitted_at__isnull=False)
            .select_related("step")
            .order_by("submitted_at", "id")
        )
        worksheets = [(answer, worksheet_lines(answer)) for answer in worksheets]
    responses = Response.objects.filter(episode=episode).defer("answers")
    return render(
        request,
        "treatment/my_earlier_progress.html",
        {
            "episode": episode,
            "series": _series(responses, episode, request),
            "completed": entries,
            "worksheets": worksheets,
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
