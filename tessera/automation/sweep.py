"""The periodic job: automated messages, reminders, risk-alert escalation, urgent
applications nobody acknowledged, bursts of
security events, the staff's security events that racing writes left unfiled (decision
0091) and held notifications, all in one call (``run_automation``).

Finding what is due costs a constant number of queries per batch of episodes; sending
costs a few per message. Every send is idempotent (a unique row per point, a unique
notification key per reminder), so running the sweep twice, or from two workers at
once, or again after a crash, sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, fields

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tessera.core import jobs
from tessera.core.audit import staff_security
from tessera.core.models import Episode
from tessera.intake.actions import escalate_overdue_urgent
from tessera.notifications.delivery import deliver_due, notify
from tessera.notifications.models import Notification
from tessera.safety.actions import escalate_overdue, tell_whoever_can_act_now
from tessera.treatment import plans
from tessera.treatment.models import DueMeasure, PlanEntry

from . import activity
from .actions import do_send_point
from .models import AutomatedSend
from .security_bursts import alert_security_bursts

logger = logging.getLogger("tessera.automation")
BATCH = 200
DEFAULT_WEEKS = 10
BEFORE_END = dt.timedelta(days=7)


@dataclass
class Summary:
    automated: int = 0
    reminders: int = 0
    escalated: int = 0
    alerts_told_now: int = 0
    urgent_applications: int = 0
    security_bursts: int = 0
    staff_security_filed: int = 0
    delivered: int = 0

    def __str__(self) -> str:
        return " ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))


def _today(clinic, now: dt.datetime) -> dt.date:
    return timezone.localtime(now, zoneinfo.ZoneInfo(clinic.time_zone)).date()


def _stretch(since: dt.datetime) -> str:
    """The name of a stretch of inactivity in the idempotency keys: the day it began, in
    one fixed zone, the server's (decision 0121). Fixed, so that a sweep run with another
    zone active (a shell, a request) names the stretch as every run did before and sends
    nothing twice; the server's, so that no key written so far changes. Two stretches
    begin the clinic's ``inactive_after_days`` or more apart (a week by default): on
    different days in any one zone."""
    return since.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date().isoformat()


def _batches(queryset):
    """Episodes in batches of BATCH, by id (each batch one query)."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def _episodes(**filters):
    return activity.annotate(
        Episode.objects.filter(
            status=Episode.Status.ACTIVE,
            started_on__isnull=False,
            patient__user__isnull=False,
            patient__user__is_active=True,
            **filters,
        ).select_related("clinic", "programme_version", "patient__user")
    )


def planned_end(episode) -> dt.date:
    weeks = episode.programme_version.weeks if episode.programme_version else DEFAULT_WEEKS
    return episode.started_on + dt.timedelta(weeks=weeks)


# --- Automated messages (unguided care) ---


def due_points(batch, now: dt.datetime) -> list[tuple[Episode, str]]:
    """(episode, point) pairs due now and not yet sent, for a batch: two queries."""
    ids = [episode.pk for episode in batch]
    sent = set(AutomatedSend.objects.filter(episode_id__in=ids).values_list("episode_id", "point"))
    completed = defaultdict(list)
    rows = PlanEntry.objects.current().filter(episode_id__in=ids, completed_at__isnull=False)
    for episode_id, entry_id in rows.order_by("completed_at", "pk").values_list("episode_id", "pk"):
        completed[episode_id].append(entry_id)
    due = []
    for episode in batch:
        today = _today(episode.clinic, now)
        if episode.started_on > today:
            continue
        points = ["welcome"] + [f"module:{pk}" for pk in completed[episode.pk]]
        since = activity.inactive_since(episode, now)
        if since is not None:
            points.append(f"inactive:{_stretch(since)}")
        end = planned_end(episode)
        if end - BEFORE_END <= today < end:
            points.append("before_end")
        due += [(episode, p) for p in points if (episode.pk, p) not in sent]
    return due


def send_automated(now: dt.datetime) -> int:
    sent = 0
    for batch in _batches(_episodes(care_model=Episode.CareModel.UNGUIDED)):
        for episode, point in due_points(batch, now):
            if do_send_point(episode, point, now=now) is not None:
                sent += 1
                logger.info("automation.sent episode=%s point=%s", episode.pk, point)
    return sent


# --- Reminders (every care model) ---


def _not_yet(wanted: list[tuple]) -> list[tuple]:
    """Leave out reminders whose key is already in the notification log (one query)."""
    keys = {key for _user, _kind, key, _link, _params in wanted}
    known = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    return [item for item in wanted if item[2] not in known]


