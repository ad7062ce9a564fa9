"""Ending an episode: completed, dropped out, stepped up to other care, or transferred.

On ending, the measures after treatment are set from the real end date (not the planned
one): the post-treatment questionnaire falls due on the day treatment ends, the
follow-ups at 3, 6 and 12 months after it, and they stay open to the patient after the
end. Weekly and before-module questionnaires still pending are cancelled, except those
a research study asked for (its follow-up goes on after treatment, per protocol). The patient
can still write (finish a worksheet, send a message) for the clinic's
``read_only_after_days``; after that their record is read-only to them
(``Episode.read_only_from``). An end-of-treatment letter with the outcome summary goes
to the GP or referrer where the patient agreed to letters. An episode with an
unresolved risk alert cannot be ended.

This module holds treatment's own part of ending (the checks on the form, the episode's
fields, the measures after the end, who may still write). The whole flow, which also
asks safety about open alerts and writes the letter, is ``tessera.portal.ending``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tessera.core import access, audit
from tessera.core.models import Episode
from tessera.instruments.time_points import TimePoint

from . import plans, schedule
from .models import DueMeasure, MeasureRule

AFTER_END = (TimePoint.POST, TimePoint.FOLLOW_UP_3, TimePoint.FOLLOW_UP_6, TimePoint.FOLLOW_UP_12)
STOP_AT_END = (TimePoint.WEEKLY, TimePoint.CUSTOM, TimePoint.BEFORE_MODULE)
NEEDS_A_NOTE = {
    Episode.EndReason.DROPPED_OUT: _("Say why the patient dropped out, as far as it is known."),
    Episode.EndReason.STEPPED_UP: _("Say which care the patient was stepped up to."),
    Episode.EndReason.TRANSFERRED: _("Say where the patient was transferred."),
}


# Who else asked for an occasion that must not stop at the end: each function takes the
# episode and gives the ids of its occasions kept as they are (research registers its
# trial's measures, which go on after treatment by protocol; decision 0164). Treatment
# may not import research (it sits above), so research tells it, as the notification
# owners register what is still wanted.
_KEPT_AT_END = []


def register_kept_at_end(kept):
    _KEPT_AT_END.append(kept)
    return kept


def _kept_at_end(episode: Episode) -> set[int]:
    return {pk for kept in _KEPT_AT_END for pk in kept(episode)}


def ending_problems(episode: Episode, reason: str, note: str) -> dict[str, str]:
    """{field: message} for an ending treatment cannot accept; raises when the episode
    has already ended (there is nothing to correct on the form)."""
    if episode.status == Episode.Status.ENDED:
        raise ValidationError(_("This episode has already ended."))
    errors = {}
    if reason not in Episode.EndReason.values:
        errors["reason"] = _("Choose how the treatment ended.")
    elif reason in NEEDS_A_NOTE and not note:
        errors["note"] = NEEDS_A_NOTE[reason]
    return errors


def _reschedule(episode: Episode, ended_on: dt.date) -> tuple[int, int]:
    pending = DueMeasure.objects.filter(episode=episode).pending()
    next_day = dt.datetime.combine(
        ended_on + dt.timedelta(days=1),
        dt.time.min,
        tzinfo=zoneinfo.ZoneInfo(episode.clinic.time_zone),
    )
    cancelled = (
        pending.filter(time_point__in=STOP_AT_END, due_at__gte=next_day)
        .exclude(pk__in=_kept_at_end(episode))
        .update(cancelled=True)
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


def close_episode(
    episode: Episode, *, acting_user, reason: str, note: str, ended_on: dt.date | None = None
) -> tuple[int, int]:
    """Treatment's part of ending a checked, locked episode: its fields, the measures after
    the end (cancelled, scheduled), and the audit event. Called inside the transaction
    of ``tessera.portal.ending.do_end_episode``."""
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
    return cancelled, scheduled


def patient_may_write(episode: Episode, today: dt.date | None = None) -> bool:
    """Whether the patient may still write in this episode (answers, messages)."""
    if episode.status != Episode.Status.ENDED:
        return True
    today = today or plans.clinic_today(episode.clinic)
    return episode.read_only_from is None or today < episode.read_only_from
