"""The de-identified export of one study, for analysis: a zip of CSV files, a codebook
(CSV and JSON) and the allocation log.

- Participants appear by their study pseudonym only: never a name, identity number,
  patient or episode id. Sites are numbered within the study (``site_1``).
- Dates are whole days since the participant's randomisation (negative before it);
  in the allocation log, days since the study's first allocation.
- Scores per item and totals per research measure, long (one row per value) and wide
  (one row per participant).
- Routine measures too: every questionnaire the participant's episode answered in
  ordinary care (not a research measure), long, with its time point and its number
  within that time point (``routine_long.csv``).
- Per participant: the arm, adherence (modules completed of those in the plan) and
  therapist time (minutes recorded on the episode).
- Withdrawn participants as they chose: "stop new research data" keeps what was
  answered before the withdrawal; "remove from exports" leaves them out entirely (their
  allocation stays in the log without a pseudonym, so the sequence can be checked).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
import zoneinfo
from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.utils import timezone

from tessera.treatment.models import PlanEntry, Response
from tessera.workload.models import TimeEntry

from .models import Participant, ResearchMeasure, Study

PARTICIPANT_COLUMNS = [
    (
        "pseudonym",
        "string",
        "The participant's key in this study (random; not derived from identity)",
    ),
    ("site", "string", "Study site, numbered within the study"),
    ("stratum", "string", "Randomisation stratum (site and baseline severity)"),
    ("arm", "string", "Allocated arm (code)"),
    ("consent_day", "integer", "Day of research consent, relative to randomisation"),
    ("treatment_started_day", "integer", "Day treatment started (empty: not started)"),
    ("modules_planned", "integer", "Modules in the plan (not taken out)"),
    ("modules_completed", "integer", "Modules completed"),
    ("adherence", "number", "modules_completed / modules_planned (empty when none planned)"),
    ("therapist_minutes", "integer", "Staff time recorded on the episode, minutes"),
    ("withdrawn", "boolean", "Withdrew from the study (true/false)"),
    ("withdrawn_day", "integer", "Day of withdrawal"),
    ("discontinuation", "string", "lost_to_follow_up or discontinued (empty: neither)"),
    ("discontinued_day", "integer", "Day recorded as lost or discontinued"),
]
LONG_COLUMNS = [
    ("pseudonym", "string", "Participant"),
    ("arm", "string", "Allocated arm (code)"),
    ("instrument", "string", "Questionnaire"),
    ("time_point", "string", "Time point of the research measure"),
    ("day", "integer", "Day answered, relative to randomisation"),
    ("item", "string", "Item number, or 'total'"),
    ("value", "integer", "Answer (item) or total score"),
]
ROUTINE_COLUMNS = [
    ("pseudonym", "string", "Participant"),
    ("arm", "string", "Allocated arm (code)"),
    ("instrument", "string", "Questionnaire (routine care measure)"),
    ("time_point", "string", "Time point in routine care (pre, weekly, post, ...)"),
    ("occasion", "integer", "Number of the answer within its time point (weekly: week)"),
    ("day", "integer", "Day answered, relative to randomisation"),
    ("item", "string", "Item number, or 'total'"),
    ("value", "integer", "Answer (item) or total score"),
]
LOG_COLUMNS = [
    ("order", "integer", "Order of allocation in the study"),
    ("pseudonym", "string", "Participant (empty: removed from exports at their request)"),
    ("stratum", "string", "Stratum"),
    ("position", "integer", "Place in the stratum's sequence"),
    ("block", "integer", "Block number within the stratum"),
    ("block_size", "integer", "Size of that block"),
    ("arm", "string", "Allocated arm (code)"),
    ("study_day", "integer", "Day of allocation since the study's first allocation"),
]


def _days(moment, zero, zone=None) -> int | str:
    """Whole days from ``zero`` (a time) to ``moment`` (a time or a date), counted on the
    calendar of ``zone`` (the participant's clinic's, decision 0116: a course's start is
    a date there, and a Scottish randomisation at 23:30 is the next day in Stockholm)."""
    if moment is None or zero is None:
        return ""
    if hasattr(moment, "date") and callable(moment.date):
        moment = timezone.localtime(moment, zone).date()
    return (moment - timezone.localtime(zero, zone).date()).days


def _csv(rows: list[list], header: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _sites(study: Study) -> tuple[dict[int, str], dict[int, zoneinfo.ZoneInfo]]:
    """The study's clinics' site codes and time zones, by id (one read)."""
    clinics = list(study.clinics.order_by("pk").values_list("pk", "time_zone"))
    sites = {pk: f"site_{n}" for n, (pk, _zone) in enumerate(clinics, start=1)}
    return sites, {pk: zoneinfo.ZoneInfo(zone) for pk, zone in clinics}


def _stratum(text: str, sites: dict[int, str]) -> str:
    parts = []
    for part in text.split("|"):
        name, _eq, value = part.partition("=")
        parts.append(f"site={sites.get(int(value), 'other')}" if name == "site" else part)
    return "|".join(parts)


def build(study: Study) -> tuple[bytes, dict]:
    """The zip's bytes and a summary (counts) for the audit row."""
    sites, zones = _sites(study)
    randomised = list(
        Participant.objects.filter(study=study, randomised_at__isnull=False)
        .select_related("arm", "episode", "slot")
        .order_by("randomised_at", "pk")
    )
    removed = {
        p.pk for p in randomised if p.withdrawal == Participant.Withdrawal.REMOVE_FROM_EXPORTS
    }
    kept = [p for p in randomised if p.pk not in removed]
    # Each participant's days on their clinic's calendar (a clinic no longer in the
    # study: the active zone, as before).
    for p in randomised:
        p.zone = zones.get(p.episode.clinic_id)
    episodes = [p.episode_id for p in kept]
    plans = {
        row["episode"]: row
        for row in PlanEntry.objects.filter(episode__in=episodes, removed_at__isnull=True)
        .values("episode")
        .annotate(planned=Count("pk"), done=Count("pk", filter=Q(completed_at__isnull=False)))
    }
    minutes = dict(
        TimeEntry.objects.filter(episode__in=episodes)
        .values("episode")
        .annotate(s=Sum("seconds"))
        .values_list("episode", "s")
    )
    participants = []
    for p in kept:
        plan = plans.get(p.episode_id, {"planned": 0, "done": 0})
        adherence = round(plan["done"] / plan["planned"], 3) if plan["planned"] else ""
        zero = p.randomised_at
        participants.append(
            [
                p.pseudonym,
                sites.get(p.episode.clinic_id, "other"),
                _stratum(p.stratum, sites),
                p.arm.code,
                _days(p.consented_at, zero, p.zone),
                _days(p.episode.started_on, zero, p.zone),
                plan["planned"],
                plan["done"],
                adherence,
                round((minutes.get(p.episode_id) or 0) / 60),
                "true" if p.withdrawn_at else "false",
                _days(p.withdrawn_at, zero, p.zone),
                p.discontinuation,
                _days(p.discontinued_at, zero, p.zone),
            ]
        )
    long_rows, wide = _scores(kept)
    routine_rows = _routine(kept)
    wide_columns = sorted({key for values in wide.values() for key in values})
    wide_rows = [
        [p.pseudonym, p.arm.code] + [wide[p.pk].get(c, "") for c in wide_columns] for p in kept
    ]
    first = randomised[0].randomised_at if randomised else None
    log = [
        [
            n,
            "" if p.pk in removed else p.pseudonym,
            _stratum(p.stratum, sites),
            p.slot.position,
            p.slot.block,
            p.slot.block_size,
            p.arm.code,
            _days(p.randomised_at, first, p.zone),
        ]
        for n, p in enumerate(randomised, start=1)
    ]
    codebook = _codebook(wide_columns)
    summary = {
        "participants": len(kept),
        "withdrawn": sum(1 for p in kept if p.withdrawn_at),
        "removed_on_request": len(removed),
    }
    about = {
        "study": study.key,
        "title": study.title,
        "registry_id": study.registry_id,
        "ethics_approval_id": study.ethics_approval_id,
        "randomisation": {
            "seed": study.seed,
            "method": study.method,
            "block_multipliers": study.block_multipliers,
        },
        "arms": [
            {"code": a.code, "label": a.label, "care_model": a.care_model, "guidance": a.guidance}
            for a in study.arms.order_by("code")
        ],
        "exported_on": timezone.localdate().isoformat(),
        **summary,
        "note": (
            f"{len(removed)} participant(s) asked to be removed from exports and are left "
            "out; withdrawn participants who chose to stop new research data are included "
            "with what they answered before withdrawing."
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "participants.csv", _csv(participants, [c[0] for c in PARTICIPANT_COLUMNS])
        )
        archive.writestr("scores_long.csv", _csv(long_rows, [c[0] for c in LONG_COLUMNS]))
        archive.writestr("scores_wide.csv", _csv(wide_rows, ["pseudonym", "arm", *wide_columns]))
        archive.writestr("routine_long.csv", _csv(routine_rows, [c[0] for c in ROUTINE_COLUMNS]))
        archive.writestr("allocation_log.csv", _csv(log, [c[0] for c in LOG_COLUMNS]))
        archive.writestr(
            "codebook.csv",
            _csv(
                [[r["file"], r["variable"], r["type"], r["description"]] for r in codebook],
                ["file", "variable", "type", "description"],
            ),
        )
        archive.writestr("codebook.json", json.dumps(codebook, indent=2, ensure_ascii=False))
        archive.writestr("study.json", json.dumps(about, indent=2, ensure_ascii=False))
    return buffer.getvalue(), summary


def _scores(kept: list[Participant]):
    """Long rows and {participant pk: {wide column: value}} for the research measures
    answered (before withdrawal, for those who withdrew)."""
    by_pk = {p.pk: p for p in kept}
    measures = (
        ResearchMeasure.objects.filter(participant__in=kept, due__response__isnull=False)
        .select_related("measure", "due__response")
        .order_by("participant", "measure__days_after_randomisation", "measure__instrument")
    )
    long_rows, wide = [], defaultdict(dict)
    for rm in measures:
        p = by_pk[rm.participant_id]
        response = rm.due.response
        if p.withdrawn_at and response.submitted_at > p.withdrawn_at:
            continue
        day = _days(response.submitted_at, p.randomised_at, p.zone)
        instrument, point = rm.measure.instrument, rm.measure.time_point
        prefix = f"{instrument.lower().replace('-', '')}_{point}"
        for item, value in sorted(response.answers.items(), key=lambda kv: int(kv[0])):
            long_rows.append([p.pseudonym, p.arm.code, instrument, point, day, item, value])
            wide[p.pk][f"{prefix}_i{int(item):02d}"] = value
        if response.total is not None:
            long_rows.append(
                [p.pseudonym, p.arm.code, instrument, point, day, "total", response.total]
            )
            wide[p.pk][f"{prefix}_total"] = response.total
        wide[p.pk][f"{prefix}_day"] = day
    for p in kept:
        wide.setdefault(p.pk, {})
    return long_rows, wide


def _routine(kept: list[Participant]) -> list[list]:
    """Long rows of the routine-care questionnaires on the participants' episodes (not
    the research measures; before withdrawal, for those who withdrew)."""
    by_episode = {p.episode_id: p for p in kept}
    research = ResearchMeasure.objects.filter(participant__in=kept).values("due_id")
    responses = (
        Response.objects.filter(episode__in=list(by_episode))
        .exclude(due__in=research)
        .select_related("due")
        .order_by("episode", "submitted_at", "pk")
    )
    rows = []
    for response in responses:
        p = by_episode[response.episode_id]
        if p.withdrawn_at and response.submitted_at > p.withdrawn_at:
            continue
        due = response.due
        head = [
            p.pseudonym,
            p.arm.code,
            response.instrument,
            due.time_point if due else "",
            due.sequence if due else "",
            _days(response.submitted_at, p.randomised_at, p.zone),
        ]
        for item, value in sorted(response.answers.items(), key=lambda kv: int(kv[0])):
            rows.append([*head, item, value])
        if response.total is not None:
            rows.append([*head, "total", response.total])
    return rows


def _codebook(wide_columns: list[str]) -> list[dict]:
    book = []
    for file, columns in [
        ("participants.csv", PARTICIPANT_COLUMNS),
        ("scores_long.csv", LONG_COLUMNS),
        ("routine_long.csv", ROUTINE_COLUMNS),
        ("allocation_log.csv", LOG_COLUMNS),
    ]:
        book += [{"file": file, "variable": v, "type": t, "description": d} for v, t, d in columns]
    book += [
        {
            "file": "scores_wide.csv",
            "variable": "pseudonym",
            "type": "string",
            "description": "Participant",
        },
        {
            "file": "scores_wide.csv",
            "variable": "arm",
            "type": "string",
            "description": "Allocated arm (code)",
        },
    ]
    for column in wide_columns:
        measure, _sep, what = column.rpartition("_")
        if what == "day":
            text = f"Day {measure} was answered, relative to randomisation"
        elif what == "total":
            text = f"Total score, {measure}"
        else:
            text = f"Item {what[1:]}, {measure}"
        book.append(
            {"file": "scores_wide.csv", "variable": column, "type": "integer", "description": text}
        )
    return book