def questionnaire_reminders(now: dt.datetime) -> list[tuple]:
    wanted = []
    link = reverse("my_questionnaires")
    rows = (
        DueMeasure.objects.open_now(now)
        .filter(episode__patient__user__isnull=False, episode__patient__user__is_active=True)
        .select_related("episode__patient__user")
        .order_by("pk")
    )
    last = 0
    while batch := list(rows.filter(pk__gt=last)[:BATCH]):
        last = batch[-1].pk
        wanted += _not_yet(
            [
                (
                    d.episode.patient.user,
                    "reminder_questionnaire",
                    f"reminder:due:{d.pk}",
                    link,
                    {"due": d.pk},
                )
                for d in batch
            ]
        )
    return wanted


def episode_reminders(batch, now: dt.datetime) -> list[tuple]:
    """A new module to start, and inactivity, for a batch of active episodes: two queries
    (the plan entries, and the notification log)."""
    ids = [episode.pk for episode in batch]
    entries = defaultdict(list)
    for entry in PlanEntry.objects.current().filter(episode_id__in=ids).order_by("position", "pk"):
        entries[entry.episode_id].append(entry)
    plan_link, wanted = reverse("my_plan"), []
    for episode in batch:
        rule = episode.programme_version.unlock_rule if episode.programme_version else "manual"
        states = plans.states(
            entries[episode.pk],
            unlock_rule=rule,
            started_on=episode.started_on,
            today=_today(episode.clinic, now),
        )
        user = episode.patient.user
        state = plans.next_step(states)
        if state is not None and state.entry.started_at is None:
            key = f"reminder:module:{state.entry.pk}"
            wanted.append((user, "reminder_module", key, plan_link, {"entry": state.entry.pk}))
        since = activity.inactive_since(episode, now)
        if since is not None:
            key = f"reminder:inactive:{episode.pk}:{_stretch(since)}"
            wanted.append((user, "reminder_inactive", key, plan_link, {"episode": episode.pk}))
    return _not_yet(wanted)


def send_reminders(now: dt.datetime) -> int:
    wanted = questionnaire_reminders(now)
    for batch in _batches(_episodes()):
        wanted += episode_reminders(batch, now)
    written = 0
    for user, kind, key, link, params in wanted:
        # The ids in ``params`` let delivery withdraw a reminder whose subject has ended
        # by the time it is due (still_wanted.py; decision 0105).
        written += len(notify(user, kind, key=key, link=link, params=params))
    return written


def _steps(now: dt.datetime) -> list[tuple[str, object]]:
    """The sweep's steps in the order they run: what keeps a person at risk seen comes
    first (risk alerts, urgent applications, then the deliveries due, which include a
    failed alert notice's next try), the rest after."""
    return [
        ("escalated", lambda: len(escalate_overdue(now))),
        # An open alert's people change while it waits (a therapist left, the rota
        # changed hands): whoever it is now and was not told is told (decision 0142).
        ("alerts_told_now", lambda: tell_whoever_can_act_now(now)),
        ("urgent_applications", lambda: len(escalate_overdue_urgent(now))),
        ("delivered", lambda: deliver_due(now)),
        ("automated", lambda: send_automated(now)),
        ("reminders", lambda: send_reminders(now)),
        ("security_bursts", lambda: alert_security_bursts(now)),
        # What two racing writes left unfiled in the staff's security events (0091).
        ("staff_security_filed", lambda: staff_security.file_recent(now)),
        # What the reminders just wrote and held notices now due (quiet hours over).
        ("delivered", lambda: deliver_due(now)),
    ]


def run_automation(now: dt.datetime | None = None) -> Summary:
    """Everything periodic, in one call: run it every few minutes (docs/automation.md).

    Every run is recorded (``tessera.core.jobs``), so that a sweep that stops, or fails,
    is seen on /healthz and on the risk alert list: escalation depends on it. A step that
    fails does not stop the others (a reminder that cannot be written must not keep a
    risk alert from being passed on; decision 0105): each step runs, the failure is
    logged, and the first one is raised at the end, so the run is recorded as failed."""
    now = now or timezone.now()
    summary = Summary()
    failures: list[BaseException] = []
    with jobs.recording(jobs.SWEEP, now) as run:
        for name, step in _steps(now):
            try:
                setattr(summary, name, getattr(summary, name) + step())
            except Exception as exc:  # the other steps still run; raised on below
                logger.exception("automation.step_failed step=%s", name)
                failures.append(exc)
        run.summary = str(summary)
        if failures:
            raise failures[0]
    logger.info("automation.sweep %s", summary)
    return summary
