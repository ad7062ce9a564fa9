"""Sessions: the care team's page per episode, and the patient's own list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tessera.core import access
from tessera.core.actions import record_patient_read
from tessera.core.decorators import patient_required, staff_required
from tessera.core.forms import add_action_errors
from tessera.core.models import Episode, User
from tessera.treatment import plans

from . import actions
from .contacts import treatment_contacts
from .forms import BookForm, CancelForm, CareModelForm, RecordForm
from .models import Appointment


def _episode(user, episode_id: int) -> Episode:
    episode = (
        Episode.objects.visible_to(user)
        .select_related("patient", "clinic", "therapist")
        .filter(pk=episode_id)
        .first()
    )
    if episode is None:
        raise Http404
    return episode


def _therapists(episode) -> list[User]:
    return list(access.therapists(episode.clinic).order_by("first_name", "last_name", "pk"))


def _may_change(user, episode) -> bool:
    return access.may_tailor_plan(user, episode)


@staff_required
def episode_sessions(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode(request.user, episode_id)
    therapists = _therapists(episode)
    book = BookForm(
        request.POST or None,
        therapists=therapists,
        initial={"therapist": episode.therapist_id or request.user.pk},
    )
    care = CareModelForm(initial={"to_model": episode.care_model})
    if request.method == "POST":
        if not _may_change(request.user, episode):
            raise Http404
        if book.is_valid():
            therapist = next(t for t in therapists if t.pk == book.cleaned_data["therapist"])
            try:
                actions.do_book_appointment(
                    episode,
                    acting_user=request.user,
                    therapist=therapist,
                    kind=book.cleaned_data["kind"],
                    starts_at=book.cleaned_data["starts_at"],
                    minutes=book.cleaned_data["minutes"],
                    place=book.cleaned_data["place"],
                    video_link=book.cleaned_data["video_link"],
                )
            except ValidationError as exc:
                add_action_errors(book, exc)
            else:
                messages.success(request, _("The session was booked."))
                return redirect("episode_sessions", episode_id=episode.pk)
    else:
        record_patient_read(
            request.user, episode.patient, "sessions", obj=episode, clinic=episode.clinic
        )
    sessions = Appointment.objects.filter(episode=episode).select_related("therapist")
    return render(
        request,
        "appointments/episode_sessions.html",
        {
            "episode": episode,
            "sessions": sessions,
            "book": book,
            "care": care,
            "may_change": _may_change(request.user, episode),
            "changes": episode.care_model_changes.select_related("actor"),
            "contacts": treatment_contacts(episode),
            "record_form": RecordForm(),
            "cancel_form": CancelForm(),
        },
        status=400 if book.errors else 200,
    )


def _session(user, episode_id: int, pk: int) -> Appointment:
    episode = _episode(user, episode_id)
    if not _may_change(user, episode):
        raise Http404
    appointment = Appointment.objects.filter(episode=episode, pk=pk).first()
    if appointment is None:
        raise Http404
    appointment.episode = episode
    return appointment


@staff_required
@require_POST
def session_record(request: HttpRequest, episode_id: int, pk: int) -> HttpResponse:
    appointment = _session(request.user, episode_id, pk)
    form = RecordForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say whether the patient came."))
        actions.do_record_session(
            appointment,
            acting_user=request.user,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("The session was recorded."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("episode_sessions", episode_id=episode_id)


@staff_required
@require_POST
def session_cancel(request: HttpRequest, episode_id: int, pk: int) -> HttpResponse:
    appointment = _session(request.user, episode_id, pk)
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the session is cancelled."))
        actions.do_cancel_appointment(
            appointment, acting_user=request.user, reason=form.cleaned_data["cancel_reason"]
        )
        messages.success(request, _("The session was cancelled."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("episode_sessions", episode_id=episode_id)


@staff_required
@require_POST
def care_model_change(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode(request.user, episode_id)
    if not _may_change(request.user, episode):
        raise Http404
    form = CareModelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(" ".join(e for errs in form.errors.values() for e in errs))
        actions.do_change_care_model(
            episode,
            acting_user=request.user,
            to_model=form.cleaned_data["to_model"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The care model was changed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("episode_sessions", episode_id=episode_id)


@patient_required
def my_sessions(request: HttpRequest) -> HttpResponse:
    episode = plans.patient_episode(request.user)
    sessions = (
        Appointment.objects.visible_to(request.user)
        .filter(episode=episode)
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("therapist")
        if episode
        else Appointment.objects.none()
    )
    return render(request, "appointments/my_sessions.html", {"sessions": sessions})
