"""Writes to episodes of care and their measures: atomic and audited."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from tessera.core import access, audit, crisis
from tessera.core.conflicts import retried_once
from tessera.core.models import Episode
from tessera.instruments.choices import can_be_filled_in, licensed_codes
from tessera.instruments.scoring import (
    InstrumentError,
    UnknownInstrumentError,
    load_definition,
    score,
)
from tessera.instruments.scoring.definitions import normalise_code
from tessera.instruments.time_points import TimePoint

from .. import plans, schedule, signals
from ..models import DueMeasure, MeasureRule, Response, ResponseDraft
from .schedule import risk_overrides as clinic_thresholds

DEFAULT_TREATMENT_WEEKS = 10

# A house rule (issue 20, item 9): a questionnaire answered in screening counts as the
# "before treatment" one when it was answered at most 14 days before treatment starts.
# 14 days is the recall period of the PHQ-9 ("over the last 2 weeks", Kroenke 2001) and
# of the GAD-7 (Spitzer 2006), so asking again within it asks about the same fortnight.
# Older answers are not used: the patient is asked again at the start.
BASELINE_WINDOW = dt.timedelta(days=14)
# The occasions at the start of treatment an earlier answer can stand in for.
BASELINE_TIME_POINTS = (TimePoint.SCREENING, TimePoint.PRE)
# uuid5 namespace for the submission keys of responses copied from an earlier answer, so
# that the same answer is never copied twice into one episode.
_EARLIER_KEYS = uuid.UUID("5f0f3a52-3a3c-4d3f-9f2e-2a7c1c0b2014")


@dataclass(frozen=True)
class EarlierAnswer:
    """A scored questionnaire answered before treatment (in screening), offered to
    ``do_start_treatment`` as the baseline. ``source`` names it uniquely (for example
    "screening-12"); ``submitted_by`` is the person who answered it."""

    source: str
    instrument: str
    instrument_version: str
    language: str
    answers: dict
    total: int | None
    band: str
    result: dict
    risk_flagged: bool
    submitted_at: dt.datetime
    submitted_by: object


def _role(user, clinic_id):
    return access.actor_role_label(user, clinic_id)


@transaction.atomic
def do_open_episode(
    patient,
    clinic,
    *,
    acting_user=None,
    status=Episode.Status.INTAKE,
    therapist=None,
    care_model=Episode.CareModel.GUIDED,
) -> Episode:
    """A new episode at ``clinic``; refused while the clinic has no crisis contacts of its
    own (``tessera.core.crisis.refusal``)."""
    crisis.check_taking_patients(clinic)
    episode = Episode.objects.create(
        patient=patient, clinic=clinic, status=status, therapist=therapist, care_model=care_model
    )
    audit.record(
        "episode.opened",
        actor=acting_user,
        clinic=clinic,
        patient=patient,
        obj=episode,
        purpose="intake",
        actor_role=_role(acting_user, clinic.pk),
        changes={"status": status, "therapist": therapist.pk if therapist else None},
    )
    return episode


def episode_rules(episode: Episode) -> list:
    """The clinic's schedule, completed by the programme's default measures for the time
    points the clinic has no rule for (schedule.effective_rules)."""
    clinic_rules = MeasureRule.objects.filter(clinic=episode.clinic, programme_key="")
    programme = episode.programme_version
    return schedule.effective_rules(
        clinic_rules, programme.default_measures if programme else [], primary_measure(episode)
    )


def primary_measure(episode: Episode) -> str:
    """The programme's primary measure when the clinic can ask it (wording shipped, or
    entered by the clinic under its licence), else "" (not scheduled; the programme page
    and the letter show it is missing)."""
    programme = episode.programme_version
    code = programme.primary_measure_code if programme else ""
    if not code:
        return ""
    try:
        definition = load_definition(code)
    except UnknownInstrumentError:
        return ""
    if can_be_filled_in(definition) or code in licensed_codes(episode.clinic):
        return code
    return ""


def _create_missing(episode: Episode, planned) -> list[DueMeasure]:
    """Create the occasions not already there (safe to run twice)."""
    if not planned:
        return []
    existing = set(
        DueMeasure.objects.filter(
            episode=episode, time_point__in={o.time_point for o in planned}
        ).values_list("instrument", "time_point", "sequence")
    )
    new = [
        DueMeasure(episode=episode, **occasion.__dict__)
        for occasion in planned
        if (occasion.instrument, occasion.time_point, occasion.sequence) not in existing
    ]
    return DueMeasure.objects.bulk_create(new, ignore_conflicts=True)


@transaction.atomic
def do_schedule_programme_measures(episode: Episode, *, acting_user=None) -> list[DueMeasure]:
    """After a plan is seeded from a programme in an episode already in treatment: add
    the programme's default measures for the time points the clinic has no rule for,
    counted from the start of treatment. Occasions already planned stay as they are."""
    programme = episode.programme_version
    if programme is None or episode.started_on is None:
        return []
    clinic_rules = MeasureRule.objects.filter(clinic=episode.clinic, programme_key="")
    rules = schedule.effective_rules(
        clinic_rules, programme.default_measures, primary_measure(episode)
    )
    from_programme = [rule for rule in rules if isinstance(rule, schedule.ProgrammeRule)]
    planned = schedule.occasions(
        from_programme,
        start=episode.started_on,
        weeks=programme.weeks or DEFAULT_TREATMENT_WEEKS,
        time_zone=episode.clinic.time_zone,
    )
    created = _create_missing(episode, planned)
    if created:
        audit.record(
            "episode.measures_scheduled",
            actor=acting_user,
            clinic=episode.clinic,
            patient=episode.patient,
            obj=episode,
            actor_role=_role(acting_user, episode.clinic_id),
            changes={"source": "programme", "measures": len(created)},
        )
    return created


def _programme_rules(episode: Episode, programme) -> list:
    """The programme's default measures the clinic has no rule of its own for."""
    if programme is None or not programme.default_measures:
        return []
    clinic_rules = MeasureRule.objects.filter(clinic=episode.clinic, programme_key="")
    rules = schedule.effective_rules(clinic_rules, programme.default_measures)
    return [rule for rule in rules if isinstance(rule, schedule.ProgrammeRule)]


