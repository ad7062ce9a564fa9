"""Sessions: the care team's page per episode, and the patient's own list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tessera.core import access, care_words
from tessera.core.actions import record_patient_read
from tessera.core.decorators import patient_required, staff_required
from tessera.core.forms import add_action_errors, form_error_texts
from tessera.core.known_related import with_role_clinics
from tessera.core.middleware import restoring_typed_text
from tessera.core.models import Episode, User
from tessera.core.refusals import say_refused
from tessera.treatment import plans

from . import actions, calendar
from .contacts import treatment_contacts
from .forms import BookForm, CancelForm, CareModelForm, ChangeRequestForm, RecordForm
from .models import Appointment, ChangeRequest

# An episode's sessions grow every week of blended or face-to-face care, for years: the
# staff page is paged, the latest (and the booked ones to come) first (decision 0140).
SESSIONS_PER_PAGE = 25
# The patient's own: the coming ones, soonest first, above the past ones, which are
# paged, the latest first (decision 0147).
MY_PAST_SESSIONS_PER_PAGE = 25


def _episode(user, episode_id: int) -> Episode:
    episode = (
        with_role_clinics(Episode.objects.visible_to(user), user)
        .select_related("patient", "therapist")
        .filter(pk=episode_id)
        .first()
    )
    if episode is None:
        raise Http404
    return episode


def _therapists(episode) -> list[User]:
    return access.active_therapists_by_name(episode.clinic)


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
    if request.method == "POST":
        if not _may_change(request.user, episode):
            raise Http404
        if book.is_valid():
            therapist = next(t for t in therapists if t.pk == book.cleaned_data["therapist"])
            try:
                booked = actions.do_book_appointment(
                    episode,
                    acting_user=request.user,
                    therapist=therapist,
                    kind=book.cleaned_data["kind"],
                    starts_at=book.cleaned_data["starts_at"],
                    minutes=book.cleaned_data["minutes"],
                    place=book.cleaned_data["place"],
                    video_link=book.cleaned_data["video_link"],
                    submission_key=book.cleaned_data["submission_key"],
                )
            except ValidationError as exc:
                add_action_errors(book, exc)
            else:
                if getattr(booked, "sent_before", False):
                    say_refused(
                        request,
                        _("This session was already booked. Nothing was booked or sent twice."),
                    )
                else:
                    messages.success(request, _("The session was booked."))
                return redirect("episode_sessions", episode_id=episode.pk)
    else:
        record_patient_read(
            request.user, episode.patient, "sessions", obj=episode, clinic=episode.clinic
        )
    return _sessions_page(request, episode, book, status=400 if book.errors else 200)


def _sessions_page(request, episode, book, *, status: int, not_saved: str = "") -> HttpResponse:
    """The episode's sessions; ``not_saved``: a session note refused, shown back to copy."""
    care = CareModelForm(initial={"to_model": episode.care_model})
    sessions = (
        Appointment.objects.filter(episode=episode)
        .with_therapist_left()
        .select_related("therapist")
        .prefetch_related(
            Prefetch(
                "change_requests", queryset=ChangeRequest.objects.open(), to_attr="open_requests"
            )
        )
        .order_by("-starts_at", "-id")
    )
    page = Paginator(sessions, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "appointments/episode_sessions.html",
        {
            "episode": episode,
            "page": page,
            "sessions": page.object_list,
            "book": book,
            "care": care,
            "may_change": _may_change(request.user, episode),
            "changes": episode.care_model_changes.select_related("actor"),
            "contacts": treatment_contacts(episode),
            "record_form": RecordForm(),
            "cancel_form": CancelForm(),
            "not_saved": not_saved,
        },
        status=status,
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
        if "status" in form.errors:
            raise ValidationError(_("Say whether the patient came."))
        if form.errors:
            raise ValidationError(form_error_texts(form))
        actions.do_record_session(
            appointment,
            acting_user=request.user,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            drawn=request.POST.get("drawn"),  # a page drawn before this: not checked
        )
        messages.success(request, _("The session was recorded."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        note = (request.POST.get("note") or "").strip()
        if note and note != appointment.note.strip():
            # Refused (cancelled meanwhile, not started yet, too long): the note the
            # therapist wrote is shown back, to copy; going back to the page dropped it.
            episode = appointment.episode
            book = BookForm(
                therapists=_therapists(episode),
                initial={"therapist": episode.therapist_id or request.user.pk},
            )
            return _sessions_page(request, episode, book, status=409, not_saved=note)
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
        # The reason typed is put back on the sessions page (idle.js), not lost.
        return restoring_typed_text(
            redirect("episode_sessions", episode_id=episode_id), refused=True
        )
    return redirect("episode_sessions", episode_id=episode_id)


def _my_episode_sessions(user):
    """The open course the patient's pages show, and the sessions of every open course
    of theirs: two at once (referred to another clinic while one is still open), each
    clinic's sessions are theirs to see and move (decision 0158; before, the other
    course's were on no page but the home's)."""
    courses = list(plans.open_courses_of(user))
    if not courses:
        return None, Appointment.objects.none()
    sessions = (
        Appointment.objects.visible_to(user)
        .filter(episode__in=[course.pk for course in courses])
        .exclude(status=Appointment.Status.CANCELLED)
        .with_therapist_left()
        .select_related("therapist", "episode__clinic")
        .prefetch_related(
            Prefetch(
                "change_requests", queryset=ChangeRequest.objects.open(), to_attr="open_requests"
            )
        )
    )
    episode = courses[0]
    episode.several_clinics = len({course.clinic_id for course in courses}) > 1
    return episode, sessions


def _my_sessions_page(request, *, bound=None, bound_pk=None, status=200) -> HttpResponse:
    episode, sessions = _my_episode_sessions(request.user)
    now = timezone.now()
    coming = Q(status=Appointment.Status.BOOKED, starts_at__gte=now)
    page = Paginator(
        sessions.exclude(coming).order_by("-starts_at", "-id"), MY_PAST_SESSIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    # The coming ones lead the first page; a later page is the past ones only.
    shown = list(sessions.filter(coming).order_by("starts_at", "id")) if page.number == 1 else []
    rows = []
    for s in [*shown, *page.object_list]:
        is_coming = s.status == Appointment.Status.BOOKED and s.starts_at >= now
        # Its therapist has left: it will not take place as booked (decision 0096). The
        # patient is told the clinic rebooks it; no link, calendar file or request form.
        to_rebook = is_coming and s.therapist_left
        form = None
        if is_coming and not to_rebook:
            form = bound if s.pk == bound_pk else ChangeRequestForm(auto_id=f"s{s.pk}-%s")
        asked = s.open_requests[0] if s.open_requests else None
        rows.append(
            {
                "session": s,
                "coming": is_coming,
                "to_rebook": to_rebook,
                "form": form,
                "asked": asked,
            }
        )
    return render(
        request,
        "appointments/my_sessions.html",
        {
            "rows": rows,
            "page": page,
            "several_clinics": episode is not None and episode.several_clinics,
        },
        status=status,
    )


@patient_required
def my_sessions(request: HttpRequest) -> HttpResponse:
    return _my_sessions_page(request)


def _my_session(user, pk: int) -> Appointment:
    _episode_, sessions = _my_episode_sessions(user)
    appointment = sessions.filter(pk=pk).select_related("episode__clinic").first()
    if appointment is None:
        raise Http404
    return appointment


@patient_required
@require_POST
def my_session_change(request: HttpRequest, pk: int) -> HttpResponse:
    """The patient asks to move or cancel a coming session; the therapist confirms."""
    appointment = _my_session(request.user, pk)
    if appointment.therapist_left and appointment.status == Appointment.Status.BOOKED:
        # Nobody holds it (decision 0096): the page says the clinic books it again.
        say_refused(request, care_words.session_to_rebook(appointment.episode.clinic))
        return redirect("my_sessions")
    form = ChangeRequestForm(request.POST, auto_id=f"s{pk}-%s")
    if form.is_valid():
        try:
            actions.do_ask_to_change_session(
                appointment,
                acting_user=request.user,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(
                request, _("Your request has been sent. Your therapist will confirm it.")
            )
            return redirect("my_sessions")
    return _my_sessions_page(request, bound=form, bound_pk=pk, status=400)


@patient_required
def my_session_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """A coming session as a calendar file: nothing in it but the clinic, the time and
    the place or link (tessera.appointments.calendar)."""
    # Cancelled ones too: a calendar link opened after the session was cancelled (by the
    # clinic, or when the treatment ended) takes it out of the calendar (decision 0103).
    appointment = (
        Appointment.objects.visible_to(request.user)
        .filter(pk=pk, episode__patient__user=request.user)
        .with_therapist_left()
        .select_related("episode__clinic")
        .first()
    )
    if appointment is None:
        raise Http404
    cancelled = appointment.status == Appointment.Status.CANCELLED
    if appointment.status != Appointment.Status.BOOKED and not cancelled:
        raise Http404
    body = calendar.ics(
        appointment,
        clinic_name=appointment.episode.clinic.name,
        host=request.get_host().split(":")[0] or "tessera",
        now=timezone.now(),
        # Its therapist has left (decision 0096), or it was cancelled since the link was
        # sent (the episode ended; decision 0103): the file takes it out of the calendar
        # it was added to (same UID, cancelled), and promises nothing.
        cancelled=cancelled or appointment.therapist_left,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.pk}.ics"'
    return response


@staff_required
@require_POST
def session_request_handled(request: HttpRequest, episode_id: int, pk: int) -> HttpResponse:
    """The therapist has dealt with the patient's request (moved the session, or talked
    it over): it is closed. Cancelling the session closes it by itself."""
    appointment = _session(request.user, episode_id, pk)
    for open_request in appointment.change_requests.open():
        actions.do_handle_change_request(open_request, acting_user=request.user)
    messages.success(request, _("The request is marked as dealt with."))
    return redirect("episode_sessions", episode_id=episode_id)
