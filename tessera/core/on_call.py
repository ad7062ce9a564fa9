"""Who is on call for risk alerts, when, and whether an alert would reach a person at
every hour of the week (issue 12, point 1; docs/safety.md).

The rota (``OnCallShift``) lists weekly stretches in the clinic's own time zone. When a
risk alert opens, the responsible therapist (if any) and whoever is on the rota at that
moment are told at once; when that is nobody, the clinic managers are told at once (the
last fallback). Someone counts on the rota only while their login is active and they
still hold a role at the clinic marked on call: that mark is what lets them open a patient
with an open alert (``tessera.safety.on_call``), so someone on the rota without it would
be told of an alert they cannot open, and nobody else would be told.

``problems(clinic)`` is the configuration check, shown on the clinic settings page and
run by ``manage.py check --deploy`` (``tessera.core.checks.on_call_cover``):

- error: at some hour of the week an alert in care without a therapist would reach
  nobody (no one on the rota then, and no active clinic manager as fallback);
- error: the clinic offers unguided care, where no therapist reads the answers, and its
  working hours are not fully covered by the rota (CLINICAL.md §3: every unit must have
  a routine for a priority flag that all its staff can see);
- warning: the clinic has no rota at all, so while a therapist is away alerts reach
  only the managers;
- warning: someone on the rota has no mobile number, so they get e-mail only;
- warning: the clinic has no active manager (the rota covers every hour): an alert not
  acknowledged in time is passed on to the rota alone (decision 0142).

``leave_problems(clinic)``, shown beside them on the rota and clinic pages: a warning
ahead of the days when everyone at the clinic is on leave (decision 0155).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db.models import F
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import access
from .clinic_dates import clinic_today, zone_date
from .models import Clinic, ClinicRole, OnCallShift, StaffLeave, User
from .models.organisation import WEEKDAY_CHOICES

ERROR = "error"
WARNING = "warning"
WEEK = [(day, hour) for day in range(1, 8) for hour in range(24)]


@dataclass(frozen=True)
class Problem:
    level: str
    code: str
    message: str


def current_shifts(clinic: Clinic) -> list[OnCallShift]:
    """The clinic's rota, counting only people still active and working there with a
    role marked on call (one query). The on-call roles are the clinic's range of roles,
    read once: asked per shift's user (``EXISTS`` on the user), the planner descended
    the country's index of roles by user once per shift (a risk alert's page: 6 pages at
    1,000 patients, 21 at 100,000; issue 16)."""
    # ``+ 0``: no index of roles by user matches it, so they are the clinic's range.
    on_call = (
        ClinicRole.objects.filter(clinic=clinic, on_call=True)
        .annotate(person=F("user_id") + 0)
        .values("person")
    )
    return list(
        OnCallShift.objects.filter(
            clinic=clinic, user__is_active=True, user_id__in=on_call
        ).select_related("user")
    )


def cover(shifts) -> dict[tuple[int, int], list[User]]:
    """For each (ISO weekday, hour) of the week, who is on call then."""
    grid: dict[tuple[int, int], list[User]] = {slot: [] for slot in WEEK}
    for shift in shifts:
        for hour in range(shift.starts_hour, shift.ends_hour):
            people = grid[(shift.weekday, hour)]
            if shift.user not in people:
                people.append(shift.user)
    return grid


def slot_at(clinic: Clinic, at: dt.datetime) -> tuple[int, int]:
    local = at.astimezone(zoneinfo.ZoneInfo(clinic.time_zone))
    return local.isoweekday(), local.hour


def on_duty(clinic: Clinic, at: dt.datetime) -> list[User]:
    """Who is on the rota at this moment (one query)."""
    day, hour = slot_at(clinic, at)
    return [
        shift.user
        for shift in current_shifts(clinic)
        if shift.weekday == day and shift.starts_hour <= hour < shift.ends_hour
    ]


def managers(clinic: Clinic) -> list[User]:
    """The clinic's active managers: the last fallback for every alert (one query)."""
    roles = access.alert_recipient_roles(clinic.pk, 2).select_related("user")
    return sorted({r.user for r in roles}, key=lambda u: u.pk)


def away_at(clinic: Clinic, at: dt.datetime) -> set[int]:
    """The ids of who is on leave at the clinic on ``at``'s day in its own calendar (one
    query)."""
    day = zone_date(clinic.time_zone, at)
    return set(StaffLeave.objects.filter(clinic=clinic).on(day).values_list("user_id", flat=True))