@transaction.atomic
def do_reschedule_for_switch(
    episode: Episode, old_programme, *, acting_user=None, now: dt.datetime | None = None
) -> tuple[int, int]:
    """After a programme switch (issue 20, item 10): the old programme's measures not yet
    answered and still ahead are cancelled, unless the new programme asks for the same
    (instrument, time point); the new programme's measures are scheduled, counted from the
    start of treatment, from today on (no back-dated, already overdue occasions; a
    "before each module" measure follows each module as it starts). Answered ones stay.
    The clinic's own rules are untouched. Returns (scheduled, cancelled); audited."""
    now = now or timezone.now()
    new_rules = _programme_rules(episode, episode.programme_version)
    wanted = {(rule.instrument, rule.time_point) for rule in new_rules}
    old_pairs = {
        (rule.instrument, rule.time_point)
        for rule in _programme_rules(episode, old_programme)
        if (rule.instrument, rule.time_point) not in wanted
    }
    future = DueMeasure.objects.filter(episode=episode, due_at__gte=now).pending()
    to_cancel = [due.pk for due in future if (due.instrument, due.time_point) in old_pairs]
    cancelled = DueMeasure.objects.filter(pk__in=to_cancel).update(cancelled=True)
    scheduled = 0
    programme = episode.programme_version
    if programme is not None and episode.started_on is not None and new_rules:
        planned = [
            occasion
            for occasion in schedule.occasions(
                new_rules,
                start=episode.started_on,
                weeks=programme.weeks or DEFAULT_TREATMENT_WEEKS,
                time_zone=episode.clinic.time_zone,
            )
            if occasion.due_at >= now
        ]
        # An occasion cancelled by an earlier switch comes back rather than being lost.
        revived = 0
        for occasion in planned:
            revived += DueMeasure.objects.filter(
                episode=episode,
                instrument=occasion.instrument,
                time_point=occasion.time_point,
                sequence=occasion.sequence,
                cancelled=True,
                completed_at__isnull=True,
            ).update(cancelled=False)
        scheduled = len(_create_missing(episode, planned)) + revived
    if scheduled or cancelled:
        audit.record(
            "episode.measures_scheduled",
            actor=acting_user,
            clinic=episode.clinic,
            patient=episode.patient,
            obj=episode,
            actor_role=_role(acting_user, episode.clinic_id),
            changes={"source": "switch", "measures": scheduled, "cancelled": cancelled},
        )
    return scheduled, cancelled


