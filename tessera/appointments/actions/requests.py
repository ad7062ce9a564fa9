"""A patient asking to move or cancel a booked session, and the therapist handling it
(issue 14). Audited; the therapist is told only that a patient asked, with a link."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tessera.core import audit

from .. import signals
from ..models import Appointment, ChangeRequest

MAX_NOTE = 1000


@transaction.atomic
def do_ask_to_change_session(
    appointment: Appointment, *, acting_user, kind: str, note: str = ""
) -> ChangeRequest:
    """The patient asks. Asking again while a request is open changes that request (a
    double click, or second thoughts), so the therapist sees one request per session."""
    appointment = (
        Appointment.objects.select_for_update(no_key=True)
        .select_related("episode__patient", "episode__clinic", "therapist")
        .get(pk=appointment.pk)
    )
    if appointment.episode.patient.user_id != acting_user.pk:
        raise PermissionDenied
    if appointment.status != Appointment.Status.BOOKED or appointment.starts_at < timezone.now():
        raise ValidationError(_("Only a coming session can be moved or cancelled."))
    if Appointment.objects.filter(pk=appointment.pk).needing_new_clinician().exists():
        # Its therapist has left: the clinic books it again (decision 0096); a request
        # would go to nobody who holds the session.
        raise ValidationError(
            _("This session is to be booked again by the clinic, which will contact you.")
        )
    if kind not in ChangeRequest.Kind.values:
        raise ValidationError({"kind": _("Choose whether to move or cancel the session.")})
    note = (note or "").strip()
    if len(note) > MAX_NOTE:  # refused, never cut
        raise ValidationError(
            {"note": _("Use at most %(limit)d characters.") % {"limit": MAX_NOTE}}
        )
    if kind == ChangeRequest.Kind.MOVE and not note:
        raise ValidationError({"note": _("Say which days and times suit you instead.")})
    request = appointment.change_requests.open().first()
    if request is None:
        request = ChangeRequest(appointment=appointment, asked_by=acting_user)
    request.kind, request.note, request.asked_at = kind, note, timezone.now()
    request.save()
    audit.record_for_episode(
        "appointment.change_asked",
        appointment.episode,
        obj=appointment,
        actor=acting_user,
        purpose="self",
        actor_role="patient",
        changes={"kind": kind},
    )
    transaction.on_commit(
        lambda: signals.session_change_asked.send(sender=ChangeRequest, request=request)
    )
    return request


@transaction.atomic
def do_handle_change_request(request: ChangeRequest, *, acting_user) -> ChangeRequest:
    """The therapist has moved or cancelled the session (or talked it over with the
    patient): the request is closed. Cancelling the session closes it too."""
    request = ChangeRequest.objects.select_for_update(no_key=True).get(pk=request.pk)
    if request.handled_at is not None:
        return request
    request.handled_by, request.handled_at = acting_user, timezone.now()
    request.save(update_fields=["handled_by", "handled_at"])
    appointment = request.appointment
    audit.record_for_episode(
        "appointment.change_handled", appointment.episode, obj=appointment, actor=acting_user
    )
    return request
