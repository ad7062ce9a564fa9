"""Ending an episode: completed, dropped out, stepped up to other care, or transferred.

On ending, the measures after treatment are set from the real end date (not the planned
one): the post-treatment questionnaire falls due on the day treatment ends, the
follow-ups at 3, 6 and 12 months after it, and they stay open to the patient after the
end. Weekly and before-module questionnaires still pending are cancelled. The patient
can still write (finish a worksheet, send a message) for the clinic's
``read_only_after_days``; after that their record is read-only to them
(``Episode.read_only_from``). An end-of-treatment letter with the outcome summary goes
to the GP or referrer where the patient agreed to letters. An episode with an
unresolved risk alert cannot be ended.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tessera.core import access, audit

from . import plans, schedule
from .models import DueMeasure, Episode, MeasureRule
from .models.measures import TimePoint

AFTER_END = (TimePoint.POST, TimePoint.FOLLOW_UP_3, TimePoint.FOLLOW_UP_6, TimePoint.FOLLOW_UP_12)
STOP_AT_END = (TimePoint.WEEKLY, TimePoint.CUSTOM, TimePoint.BEFORE_MODULE)
NEEDS_A_NOTE = {
    Episode.EndReason.DROPPED_OUT: _("Say why the patient dropped out, as far as it is known."),
    Episode.EndReason.STEPPED_UP: _("Say which care the patient was stepped up to."),
    Episode.EndReason.TRANSFERRED: _("Say where the patient was transferred."),
}


@dataclass(frozen=True)
class Ended:
    episode: Episode
    letter: object | None
    no_letter_because: str | None
    cancelled: int
    scheduled: int


def _check(episode: Episode, reason: str, note: str) -> None:
    from tessera.safety.models import RiskAlert

    errors = {}
    if episode.status == Episode.Status.ENDED:
        raise ValidationError(_("This episode has already ended."))
    if reason not in Episode.EndReason.values:
        errors["reason"] = _("Choose how the treatment ended.")
    elif reason in NEEDS_A_NOTE and not note:
        errors["note"] = NEEDS_A_NOTE[reason]
    if RiskAlert.objects.filter(episode=episode, resolved_at__isnull=True).exists():
        errors["reason"] = _("Resolve the open risk alert before ending the episode.")
    if errors:
        raise ValidationError(errors)


def _reschedule(episode: Episode, ended_on: dt.date) -> tuple[int, int]:
    pending = DueMeasure.objects.filter(episode=episode).pending()
    next_day = dt.datetime.combine(
        ended_on + dt.timedelta(days=1),
        dt.time.min,
        tzinfo=zoneinfo.ZoneInfo(episode.clinic.time_zone),
    )
    cancelled = pending.filter(time_point__in=STOP_AT_END, due_at__gte=next_day).update(
        cancelled=True
    )
    rules = MeasureRule.objects.filter(
        clinic=episode.clinic, programme_key="", time_point__in=AFTER_END
    )
    scheduled = 0
    for occasion in schedule.occasions(
        rules, start=ended_on, weeks=0, time_zone=episode.clinic.time_zone
    ):
        existing = DueMeasure.objects.filter(
            episode=episode,
            instrument=occasion.instrument,
            time_point=occasion.time_point,
            sequence=occasion.sequence,
        ).first()
        if existing is not None and existing.completed_at is not None:
            continue
        fields = {k: getattr(occasion, k) for k in ("opens_at", "due_at", "expires_at")}
        if existing is None:
            DueMeasure.objects.create(episode=episode, **occasion.__dict__)
        else:
            DueMeasure.objects.filter(pk=existing.pk).update(cancelled=False, **fields)
        scheduled += 1
    return cancelled, scheduled


@transaction.atomic
def do_end_episode(
    episode: Episode, *, acting_user, reason: str, note: str = "", ended_on: dt.date | None = None
) -> Ended:
    from tessera.letters import actions as letters

    episode = (
        Episode.objects.select_for_update().select_related("patient", "clinic").get(pk=episode.pk)
    )
    note = (note or "").strip()[:500]
    _check(episode, reason, note)
    ended_on = ended_on or plans.clinic_today(episode.clinic)
    episode.status = Episode.Status.ENDED
    episode.ended_on = ended_on
    episode.end_reason = reason
    episode.end_note = note
    episode.read_only_from = ended_on + dt.timedelta(days=episode.clinic.read_only_after_days)
    episode.save(update_fields=["status", "ended_on", "end_reason", "end_note", "read_only_from"])
    cancelled, scheduled = _reschedule(episode, ended_on)
    audit.record(
        "episode.ended",
        actor=acting_user,
        patient=episode.patient,
        clinic=episode.clinic,
        obj=episode,
        changes={"reason": reason, "ended_on": ended_on.isoformat(), "cancelled": cancelled},
        actor_role=access.actor_role_label(acting_user, episode.clinic_id),
    )
    refusal = access.gp_letter_refusal(episode.patient)
    letter = None
    if refusal is None:
        letter = letters.do_write_letter(episode, "ended", acting_user=acting_user)
    return Ended(episode, letter, refusal, cancelled, scheduled)


def patient_may_write(episode: Episode, today: dt.date | None = None) -> bool:
    """Whether the patient may still write in this episode (answers, messages)."""
    if episode.status != Episode.Status.ENDED:
        return True
    today = today or plans.clinic_today(episode.clinic)
    return episode.read_only_from is None or today < episode.read_only_from