@transaction.atomic
def do_schedule_before_module(entry, *, acting_user=None) -> list[DueMeasure]:
    """The "before each module" questionnaires for a module the patient has just
    started (clinic rules first, else the programme's defaults). Open at once; a second
    call for the same module creates nothing (sequence = the plan entry's id)."""
    episode = entry.episode
    rules = [r for r in episode_rules(episode) if r.time_point == "before_module"]
    planned = schedule.before_module_occasions(rules, sequence=entry.pk, now=timezone.now())
    created = _create_missing(episode, planned)
    if created:
        audit.record(
            "episode.measures_scheduled",
            actor=acting_user,
            clinic=episode.clinic,
            patient=episode.patient,
            obj=entry,
            purpose="self" if acting_user and episode.patient.user_id == acting_user.pk else "care",
            actor_role=_role(acting_user, episode.clinic_id),
            changes={"source": "before_module", "entry": entry.pk, "measures": len(created)},
        )
    return created


@transaction.atomic
def do_schedule_occasion(
    episode: Episode,
    *,
    instrument: str,
    time_point: str,
    due_at: dt.datetime,
    acting_user=None,
    source: str,
    open_days_before: int = 2,
    expire_days_after: int = 14,
) -> DueMeasure:
    """One questionnaire occasion asked for by something other than the clinic's schedule
    (a research study's measure): the one already planned for this instrument and time
    point if there is one (the same answer serves both), otherwise a new one. Audited
    when created, with ``source`` saying who asked for it."""
    existing = DueMeasure.objects.filter(
        episode=episode, instrument=instrument, time_point=time_point, sequence=0
    ).first()
    if existing is not None:
        return existing
    due = DueMeasure.objects.create(
        episode=episode,
        instrument=instrument,
        time_point=time_point,
        sequence=0,
        opens_at=due_at - dt.timedelta(days=open_days_before),
        due_at=due_at,
        expires_at=due_at + dt.timedelta(days=expire_days_after),
    )
    audit.record(
        "episode.measures_scheduled",
        actor=acting_user,
        clinic=episode.clinic,
        patient=episode.patient,
        obj=due,
        actor_role=_role(acting_user, episode.clinic_id),
        changes={"source": source, "measures": 1},
    )
    return due


@transaction.atomic
def do_cancel_occasions(dues, *, acting_user=None, source: str) -> int:
    """Cancel questionnaire occasions not yet answered that something other than the
    clinic's schedule asked for (a study the patient withdrew from). Audited per
    episode."""
    pending = DueMeasure.objects.filter(pk__in=[d.pk for d in dues]).pending()
    episodes = {d.episode_id: d.episode for d in pending.select_related("episode__clinic")}
    count = pending.update(cancelled=True)
    for episode in episodes.values():
        audit.record(
            "episode.measures_cancelled",
            actor=acting_user,
            clinic=episode.clinic,
            patient=episode.patient,
            obj=episode,
            purpose="self" if acting_user and episode.patient.user_id == acting_user.pk else None,
            actor_role=_role(acting_user, episode.clinic_id),
            changes={"source": source, "cancelled": count},
        )
    return count


def do_note_therapist_first_look(episode: Episode, *, acting_user) -> bool:
    """The responsible therapist has opened their new patient's overview or written to
    them: the "new patient" inbox row goes (issue 20, item 9). Nothing for anyone else,
    nor when already done (no query then). True when the flag was cleared."""
    if not episode.new_to_therapist or acting_user is None:
        return False
    if acting_user.pk != episode.therapist_id:
        return False
    cleared = Episode.objects.filter(
        pk=episode.pk, therapist_id=acting_user.pk, new_to_therapist=True
    ).update(new_to_therapist=False)
    episode.new_to_therapist = False
    if cleared:
        audit.record(
            "episode.new_patient_seen",
            actor=acting_user,
            clinic=episode.clinic,
            patient=episode.patient,
            obj=episode,
            actor_role=_role(acting_user, episode.clinic_id),
        )
    return bool(cleared)