def at_work_first(people, away: set[int]) -> list[User]:
    """Those of ``people`` not on leave (``away``: ids); all of them, away or not, when
    every one is: those at work are told, the others only as the last fallback, not
    nobody (decision 0160)."""
    people = list(people)
    return [user for user in people if user.pk not in away] or people


def working_hours(clinic: Clinic) -> set[tuple[int, int]]:
    """The hours of the week the clinic is open (an hour counts if it is open in it)."""
    days = {int(d) for d in clinic.working_days}
    opens, closes = clinic.opens_at, clinic.closes_at
    last = closes.hour if (closes.minute or closes.second) else closes.hour - 1
    return {(day, hour) for day in days for hour in range(opens.hour, last + 1)}


def describe(slots) -> str:
    """'Monday 00–08, Saturday 00–24' for a set of (weekday, hour) slots."""
    names = dict(WEEKDAY_CHOICES)
    parts = []
    for day in range(1, 8):
        hours = sorted(hour for d, hour in slots if d == day)
        start = None
        for i, hour in enumerate(hours):
            if start is None:
                start = hour
            if i + 1 == len(hours) or hours[i + 1] != hour + 1:
                parts.append(f"{names[day]} {start:02d}–{hour + 1:02d}")
                start = None
    return ", ".join(parts)


def problems(clinic: Clinic) -> list[Problem]:
    """What is wrong with the clinic's on-call cover (two queries)."""
    return _problems(clinic, current_shifts(clinic), bool(managers(clinic)))


def errors_of(clinics) -> dict[int, list[Problem]]:
    """For each of these clinics, the errors of ``problems`` (the hours an alert would
    reach nobody, an unguided clinic's working hours without anyone on call), as the
    clinics' list shows them: three queries for a page of clinics, not two each."""
    ids = [clinic.pk for clinic in clinics]
    if not ids:
        return {}
    marked = set(
        ClinicRole.objects.filter(clinic_id__in=ids, on_call=True).values_list(
            "clinic_id", "user_id"
        )
    )
    shifts: dict[int, list[OnCallShift]] = {pk: [] for pk in ids}
    for shift in OnCallShift.objects.filter(clinic_id__in=ids, user__is_active=True).select_related(
        "user"
    ):
        if (shift.clinic_id, shift.user_id) in marked:
            shifts[shift.clinic_id].append(shift)
    people = access.alert_people(ids)
    return {
        clinic.pk: [
            problem
            for problem in _problems(clinic, shifts[clinic.pk], bool(people[clinic.pk]["managers"]))
            if problem.level == ERROR
        ]
        for clinic in clinics
    }


def _problems(clinic: Clinic, shifts: list[OnCallShift], has_manager: bool) -> list[Problem]:
    """``problems`` from the clinic's rota (``current_shifts``) and whether it has an
    active manager, read already."""
    grid = cover(shifts)
    uncovered = {slot for slot, people in grid.items() if not people}
    found = []
    if uncovered and not has_manager:
        found.append(
            Problem(
                ERROR,
                "nobody",
                _(
                    "A risk alert would reach nobody at these hours: %(hours)s. Put someone "
                    "on the on-call rota then, or give the clinic an active manager (the "
                    "last fallback)."
                )
                % {"hours": describe(uncovered)},
            )
        )
    if clinic.offers_unguided:
        open_gaps = working_hours(clinic) & uncovered
        if open_gaps:
            found.append(
                Problem(
                    ERROR,
                    "unguided_uncovered",
                    _(
                        "The clinic offers unguided care, where no therapist reads the "
                        "answers, but nobody is on call during these working hours: "
                        "%(hours)s."
                    )
                    % {"hours": describe(open_gaps)},
                )
            )
    if not has_manager and not uncovered:
        found.append(
            Problem(
                WARNING,
                "no_manager",
                _(
                    "The clinic has no active clinic manager: a risk alert nobody "
                    "acknowledges in time is passed on only to whoever is on call then."
                ),
            )
        )
    if not shifts:
        found.append(
            Problem(
                WARNING,
                "no_rota",
                _(
                    "The clinic has no on-call rota: when a therapist is away, risk alerts "
                    "reach the clinic managers only."
                ),
            )
        )
    no_phone = sorted({str(s.user) for s in shifts if not s.user.mobile_phone.strip()})
    if no_phone:
        found.append(
            Problem(
                WARNING,
                "no_mobile",
                _(
                    "No mobile number for %(names)s: they are told about alerts by e-mail "
                    "only, not by text message."
                )
                % {"names": ", ".join(no_phone)},
            )
        )
    return found


