"""A supervisor's case list, and one case's supervision notes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tessera.core import access, audit
from tessera.core.actions import record_patient_read
from tessera.core.decorators import staff_required
from tessera.core.models import AuditEvent, Episode
from tessera.treatment.latest_scores import latest_scores

from .. import actions
from ..forms import SupervisionNoteForm
from ..models import SupervisedCase, SupervisionNote
from .common import add_errors

PAGE_SIZE = 25
NOTES_PAGE_SIZE = 20
SUPERVISION = AuditEvent.Purpose.SUPERVISION


@staff_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases this supervisor follows, with the therapist and the last note."""
    clinics = access.supervising_clinic_ids(request.user)
    if not clinics or not access.may_see_patient_data(request.user):
        raise PermissionDenied
    cases = SupervisedCase.objects.listed_for(request.user, clinics)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    # Each listed case's latest scores (one query for the page; the cases are already
    # limited to the clinics this user supervises).
    scores = latest_scores([c.episode_id for c in page.object_list]) if page.object_list else {}
    for followed in page.object_list:
        followed.scores = scores.get(followed.episode_id, [])
    if page.object_list:
        audit.record(
            "supervision.list_viewed",
            actor=request.user,
            purpose=SUPERVISION,
            changes={"episodes": [c.episode_id for c in page.object_list]},
        )
    return render(request, "consultation/supervision_list.html", {"page": page})


def _episode(user, episode_id: int) -> Episode:
    return get_object_or_404(
        Episode.objects.filter(access.supervision_episode_q(user)).select_related(
            "patient", "clinic", "therapist"
        ),
        pk=episode_id,
    )


def _is_supervisor(user, episode) -> bool:
    return access.may_supervise(user, episode)


@staff_required
@require_http_methods(["GET", "POST"])
def case(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode(request.user, episode_id)
    supervisor = _is_supervisor(request.user, episode)
    form = SupervisionNoteForm(request.POST or None) if supervisor else None
    if request.method == "POST":
        if not supervisor:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.do_add_supervision_note(
                    episode,
                    acting_user=request.user,
                    text=form.cleaned_data["text"],
                    submission_key=form.cleaned_data["submission_key"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The supervision note was saved."))
                return redirect("supervision_case", episode_id=episode.pk)
    record_patient_read(
        request.user,
        episode.patient,
        "supervision",
        obj=episode,
        purpose=SUPERVISION,
        clinic=episode.clinic,
    )
    notes = (
        SupervisionNote.objects.visible_to(request.user)
        .filter(episode=episode)
        .select_related("supervisor")
    )
    page = Paginator(notes, NOTES_PAGE_SIZE).get_page(request.GET.get("page"))
    following = (
        supervisor
        and SupervisedCase.objects.filter(episode=episode, supervisor=request.user).exists()
    )
    return render(
        request,
        "consultation/supervision_case.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "page": page,
            "form": form,
            "supervisor": supervisor,
            "following": following,
            "scores": latest_scores([episode.pk]).get(episode.pk, []),
        },
        status=400 if form is not None and form.errors else 200,
    )


@staff_required
@require_POST
def follow(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode(request.user, episode_id)
    if not _is_supervisor(request.user, episode):
        raise PermissionDenied
    actions.do_follow_case(episode, acting_user=request.user)
    messages.success(request, _("The case is on your supervision list."))
    return redirect("supervision_case", episode_id=episode.pk)


@staff_required
@require_POST
def unfollow(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode(request.user, episode_id)
    if not _is_supervisor(request.user, episode):
        raise PermissionDenied
    actions.do_unfollow_case(episode, acting_user=request.user)
    messages.success(request, _("The case was taken off your supervision list."))
    return redirect("supervision_case", episode_id=episode.pk)