def _baselines(planned, earlier: Iterable[EarlierAnswer]) -> tuple[dict, set]:
    """Which planned occasions an earlier answer stands in for: the start's occasion of
    the same questionnaire (before treatment, else screening), answered within
    ``BASELINE_WINDOW`` before it is due; the latest such answer. Returns ({occasion
    index: answer}, {indexes of other start occasions of the same questionnaire}): one
    answer is copied once, and the start asks each questionnaire once: the one it
    already has not at all, and one the clinic schedules both in screening and before
    treatment (PHQ-9, GAD-7) once, before treatment, where no earlier answer stands in
    for it. Before, a patient started without a screening answer (a clinic's own start,
    the demo's self-help patient) was asked both on the same day."""
    latest: dict[str, EarlierAnswer] = {}
    for answer in earlier:
        if answer.submitted_by is None:
            continue
        code = normalise_code(answer.instrument)
        if code not in latest or answer.submitted_at > latest[code].submitted_at:
            latest[code] = answer
    starts: dict[str, list[int]] = {}
    for index, occasion in enumerate(planned):
        if occasion.time_point in BASELINE_TIME_POINTS and occasion.sequence == 0:
            starts.setdefault(normalise_code(occasion.instrument), []).append(index)
    found, covered = {}, set()
    for code, indexes in starts.items():
        indexes.sort(key=lambda i: planned[i].time_point != TimePoint.PRE)
        answer = latest.get(code)
        within = [
            i
            for i in indexes
            if answer is not None
            and planned[i].due_at - BASELINE_WINDOW <= answer.submitted_at <= planned[i].expires_at
        ]
        if within:
            found[within[0]] = answer
            covered.update(i for i in indexes if i != within[0])
        else:
            covered.update(indexes[1:])
    return found, covered


def _record_baseline(episode: Episode, occasion, answer: EarlierAnswer) -> DueMeasure:
    """The occasion, already answered: its response is a copy of the earlier answer, with
    the time it was given (so it is the episode's first score everywhere: reports,
    outcomes, the inbox's deterioration check). Nothing is shown to the patient."""
    key = uuid.uuid5(_EARLIER_KEYS, f"{episode.pk}:{answer.source}")
    due, _created = DueMeasure.objects.get_or_create(
        episode=episode,
        instrument=occasion.instrument,
        time_point=occasion.time_point,
        sequence=occasion.sequence,
        defaults={
            "opens_at": occasion.opens_at,
            "due_at": occasion.due_at,
            "expires_at": occasion.expires_at,
            "completed_at": answer.submitted_at,
        },
    )
    if due.completed_at is None or Response.objects.filter(due=due).exists():
        return due
    Response.objects.create(
        episode=episode,
        due=due,
        instrument=answer.instrument,
        instrument_version=answer.instrument_version,
        language=answer.language,
        answers=answer.answers,
        total=answer.total,
        band=answer.band,
        result=answer.result,
        risk_flagged=answer.risk_flagged,
        submitted_at=answer.submitted_at,
        submitted_by=answer.submitted_by,
        submission_key=key,
    )
    return due


