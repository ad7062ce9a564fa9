"""Writing the per-episode outcome table (models.EpisodeOutcome) from the records.

``refresh(episode_ids)`` reads each episode's responses, treatment contacts and plan
and writes its row, with the labels the outcome engine gives
(``tessera.outcomes.rules.classify``). ``mark_stale(episode_id)`` queues an episode for
a refresh when the current transaction commits (once per episode, however many saves),
which is how ``receivers.py`` keeps the table up to date. ``rebuild()`` refreshes every
episode, for ``manage.py rebuild_outcomes`` and the test that the table stays correct.

Which scores count (decisions stated in docs/reports.md):

- The course's scores are the responses to questionnaires of the episode that are not
  follow-ups (time points follow_up_3/6/12), in the order they were sent; the first and
  the last of each measure are the engine's ``first`` and ``last``.
- The depression measure is PHQ-9. The anxiety measure is the problem-specific one of
  the programme's problem area where the episode has scores on it, else GAD-7 (✓ the
  default). Which measure goes with which area is the one list the letters use too,
  ``tessera.instruments.scoring.talking_therapies.ANXIETY_BY_PROBLEM`` (Clark et al.
  2018, Table 2, as CLINICAL.md §2 records it ✓). Measures whose thresholds are
  unconfirmed in measures.json are never chosen.
- The uptake area is the postcode area of the patient's postal address (``areas.py``);
  adverse effects are the total of the episode's last NEQ-20 (negative effects reported).
- The therapists' time is the sum of the episode's time entries (workload), kept up to
  date between refreshes by ``receivers.time_recorded_on_episode`` (decision 0039).
- Attended treatment contacts are counted by ``tessera.appointments.contacts`` (the one
  place that rule is written; decision 0010).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from tessera.appointments.contacts import treatment_contacts
from tessera.appointments.models import Appointment
from tessera.core import clinic_dates
from tessera.core.deferred import defer
from tessera.core.models import Episode
from tessera.instruments.scoring.change import substantially_improved
from tessera.instruments.scoring.definitions import normalise_code
from tessera.instruments.scoring.primary import NATIONAL, SWEDISH, swedish_percent
from tessera.instruments.scoring.talking_therapies import ANXIETY_BY_PROBLEM
from tessera.instruments.time_points import TimePoint
from tessera.intake.models import Application
from tessera.outcomes.measures import Entry, load_table
from tessera.outcomes.rules import classify
from tessera.treatment.models import PlanEntry, Response
from tessera.workload.models import TimeEntry

from .areas import postcode_area
from .models import EpisodeOutcome

DEPRESSION = "PHQ-9"
DEFAULT_ANXIETY = "GAD-7"
FOLLOW_UPS = {
    TimePoint.FOLLOW_UP_3: "dep_follow_up_3",
    TimePoint.FOLLOW_UP_6: "dep_follow_up_6",
    TimePoint.FOLLOW_UP_12: "dep_follow_up_12",
}
NEQ = normalise_code("NEQ-20")  # adverse effects: the last NEQ-20 of the episode
BATCH = 200


class _Refresh:
    """The callback that refreshes one episode's row on commit."""

    def __init__(self, episode_id: int) -> None:
        self.episode_id = episode_id

    def __call__(self) -> None:
        refresh([self.episode_id])


def mark_stale(episode_id: int | None) -> None:
    """Refresh the episode's row when the current transaction commits (at once outside
    one). Many saves of one episode in one transaction refresh it once: the pending
    callbacks are the connection's own list, so a rolled-back savepoint takes its
    callback with it and the next save registers a new one. Inside
    ``tessera.core.deferred.deferred()`` (the demo's seeding) the episode is refreshed
    once, when the block ends (decision 0034)."""
    if episode_id is None or defer(_refresh_deferred, episode_id):
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        refresh([episode_id])
        return
    for entry in connection.run_on_commit:
        if isinstance(entry[1], _Refresh) and entry[1].episode_id == episode_id:
            return
    transaction.on_commit(_Refresh(episode_id))


def _refresh_deferred(episode_ids: list[int]) -> None:
    """The episodes made stale in a ``deferred()`` block, in one transaction."""
    with transaction.atomic():
        refresh(episode_ids)


def _entry(code: str) -> Entry | None:
    entry = load_table().get(normalise_code(code))
    if entry is None or entry.status == "unconfirmed":
        return None
    return entry


def _first_last(scores: list[tuple[str, float]], code: str) -> tuple[float | None, float | None]:
    wanted = normalise_code(code)
    totals = [total for instrument, total in scores if normalise_code(instrument) == wanted]
    if not totals:
        return None, None
    return totals[0], (totals[-1] if len(totals) > 1 else None)