def gaps_opened(clinic: Clinic, removed=(), *, people=()) -> set[tuple[int, int]]:
    """The hours of the week that taking these shifts off the rota, and these people off
    it (every stretch of theirs), would leave as an error of ``problems``, not one
    before: nobody on call then while the clinic has no
    active manager (an alert would reach nobody), or nobody during the working hours of
    a clinic with unguided care. Asked before the change is saved, so the page can say so
    first (decisions 0144, 0146; two queries). The managers stay: removing the last one
    is refused (``do_remove_role``, ``do_offboard_staff``)."""
    removed = {shift.pk for shift in removed}
    gone = {person.pk for person in people}
    shifts = current_shifts(clinic)

    def uncovered(kept) -> set[tuple[int, int]]:
        return {slot for slot, people in cover(kept).items() if not people}

    kept = [s for s in shifts if s.pk not in removed and s.user_id not in gone]
    opened = uncovered(kept) - uncovered(shifts)
    if not opened:
        return set()
    gaps = set()
    if not managers(clinic):
        gaps |= opened
    if clinic.offers_unguided:
        gaps |= opened & working_hours(clinic)
    return gaps


def leaves_rota_with_mark(grant: ClinicRole) -> bool:
    """Whether taking the on-call mark off this role takes its holder off the clinic's
    rota: when no other role of theirs there is marked on call (one query)."""
    return not (
        ClinicRole.objects.filter(clinic=grant.clinic_id, user=grant.user_id, on_call=True)
        .exclude(pk=grant.pk)
        .exists()
    )


# How far ahead the rota page looks for days when everyone at a clinic is on leave.
LEAVE_AHEAD_DAYS = 56


def everyone_away(
    clinic: Clinic, today: dt.date | None = None, *, planned: tuple | None = None
) -> list[tuple[dt.date, dt.date]]:
    """The stretches of days (first, last; the clinic's calendar) from today for
    ``LEAVE_AHEAD_DAYS`` on which every active person of the clinic is on leave there:
    nobody at work to see a risk alert, though the managers are still told of it
    (``tessera.safety.recipients``, decision 0155). Two queries.

    ``planned``: (user id, first day, last day, the leave it replaces or None), a leave
    as it would be once recorded or changed, for the question asked first (0160)."""
    today = today or clinic_today(clinic)
    end = today + dt.timedelta(days=LEAVE_AHEAD_DAYS - 1)
    staff = set(
        ClinicRole.objects.filter(clinic=clinic, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    if not staff:
        return []
    away: dict[dt.date, set[int]] = {}
    leave = StaffLeave.objects.filter(
        clinic=clinic, user_id__in=staff, first_day__lte=end, last_day__gte=today
    )
    if planned is not None:
        leave = leave.exclude(pk=planned[3]) if planned[3] is not None else leave
    leave = list(leave.values_list("user_id", "first_day", "last_day"))
    if planned is not None and planned[0] in staff:
        leave.append(planned[:3])
    for user_id, first, last in leave:
        for n in range((min(last, end) - max(first, today)).days + 1):
            away.setdefault(max(first, today) + dt.timedelta(days=n), set()).add(user_id)
    stretches: list[tuple[dt.date, dt.date]] = []
    for day in sorted(day for day, who in away.items() if who >= staff):
        if stretches and stretches[-1][1] + dt.timedelta(days=1) == day:
            stretches[-1] = (stretches[-1][0], day)
        else:
            stretches.append((day, day))
    return stretches


def _days(first: dt.date, last: dt.date) -> str:
    """'12–14 March', '30 March–2 April', '12 March' in the reader's language."""
    if first == last:
        return date_format(first, "j F")
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{date_format(last, 'j F')}"
    return f"{date_format(first, 'j F')}–{date_format(last, 'j F')}"


def leave_problems(clinic: Clinic) -> list[Problem]:
    """A warning ahead of the days when everyone at the clinic is on leave (two
    queries), shown with ``problems`` on the rota and clinic pages; not part of the
    deploy check, which is about the rota every week, not one week's leave."""
    stretches = everyone_away(clinic)
    if not stretches:
        return []
    return [
        Problem(
            WARNING,
            "everyone_away",
            _(
                "On %(days)s nobody at %(clinic)s is at work to see risk alerts: everyone "
                "working there is on leave. The managers are still told of every alert, "
                "away or not."
            )
            % {"days": ", ".join(_days(*s) for s in stretches), "clinic": clinic.name},
        )
    ]


def has_errors(found: list[Problem]) -> bool:
    return any(p.level == ERROR for p in found)