@transaction.atomic
def do_start_treatment(
    episode: Episode,
    *,
    acting_user=None,
    start_on: dt.date | None = None,
    weeks: int = DEFAULT_TREATMENT_WEEKS,
    earlier_answers: Iterable[EarlierAnswer] = (),
) -> list[DueMeasure]:
    """Mark the episode active and schedule its measures from the clinic's schedule.
    Treatment starts today where the clinic is (not where the server or the person
    starting it is): its week numbers and due days are counted in that time zone.

    ``earlier_answers`` (the screening's, given by intake) are the baseline where they
    are recent (``BASELINE_WINDOW``): the start's occasion of the same questionnaire is
    recorded as answered by them instead of being asked again (issue 20, item 9)."""
    start_on = start_on or plans.clinic_today(episode.clinic)
    episode.status = Episode.Status.ACTIVE
    episode.started_on = start_on
    episode.save(update_fields=["status", "started_on"])
    rules = episode_rules(episode)
    planned = schedule.occasions(
        rules, start=start_on, weeks=weeks, time_zone=episode.clinic.time_zone
    )
    baselines, covered = _baselines(planned, earlier_answers)
    created = DueMeasure.objects.bulk_create(
        [
            DueMeasure(episode=episode, cancelled=index in covered, **occasion.__dict__)
            for index, occasion in enumerate(planned)
            if index not in baselines
        ],
        ignore_conflicts=True,
    )
    answered = [
        _record_baseline(episode, planned[index], answer) for index, answer in baselines.items()
    ]
    changes = {"start_on": start_on.isoformat(), "weeks": weeks, "measures": len(planned)}
    if answered:
        changes["from_screening"] = sorted({due.instrument for due in answered})
    audit.record(
        "episode.treatment_started",
        actor=acting_user,
        clinic=episode.clinic,
        patient=episode.patient,
        obj=episode,
        actor_role=_role(acting_user, episode.clinic_id),
        changes=changes,
    )
    return sorted(created + answered, key=lambda d: (d.due_at, d.instrument))


def do_save_draft(due: DueMeasure, answers: dict[int, int], *, acting_user) -> ResponseDraft:
    """Keep the answers so far. Drafts are the patient's own scratch space: they are not
    part of the record until submitted, so saving one is not audited row by row."""
    draft, _ = ResponseDraft.objects.update_or_create(
        due=due, defaults={"answers": {str(k): v for k, v in answers.items()}}
    )
    return draft


def draft_answers(due: DueMeasure) -> dict[int, int]:
    draft = getattr(due, "draft", None)
    if draft is None:
        return {}
    return {int(k): v for k, v in draft.answers.items()}


def do_send_late_risk_answers(due: DueMeasure, answers: dict[int, int], *, acting_user):
    """Answers sent to a questionnaire that takes no more (``DueMeasure.takes_answers``)
    are not stored; but when they reach a risk rule, the risk answer reaches the clinic
    all the same: a risk alert (source "late") for the care team and whoever is on call,
    with the questionnaire and the flags, and nothing else of the answers. Returns the
    alert, or None when no rule is reached. Sent again (two tabs, the button pressed
    twice) while that alert is open, the first alert is returned, ``sent_before`` set.

    A patient at risk is never unseen: the window of a questionnaire is the measurement's
    rule, not the risk answer's (decision 0136)."""
    if due.episode.patient.user_id != acting_user.pk:
        raise PermissionDenied
    definition = load_definition(due.instrument)
    try:
        result = score(
            definition,
            answers,
            risk_overrides=clinic_thresholds(due.episode.clinic, definition.code),
        )
    except InstrumentError:
        return None
    if not result.risk_flags:
        return None
    with transaction.atomic():
        replies = signals.late_risk_answer_given.send(
            sender=DueMeasure, due=due, flags=result.risk_flags, acting_user=acting_user
        )
    return next((alert for _receiver, alert in replies if alert is not None), None)


class AlreadySubmitted(Exception):
    def __init__(self, response: Response | None):
        self.response = response


