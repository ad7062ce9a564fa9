"""Writes of appointments: booking, recording and cancelling a session, atomic and audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tessera.core import access, audit, submissions, validation

from .. import signals
from ..models import Appointment

MAX_MINUTES = 240


def _check_booking(episode, therapist, kind, starts_at, minutes, place, video_link) -> dict:
    errors = {}
    if episode.status == "ended":
        errors["starts_at"] = _("This episode has ended; sessions can no longer be booked.")
    if therapist is None or not access.is_therapist_at(therapist, episode.clinic_id):
        errors["therapist"] = _("Choose a therapist of this clinic.")
    if kind not in Appointment.Kind.values:
        errors["kind"] = _("Choose face to face, video or phone.")
    if kind == Appointment.Kind.FACE_TO_FACE and not (place or "").strip():
        errors["place"] = _("Say where the session takes place.")
    if kind == Appointment.Kind.VIDEO and not video_link:
        errors["video_link"] = _("Give the link the patient uses to join.")
    if not minutes or not 5 <= minutes <= MAX_MINUTES:
        errors["minutes"] = _("A session lasts between 5 and %(max)s minutes.") % {
            "max": MAX_MINUTES
        }
    if starts_at is None or starts_at < timezone.now() - dt.timedelta(days=31):
        errors["starts_at"] = _("Choose a date no more than a month back.")
    return errors


@transaction.atomic
def do_book_appointment(
    episode,
    *,
    acting_user,
    therapist,
    kind: str,
    starts_at: dt.datetime,
    minutes: int = 45,
    place: str = "",
    video_link: str = "",
    submission_key=None,
) -> Appointment:
    """Book a session. The booking form sent twice (same ``submission_key``, or the same
    session booked again by the same person within minutes) books one session and tells
    the patient once: the second time this returns the first, ``sent_before`` set
    (``tessera.core.submissions``, decision 0070)."""
    errors = _check_booking(episode, therapist, kind, starts_at, minutes, place, video_link)
    if errors:
        raise ValidationError(errors)
    return submissions.made_once(
        Appointment,
        submission_key,
        lambda: _book(
            episode,
            acting_user,
            therapist,
            kind,
            starts_at,
            minutes,
            place,
            video_link,
            submission_key,
        ),
        same=Appointment.objects.filter(
            episode=episode,
            booked_by=acting_user,
            therapist=therapist,
            kind=kind,
            starts_at=starts_at,
            status=Appointment.Status.BOOKED,
            booked_at__gte=timezone.now() - submissions.REPEAT_WINDOW,
        ),
        lock=f"{acting_user.pk}:{episode.pk}",
        booked_by_id=acting_user.pk,
        episode_id=episode.pk,
    )


def _book(
    episode, acting_user, therapist, kind, starts_at, minutes, place, video_link, submission_key
) -> Appointment:
    appointment = Appointment.objects.create(
        episode=episode,
        therapist=therapist,
        kind=kind,
        starts_at=starts_at,
        minutes=minutes,
        place=(place or "").strip(),
        video_link=video_link or "",
        booked_by=acting_user,
        submission_key=submission_key,
    )
    audit.record_for_episode(
        "appointment.booked",
        episode,
        obj=appointment,
        actor=acting_user,
        changes={"kind": kind, "starts_at": starts_at.isoformat(), "minutes": minutes},
    )
    signals.appointment_booked.send(Appointment, appointment=appointment, acting_user=acting_user)
    return appointment


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(no_key=True)
        .select_related("episode__patient", "episode__clinic")
        .get(pk=appointment.pk)
    )


@transaction.atomic
def do_record_session(
    appointment: Appointment,
    *,
    acting_user,
    status: str,
    note: str = "",
    drawn: str | None = None,
) -> Appointment:
    """Record whether the patient came, with the session note. Can be corrected later;
    the audit trail keeps every version's status. ``drawn``: the ``record_version`` the
    form was drawn with; a record saved since (a colleague's correction, another tab) is
    not overwritten: a ValidationError (``recorded_meanwhile``), nothing changed. Before,
    the last "Save" replaced the other's note without a word (decision 0149)."""
    if status not in (Appointment.Status.ATTENDED, Appointment.Status.DID_NOT_ATTEND):
        raise ValidationError({"status": _("Say whether the patient came.")})
    appointment = _locked(appointment)
    if appointment.status == Appointment.Status.CANCELLED:
        raise ValidationError(_("This session was cancelled."))
    if drawn is not None and drawn != appointment.record_version:
        raise ValidationError(
            _(
                "Someone else saved this session's record after you opened the page, so "
                "yours was not saved. Read theirs, then correct it if you need to."
            ),
            code="recorded_meanwhile",
        )
    if appointment.starts_at > timezone.now():
        raise ValidationError({"status": _("The session has not started yet.")})
    previous = appointment.status
    appointment.status = status
    appointment.note = (note or "").strip()
    appointment.recorded_by, appointment.recorded_at = acting_user, timezone.now()
    appointment.save()
    audit.record_for_episode(
        "appointment.recorded",
        appointment.episode,
        obj=appointment,
        actor=acting_user,
        changes={"status": [previous, status], "note_written": bool(appointment.note)},
    )
    return appointment


@transaction.atomic
def do_cancel_appointment(appointment: Appointment, *, acting_user, reason: str) -> Appointment:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"cancel_reason": _("Say why the session is cancelled.")})
    validation.check_lengths(Appointment, {"cancel_reason": reason})  # refused, never cut
    appointment = _locked(appointment)
    if appointment.status != Appointment.Status.BOOKED:
        raise ValidationError(_("Only a booked session can be cancelled."))
    appointment.status = Appointment.Status.CANCELLED
    appointment.cancel_reason = reason
    appointment.save(update_fields=["status", "cancel_reason"])
    # the patient's request to move or cancel it, if any, has been dealt with
    appointment.change_requests.open().update(handled_by=acting_user, handled_at=timezone.now())
    audit.record_for_episode(
        "appointment.cancelled", appointment.episode, obj=appointment, actor=acting_user
    )
    return appointment


def do_cancel_coming_sessions(episode, *, acting_user) -> int:
    """The coming booked sessions of an episode that is ending are cancelled, each with
    its own audit event, and the patient's open requests to move them closed (decision
    0164): a session after the end would not take place, yet its video link, calendar
    file and request form stayed on the patient's pages. A session whose time has
    passed stays as it is, to be recorded. Called inside the ending's transaction
    (``tessera.portal.ending``); the number cancelled."""
    coming = list(
        Appointment.objects.select_for_update(no_key=True)
        .filter(episode=episode)
        .upcoming()
        .order_by("starts_at", "id")
    )
    # Staff read the reason on the episode's sessions page, in the words of whoever
    # ended the treatment (as a reason they type).
    reason = gettext("The treatment ended.")
    for appointment in coming:
        appointment.status = Appointment.Status.CANCELLED
        appointment.cancel_reason = reason
        appointment.save(update_fields=["status", "cancel_reason"])
        appointment.change_requests.open().update(handled_by=acting_user, handled_at=timezone.now())
        audit.record_for_episode(
            "appointment.cancelled",
            episode,
            obj=appointment,
            actor=acting_user,
            changes={"why": "episode_ended"},
        )
    return len(coming)
