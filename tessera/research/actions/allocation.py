"""Randomisation: once per participant, at one moment (consent given and eligibility
confirmed, whichever comes second), from the study's concealed sequence, audited.

Two allocations in one study never take the same place: the study row is locked
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite lets one transaction write at a time),
and a place belongs to at most one participant (a one-to-one column). The allocated
arm seeds the episode's plan and care model and schedules the research measures.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tessera.appointments.actions import do_change_care_model
from tessera.treatment import actions as treatment
from tessera.treatment.models import DueMeasure, PlanEntry, Response

from .. import eligibility, randomisation
from ..models import AllocationSlot, Participant, ResearchMeasure, Study
from .common import participant_event


def baseline_total(study: Study, episode) -> int | None:
    """The baseline score that decides the severity stratum: the latest answer in the
    episode before randomisation, else the screening of the application."""
    instrument = study.severity_instrument
    response = (
        Response.objects.filter(episode=episode, instrument=instrument, total__isnull=False)
        .order_by("-submitted_at")
        .first()
    )
    if response is not None:
        return response.total
    application = eligibility.application_of(episode)
    if application is not None:
        for answer in application.screening_answers.all():
            if answer.instrument == instrument and answer.total is not None:
                return answer.total
    return None


def stratum_for(study: Study, episode) -> str:
    parts = []
    if study.stratify_by_site:
        parts.append(("site", str(episode.clinic_id)))
    if study.severity_instrument:
        total = baseline_total(study, episode)
        if total is None:
            raise ValidationError(
                _("The baseline %(instrument)s is missing: it decides the stratum.")
                % {"instrument": study.severity_instrument}
            )
        parts.append(("severity", "high" if total >= study.severity_cutoff else "low"))
    return randomisation.stratum_key(parts)


def _seed_care(participant: Participant, arm, acting_user) -> None:
    episode = participant.episode
    reason = _("Allocated in the study %(study)s") % {"study": participant.study.key}
    if arm.programme_version is not None:
        if not PlanEntry.objects.filter(episode=episode).exists():
            treatment.do_seed_plan(
                episode, arm.programme_version, acting_user=acting_user, reason=reason
            )
        elif episode.programme_version_id != arm.programme_version_id:
            treatment.do_switch_programme(
                episode, arm.programme_version, acting_user=acting_user, reason=reason
            )
    if episode.care_model != arm.care_model:
        do_change_care_model(
            episode, acting_user=acting_user, to_model=arm.care_model, reason=reason
        )


def _schedule_measures(participant: Participant, acting_user) -> None:
    # Days on the clinic's calendar (decision 0121): the randomisation's time of day
    # where the clinic is, so many days on. Counted in UTC, a randomisation at 23:30 in
    # winter was due at 00:30 in summer, a day late.
    zone = zoneinfo.ZoneInfo(participant.episode.clinic.time_zone)
    randomised = participant.randomised_at.astimezone(zone)
    for measure in participant.study.measures.all():
        shared = DueMeasure.objects.filter(
            episode=participant.episode,
            instrument=measure.instrument,
            time_point=measure.time_point,
            sequence=0,
        ).exists()
        due = treatment.do_schedule_occasion(
            participant.episode,
            instrument=measure.instrument,
            time_point=measure.time_point,
            due_at=randomised + dt.timedelta(days=measure.days_after_randomisation),
            acting_user=acting_user,
            source=f"study:{participant.study.key}",
        )
        ResearchMeasure.objects.get_or_create(
            participant=participant, measure=measure, due=due, defaults={"study_only": not shared}
        )


@transaction.atomic
def do_randomise(participant: Participant, *, acting_user) -> Participant:
    """Allocate the participant to the next place of their stratum's sequence. Called
    by the actions that give consent and confirm eligibility; never twice."""
    study = Study.objects.select_for_update(no_key=True).get(pk=participant.study_id)
    locked = (
        Participant.objects.select_for_update(no_key=True)
        .select_related("episode__clinic", "episode__patient")
        .get(pk=participant.pk)
    )
    if locked.randomised_at is not None:
        raise ValidationError(_("This participant has already been randomised."))
    if not (locked.consented_at and locked.eligibility_confirmed_at):
        raise ValidationError(_("Randomisation waits for consent and confirmed eligibility."))
    if locked.excluded_at or locked.withdrawn_at:
        raise ValidationError(_("This participant is no longer in the study."))
    if study.status != Study.Status.RECRUITING:
        raise ValidationError(_("The study is not recruiting."))
    stratum = stratum_for(study, locked.episode)
    slot = (
        AllocationSlot.objects.filter(study=study, stratum=stratum, participant__isnull=True)
        .select_related("arm__programme_version")
        .order_by("position")
        .first()
    )
    if slot is None:
        raise ValidationError(_("The allocation sequence of this stratum is used up."))
    locked.stratum = stratum
    locked.slot = slot
    locked.arm = slot.arm
    locked.randomised_at = timezone.now()
    locked.save(update_fields=["stratum", "slot", "arm", "randomised_at"])
    participant_event(
        "research.randomised",
        locked,
        acting_user=acting_user,
        changes={"stratum": stratum, "position": slot.position, "arm": slot.arm.code},
    )
    _seed_care(locked, slot.arm, acting_user)
    _schedule_measures(locked, acting_user)
    participant.__dict__.update(
        {k: getattr(locked, k) for k in ("stratum", "slot_id", "arm_id", "randomised_at")}
    )
    return locked