@retried_once
def do_submit_response(
    due: DueMeasure,
    answers: dict[int, int],
    *,
    acting_user,
    submission_key,
    language: str,
    risk_overrides: dict | None = None,
    submitted_at=None,
) -> Response:
    """Score and store a questionnaire once. A second submission of the same form (double
    click, back button, resend) finds the first and changes nothing."""
    existing = Response.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        raise AlreadySubmitted(existing)
    definition = load_definition(due.instrument)
    if risk_overrides is None:
        risk_overrides = clinic_thresholds(due.episode.clinic, definition.code)
    result = score(definition, answers, risk_overrides=risk_overrides).require_complete()
    try:
        with transaction.atomic():
            locked = DueMeasure.objects.select_for_update(no_key=True).get(pk=due.pk)
            if locked.completed_at is not None:
                raise AlreadySubmitted(Response.objects.filter(due=locked).first())
            now = submitted_at or timezone.now()
            response = Response.objects.create(
                episode=due.episode,
                due=locked,
                instrument=definition.code,
                instrument_version=definition.version,
                language=language,
                answers={str(k): v for k, v in sorted(answers.items())},
                total=result.total,
                band=result.band.code if result.band else "",
                result=result.to_dict(),
                risk_flagged=bool(result.risk_flags),
                submitted_at=now,
                submitted_by=acting_user,
                submission_key=submission_key,
            )
            DueMeasure.objects.filter(pk=due.pk).update(completed_at=now)
            ResponseDraft.objects.filter(due=due).delete()
            audit.record(
                "response.submitted",
                actor=acting_user,
                clinic=due.episode.clinic,
                patient=due.episode.patient,
                obj=response,
                purpose="self" if due.episode.patient.user_id == acting_user.pk else "care",
                actor_role=_role(acting_user, due.episode.clinic_id),
                changes={"instrument": definition.code, "version": definition.version},
            )
            if response.risk_flagged:
                transaction.on_commit(
                    lambda: signals.risk_answer_given.send(
                        sender=Response, response=response, flags=result.risk_flags
                    )
                )
    except IntegrityError as exc:  # the same key raced in from another request
        raise AlreadySubmitted(
            Response.objects.filter(submission_key=submission_key).first()
        ) from exc
    return response


@dataclass(frozen=True)
class PastAnswers:
    """A questionnaire answered in the past, for ``do_submit_past_responses``."""

    due: DueMeasure
    answers: dict[int, int]
    submitted_at: dt.datetime
    language: str


@transaction.atomic
def do_submit_past_responses(items: list[PastAnswers], *, acting_user) -> list[Response]:
    """Score and store many questionnaires at once, each exactly as ``do_submit_response``
    would (the same scoring, row, completed due measure and ``response.submitted`` event,
    in the same order), with one insert for the rows and one per audit chain for the
    events. For answers given in the past (the demo's year of history): no patient waits
    on them, so a risk answer is refused here (ValueError) rather than alerted, and a due
    measure already answered is refused too."""
    if not items:
        return []
    thresholds: dict[tuple[int, str], dict] = {}
    rows = []
    for item in items:
        definition = load_definition(item.due.instrument)
        key = (item.due.episode.clinic_id, definition.code)
        if key not in thresholds:
            thresholds[key] = clinic_thresholds(item.due.episode.clinic, definition.code)
        result = score(definition, item.answers, risk_overrides=thresholds[key])
        result = result.require_complete()
        if result.risk_flags:
            raise ValueError(f"{definition.code}: a risk answer needs do_submit_response")
        rows.append(
            Response(
                episode=item.due.episode,
                due=item.due,
                instrument=definition.code,
                instrument_version=definition.version,
                language=item.language,
                answers={str(k): v for k, v in sorted(item.answers.items())},
                total=result.total,
                band=result.band.code if result.band else "",
                result=result.to_dict(),
                risk_flagged=False,
                submitted_at=item.submitted_at,
                submitted_by=acting_user,
                submission_key=uuid.uuid4(),
            )
        )
    due_ids = [item.due.pk for item in items]
    open_dues = DueMeasure.objects.select_for_update(no_key=True).filter(
        pk__in=due_ids, completed_at=None
    )
    if len(set(due_ids)) != len(due_ids) or open_dues.count() != len(due_ids):
        raise ValueError("A due measure is answered already, or twice in the list.")
    created = Response.objects.bulk_create(rows)
    dues = []
    for item in items:
        item.due.completed_at = item.submitted_at
        dues.append(item.due)
    DueMeasure.objects.bulk_update(dues, ["completed_at"])
    ResponseDraft.objects.filter(due_id__in=due_ids).delete()
    by_clinic: dict[int, list[Response]] = {}
    for response in created:
        by_clinic.setdefault(response.episode.clinic_id, []).append(response)
    for clinic_id, responses in by_clinic.items():
        audit.record_many(
            "response.submitted",
            [
                {
                    "clinic": r.episode.clinic,
                    "patient": r.episode.patient,
                    "obj": r,
                    "purpose": "self" if r.episode.patient.user_id == acting_user.pk else "care",
                    "changes": {"instrument": r.instrument, "version": r.instrument_version},
                }
                for r in responses
            ],
            actor=acting_user,
            actor_role=_role(acting_user, clinic_id),
        )
    return created
