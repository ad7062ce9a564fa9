"""Workload pages, the time page of an episode, and the heartbeat of an open page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tessera.core import access
from tessera.core.actions import record_patient_read
from tessera.core.clinic_dates import clinic_today
from tessera.core.decorators import staff_required
from tessera.core.forms import add_action_errors
from tessera.core.known_related import clinic_by_slug, with_role_clinics
from tessera.core.models import Clinic, Episode, StaffLeave, User
from tessera.core.refusals import say_refused

from . import actions, figures, summaries
from .clock import local_day
from .forms import ManualTimeForm

THERAPISTS_PER_PAGE = 25
CORRECTIONS_PER_PAGE = 20


def _staff_episode(user, pk: int) -> Episode:
    """An episode the staff member may see; 404 for everyone and everything else."""
    if not user.is_staff_member:
        raise Http404
    episode = (
        with_role_clinics(Episode.objects.visible_to(user), user)
        .filter(pk=pk)
        .select_related("patient")
        .first()
    )
    if episode is None:
        raise Http404
    return episode


@login_required
@require_POST
def heartbeat(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _staff_episode(request.user, pk)
    actions.do_heartbeat(episode, acting_user=request.user)
    return HttpResponse(status=204)


@login_required
@require_http_methods(["GET", "POST"])
def episode_time(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _staff_episode(request.user, pk)
    choices = _staff_choices(request.user, episode)
    form = ManualTimeForm(
        request.POST or None,
        staff_choices=choices,
        initial={"day": local_day(episode.clinic, timezone.now())},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        staff_id = data.get("staff_member", request.user.pk)
        staff = request.user if staff_id == request.user.pk else _chosen(staff_id, choices)
        try:
            entry = actions.do_add_manual_time(
                episode,
                acting_user=request.user,
                staff_member=staff,
                day=data["day"],
                minutes=data["minutes"],
                reason=data["reason"],
                submission_key=data["submission_key"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            if getattr(entry, "sent_before", False):
                say_refused(
                    request, _("This time was already recorded. Nothing was recorded twice.")
                )
            else:
                messages.success(request, _("The time was recorded."))
            return redirect("episode_time", pk=episode.pk)
    if request.method == "GET":
        record_patient_read(
            request.user, episode.patient, "time", obj=episode, clinic=episode.clinic
        )
    corrections = Paginator(summaries.corrections(episode), CORRECTIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "workload/episode_time.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "form": form,
            "per_staff": summaries.per_staff(episode),
            "corrections": corrections,
        },
        status=400 if form.errors else 200,
    )


def _staff_choices(user, episode) -> list[tuple[int, str]] | None:
    """Whose time a supervisor or manager may correct: the clinic's clinical staff."""
    if episode.clinic_id not in access.workload_clinic_ids(user):
        return None
    roles = (
        access.time_staff_roles(episode.clinic_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user_id")
    )
    seen: dict[int, str] = {user.pk: str(user.get_full_name() or user.email)}
    for role in roles:
        seen.setdefault(role.user_id, role.user.get_full_name() or role.user.email)
    return list(seen.items())


def _chosen(staff_id: int, choices) -> User:
    if staff_id not in {pk for pk, _label in choices or []}:
        raise Http404
    return User.objects.get(pk=staff_id)


@staff_required
def my_workload(request: HttpRequest) -> HttpResponse:
    own = access.own_workload_clinic_ids(request.user)
    team = access.workload_clinic_ids(request.user)
    if not own and not team:
        raise PermissionDenied
    mine = []
    for clinic in Clinic.objects.filter(pk__in=own):
        mine.extend(figures.clinic_workload(clinic, therapist_ids=[request.user.pk]))
    return render(
        request,
        "workload/my_workload.html",
        {"mine": mine, "team_clinics": Clinic.objects.filter(pk__in=team)},
    )


@staff_required
def team_workload(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = clinic_by_slug(request.user, slug)  # a role clinic's kept row, or read up to it
    if clinic is None or clinic.pk not in access.workload_clinic_ids(request.user):
        raise Http404
    try:
        offset = min(max(int(request.GET.get("week", 0)), 0), figures.WEEKS - 1)
    except ValueError:
        offset = 0
    therapists = figures.therapists_by_name(clinic)
    page = Paginator(therapists, THERAPISTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = figures.clinic_workload(clinic, roles=list(page.object_list), weeks=offset + 1)
    weeks = figures.recent_weeks(clinic, timezone.now(), figures.WEEKS)
    # Who is on leave today, until when (decision 0146): their rows stay, figures and all.
    away = {
        leave.user_id: leave
        for leave in StaffLeave.objects.filter(clinic=clinic).on(clinic_today(clinic))
    }
    return render(
        request,
        "workload/team.html",
        {
            "clinic": clinic,
            "page": page,
            "rows": [
                (row.therapist, row.weeks[offset], row.weeks, away.get(row.therapist.pk))
                for row in rows
            ],
            "week": weeks[offset],
            "offset": offset,
            "week_links": list(enumerate(weeks)),
        },
    )
