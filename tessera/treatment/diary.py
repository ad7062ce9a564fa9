"""Homework registered during the week (reads only; writes are in diary_actions.py).

A week is Monday to Sunday where the clinic is (its time zone), so "this week's
entries" means the same on the patient's phone, on the therapist's screen and in tests.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from dataclasses import dataclass

from django.db.models import F, FilteredRelation, Func, IntegerField, OuterRef, Q

from tessera.core import access, prepared
from tessera.core.prepared import Prepared
from tessera.programs.models import Step

from . import ending, plans, worksheets
from .models import DiaryEntry, DueMeasure, PlanEntry

HOMEWORK = "homework"
DAYS_BACK = 6  # an entry may be for today or one of the six days before
WEEK_SHOWN = 60  # the newest entries shown to the patient beside the form


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def allowed_dates(today: dt.date) -> list[dt.date]:
    """The days an entry may be registered for, newest first."""
    return [today - dt.timedelta(days=n) for n in range(DAYS_BACK + 1)]


@dataclass(frozen=True)
class HomeworkItem:
    entry: object
    step: object
    this_week: int


# The plan and the panel in one read, compiled once per process (``core.prepared``):
# the patient home shows both on every request (issue 16). The episode's current plan
# entries with their module versions, as ``plans.episode_states`` reads them, each
# once for each of its module's homework steps (once when it has none), with the
# entries registered for that step this week counted by the database; of the step,
# only what the panel shows: not its text, transcript or fields (JSON).
_STEP_COLUMNS = ["id", "module_version_id", "position", "title"]
_STEP = "homework_step"
# Of the entry, the states and the page ask when it opens and whether it is done; of its
# module version, the title in its language. Not read: which steps were seen (JSON,
# decoded for each entry), the other dates, the summary (decision 0076).
_ENTRY_NOT_SHOWN = ("seen_steps", "started_at", "answered_at", "removed_at")
_VERSION_NOT_SHOWN = (
    "summary",
    "created_at",
    "published_at",
    "created_by",
    "published_by",
    "estimated_minutes",
)
_STEP_KEYS = tuple(f"{_STEP}_{name}" for name in _STEP_COLUMNS)
_PLAN_AND_HOMEWORK = Prepared(
    lambda episode_id, first, last: (
        PlanEntry.objects.filter(episode_id=episode_id)
        .current()
        .select_related("module_version")
        .defer(*_ENTRY_NOT_SHOWN, *(f"module_version__{n}" for n in _VERSION_NOT_SHOWN))
        .annotate(
            homework=FilteredRelation(
                "module_version__steps", condition=Q(module_version__steps__kind=HOMEWORK)
            )
        )
        .annotate(
            **{f"{_STEP}_{name}": F(f"homework__{name}") for name in _STEP_COLUMNS},
            homework_this_week=DiaryEntry.objects.filter(
                entry_id=OuterRef("pk"), step_id=OuterRef("homework__id")
            )
            .between(first, last)
            .order_by()
            .annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
            .values("n"),
        )
        .order_by("position", "id", "homework__position", "homework__id")
    )
)


def states_and_week_panel(episode, today=None) -> tuple[list, list[HomeworkItem]]:
    """``plans.episode_states(episode)`` and ``week_panel(episode)``, in one query.
    ``today``: the episode's clinic's (``plans.clinic_today``), when the caller has it."""
    today = today or plans.clinic_today(episode.clinic)
    monday, sunday = week_of(today)
    entries: list[PlanEntry] = []
    steps: dict[int, list[tuple[Step, int]]] = {}
    make_step = functools.partial(prepared.from_db, Step, _PLAN_AND_HOMEWORK.using, _STEP_COLUMNS)
    for row in _PLAN_AND_HOMEWORK(episode.pk, monday, sunday):
        # The step's columns are not the entry's: taken off it.
        taken = row.__dict__.pop
        values = [taken(key) for key in _STEP_KEYS]
        this_week = taken("homework_this_week")
        pk = row.pk
        if not entries or entries[-1].pk != pk:
            entries.append(row)
        if values[0] is not None:
            # As ``.only(*_STEP_COLUMNS)`` gives a step: the other fields deferred.
            steps.setdefault(pk, []).append((make_step(values), this_week))
    states = plans.states_of(episode, entries, today=today)
    return states, [
        HomeworkItem(s.entry, step, this_week)
        for s in states
        if s.is_open
        for step, this_week in steps.get(s.entry.pk, ())
    ]


def week_panel(episode) -> list[HomeworkItem]:
    """The homework steps of the patient's open modules (a finished module's diary often
    goes on, as in behavioural activation) with how many entries each has this week:
    one query whatever the size of the plan."""
    if episode is None:
        return []
    return states_and_week_panel(episode)[1]


def diary_context(entry, step, *, today, values=None, errors=None, key=None, for_date=None):
    """What the diary form needs (also used by the module reader for a homework step)."""
    monday, sunday = week_of(today)
    recent = list(  # this week's, and any day an entry may still be registered for
        DiaryEntry.objects.filter(entry=entry, step=step)
        .between(min(monday, today - dt.timedelta(days=DAYS_BACK)), sunday)
        .order_by("-for_date", "-created_at")[:WEEK_SHOWN]
    )
    week = [item for item in recent if monday <= item.for_date <= sunday]
    return {
        "diary_fields": worksheets.field_views(
            form_specs(step.fields),
            for_the_form(step.fields, values or {}),
            blank_rows=1,
            errors=errors or {},
        ),
        "diary_errors": errors or {},
        "diary_key": key or uuid.uuid4(),
        "diary_date": for_date or today,
        "diary_dates": allowed_dates(today),
        "diary_week": [(item, access.may_correct_diary_entry(item, today)) for item in week],
        "diary_saved_keys": " ".join(str(item.submission_key) for item in recent),
        "diary_today": today,
        "diary_may_write": ending.patient_may_write(entry.episode, today),
    }


def before_module_due(episode, entry):
    """The open "before each module" questionnaires of a module (for the reader)."""
    return list(
        DueMeasure.objects.filter(
            episode=episode, time_point="before_module", sequence=entry.pk
        ).open_now()
    )


# --- The day is asked once (issue 14) --------------------------------------------------
# A diary entry is for one day, chosen above the fields ("For which day"). A homework
# step's own date field or column would ask for the day a second time: in the diary
# form a date is left out, and a date-and-time becomes a time. On registering, the
# entry's day is put back into them, so what is stored has the shape the step defines.


def _for_form(spec: dict) -> dict | None:
    kind = spec.get("type", "text")
    if kind == "date":
        return None
    if kind == "datetime":
        return {**spec, "type": "time"}
    if kind == "table":
        columns = [c for c in (_for_form(col) for col in spec.get("columns", [])) if c]
        return {**spec, "columns": columns}
    return spec


def form_specs(specs: list[dict]) -> list[dict]:
    """The step's fields as the diary form shows them: no date, a time for a datetime."""
    return [s for s in (_for_form(spec) for spec in specs) if s]