def _anxiety_code(problem_area: str, scored: set[str]) -> str:
    """The area's problem-specific measure (the shared list) when the episode has scores
    on it under its code or an alias measures.json gives, else GAD-7. Returns the code
    the responses carry, so that their scores are found."""
    specific = ANXIETY_BY_PROBLEM.get(problem_area)
    entry = _entry(specific.code) if specific else None
    if entry is not None:
        for code in sorted(scored):
            if _entry(code) is entry:
                return code
    return DEFAULT_ANXIETY


def row_for(
    episode: Episode, responses: list, sessions: int, modules: int, source: str, area: str = ""
) -> dict:
    """The row's values for one episode, from what was read for it."""
    course = [(r[0], float(r[1])) for r in responses if r[2] not in FOLLOW_UPS]
    scored = {code for code, _total in course}
    version = episode.programme_version
    problem_area = version.problem_area if version else ""
    anx_code = _anxiety_code(problem_area, scored)
    dep_first, dep_last = _first_last(course, DEPRESSION)
    anx_first, anx_last = _first_last(course, anx_code)
    contacts = treatment_contacts(episode)
    dep, anx = _entry(DEPRESSION), _entry(anx_code)
    result = classify(dep, dep_first, dep_last, anx, anx_first, anx_last, contacts)
    rule_values = _rule_values(episode, course, contacts)
    follow_ups = dict.fromkeys(FOLLOW_UPS.values())
    for code, total, point in responses:
        if point in FOLLOW_UPS and normalise_code(code) == normalise_code(DEPRESSION):
            follow_ups[FOLLOW_UPS[point]] = float(total)
    neq = [total for code, total, _point in responses if normalise_code(code) == NEQ]
    weeks = None
    if episode.started_on and episode.ended_on:
        weeks = max(0, (episode.ended_on - episode.started_on).days // 7)
    return {
        "clinic_id": episode.clinic_id,
        "therapist_id": episode.therapist_id,
        "status": episode.status,
        "care_model": episode.care_model,
        "programme_key": version.programme.key if version else "",
        "problem_area": problem_area,
        "referral_source": source,
        "area": area,
        "opened_on": _opened_on(episode),
        "started_on": episode.started_on,
        "ended_on": episode.ended_on,
        "end_reason": episode.end_reason,
        "weeks_in_treatment": weeks,
        "dep_instrument": DEPRESSION if dep_first is not None else "",
        "dep_first": dep_first,
        "dep_last": dep_last,
        "anx_instrument": anx_code if anx_first is not None else "",
        "anx_first": anx_first,
        "anx_last": anx_last,
        "attended_contacts": contacts,
        "sessions_attended": sessions,
        "modules_completed": modules,
        **follow_ups,
        "neq_effects": int(neq[-1]) if neq else None,
        "finished": result.finished,
        "caseness_start": result.caseness_start,
        "recovered": result.recovered,
        "reliable_improvement": result.reliable_improvement,
        "reliable_deterioration": result.reliable_deterioration,
        "reliable_recovery": result.reliable_recovery,
        **rule_values,
    }


def _opened_on(episode) -> dt.date:
    """The day the course came into the service's care: the clinic's date of its
    opening, or its start where it began before it was entered (a course brought over
    from an earlier system, the demo's history). A period's per-episode table reads
    "opened on or before the period's end": a course entered today but begun in the
    spring was left out of every past period (decision 0107)."""
    opened = clinic_dates.zone_date(_clinic_zone(episode), episode.created_at)
    if episode.started_on is not None and episode.started_on < opened:
        return episode.started_on
    return opened


def _clinic_zone(episode: Episode) -> str:
    zone = getattr(episode, "clinic_time_zone", None)
    return zone if zone is not None else episode.clinic.time_zone


def _clinic_rule(episode: Episode) -> str:
    chosen = getattr(episode, "clinic_outcome_rule", None)
    if chosen is None:
        chosen = episode.clinic.outcome_rule
    return chosen or NATIONAL


def _rule_values(episode: Episode, course: list, contacts: int) -> dict:
    """The clinic's rule as it applies to this course, and the Swedish label.

    As the end letters read it (letters/outcome.py, decision 0025): the Swedish rule
    applies where it names a threshold for the programme's primary measure (40 %/30 %,
    primary.SWEDISH_PERCENT, CLINICAL.md §2 ✓ for the percentages); then a course is
    finished with >= 2 attended treatment contacts and a first and last primary score
    (CLINICAL.md §2 ✓). The national labels are kept beside it, so that national and
    regional figures and the register export count every course whatever rule its clinic
    chose. Where the Swedish rule names no threshold the national rules alone read the
    course, and ``rule_fell_back`` records that the clinic chose Swedish.
    """
    version = episode.programme_version
    primary = version.primary_measure_code if version else ""
    first, last = _first_last(course, primary) if primary else (None, None)
    chosen = _clinic_rule(episode)
    percent = swedish_percent(primary) if primary else None
    values = {
        "outcome_rule": NATIONAL,
        "rule_fell_back": chosen == SWEDISH,
        "primary_instrument": primary if first is not None else "",
        "primary_first": first,
        "primary_last": last,
        "substantially_improved": None,
    }
    if chosen != SWEDISH or percent is None:
        return values
    finished = contacts >= 2 and first is not None and last is not None
    values.update(
        outcome_rule=SWEDISH,
        rule_fell_back=False,
        substantially_improved=(
            substantially_improved(first, last, threshold_percent=percent) if finished else None
        ),
    )
    return values


def refresh(episode_ids: Iterable[int]) -> int:
    """Write the rows of these episodes (an episode that no longer exists is skipped).
    Returns how many rows were written."""
    ids = list(episode_ids)
    written = 0
    for start in range(0, len(ids), BATCH):
        written += _refresh_batch(ids[start : start + BATCH])
    return written


def _refresh_batch(ids: list[int]) -> int:
    episodes = list(
        Episode.objects.filter(pk__in=ids)
        .select_related("programme_version__programme")
        .annotate(
            address=F("patient__address"),
            country=F("clinic__country"),
            clinic_outcome_rule=F("clinic__outcome_rule"),
            clinic_time_zone=F("clinic__time_zone"),
        )
    )
    responses: dict[int, list] = {pk: [] for pk in ids}
    for episode_id, code, total, point in (
        Response.objects.filter(episode_id__in=ids, total__isnull=False)
        .order_by("submitted_at", "id")
        .values_list("episode_id", "instrument", "total", "due__time_point")
    ):
        responses[episode_id].append((code, total, point))
    sessions: dict[int, int] = dict.fromkeys(ids, 0)
    for episode_id in Appointment.objects.filter(
        episode_id__in=ids, status=Appointment.Status.ATTENDED
    ).values_list("episode_id", flat=True):
        sessions[episode_id] += 1
    modules: dict[int, int] = dict.fromkeys(ids, 0)
    for episode_id in PlanEntry.objects.filter(
        episode_id__in=ids, completed_at__isnull=False, removed_at__isnull=True
    ).values_list("episode_id", flat=True):
        modules[episode_id] += 1
    sources = dict(
        Application.objects.filter(episode_id__in=ids)
        .exclude(status="duplicate")
        .values_list("episode_id", "source")
    )
    flagged = set(
        Response.objects.filter(episode_id__in=ids, risk_flagged=True).values_list(
            "episode_id", flat=True
        )
    )
    seconds = dict(
        TimeEntry.objects.filter(episode_id__in=ids)
        .values_list("episode_id")
        .annotate(s=Sum("seconds"))
        .values_list("episode_id", "s")
    )
    now = timezone.now()
    for episode in episodes:
        pk = episode.pk
        area = postcode_area(episode.address, episode.country)
        values = row_for(
            episode, responses[pk], sessions[pk], modules[pk], sources.get(pk, ""), area
        )
        values["risk_flagged"] = pk in flagged
        values["therapist_seconds"] = seconds.get(pk) or 0
        EpisodeOutcome.objects.update_or_create(
            episode_id=episode.pk, defaults={**values, "refreshed_at": now}
        )
    return len(episodes)


def rebuild() -> int:
    """Every episode's row from scratch; rows of episodes that are gone are removed.

    The episodes' ids are streamed and written ``BATCH`` at a time, and the rows of
    episodes that are gone found by a subquery (decision 0147): every id of the country
    was held in one list and sent back as one ``NOT IN`` list of parameters, which
    SQLite refuses past 32,766 and PostgreSQL parses as a statement of megabytes."""
    with transaction.atomic():
        EpisodeOutcome.objects.exclude(episode_id__in=Episode.objects.values("pk")).delete()
        written = 0
        batch: list[int] = []
        for pk in (
            Episode.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=BATCH)
        ):
            batch.append(pk)
            if len(batch) == BATCH:
                written += _refresh_batch(batch)
                batch = []
        return written + (_refresh_batch(batch) if batch else 0)