def _with_day(spec: dict, value, day: dt.date):
    kind = spec.get("type", "text")
    if kind == "date":
        return day.isoformat()
    if kind == "datetime":
        return f"{day.isoformat()}T{value}" if value else ""
    return value


def with_the_day(specs: list[dict], values: dict, day: dt.date) -> dict:
    """What the form sent, with the entry's day put into its date and datetime fields
    and columns (a table row gets them only when something was written in it)."""
    out = dict(values)
    for spec in specs:
        key = spec["key"]
        if spec.get("type") == "table":
            columns = spec.get("columns", [])
            out[key] = [
                {col["key"]: _with_day(col, row.get(col["key"], ""), day) for col in columns}
                for row in values.get(key) or []
            ]
        elif spec.get("type") in ("date", "datetime"):
            out[key] = _with_day(spec, values.get(key, ""), day)
    return out


def _without_day(spec: dict, value):
    if spec.get("type") == "datetime" and isinstance(value, str) and "T" in value:
        return value.split("T", 1)[1][:5]
    return value


def for_the_form(specs: list[dict], values: dict) -> dict:
    """A stored entry's values as the diary form shows them (a datetime as its time)."""
    out = dict(values)
    for spec in specs:
        key = spec["key"]
        if spec.get("type") == "table":
            out[key] = [
                {
                    col["key"]: _without_day(col, row.get(col["key"], ""))
                    for col in spec.get("columns", [])
                }
                for row in values.get(key) or []
                if isinstance(row, dict)
            ]
        else:
            out[key] = _without_day(spec, values.get(key, ""))
    return out


def read_entry(specs: list[dict], data, day: dt.date) -> dict:
    """A diary form's values, read as the form showed them, with the day put back."""
    return with_the_day(specs, worksheets.read_values(form_specs(specs), data), day)
