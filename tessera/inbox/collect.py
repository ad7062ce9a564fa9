"""Risk alerts, replies owed, overdue questionnaires and modules to open: one query each
for the whole caseload (``episodes`` is a list of episode ids)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tessera.core.models import Episode
from tessera.messaging.models import Message
from tessera.safety.models import RiskAlert
from tessera.treatment import plans
from tessera.treatment.models import DueMeasure, PlanEntry, WorksheetAnswer

from . import items, timing
from .items import Item

SEVERITY_RANK = {
    RiskAlert.Severity.URGENT: 0,
    RiskAlert.Severity.HIGH: 1,
    RiskAlert.Severity.MODERATE: 2,
}
EPISODE = ("episode__patient", "episode__clinic", "episode__therapist")


def risk_alerts(episodes, now) -> list[Item]:
    alerts = (
        RiskAlert.objects.unresolved()
        .filter(episode__in=episodes)
        .select_related(*EPISODE)
        .order_by("opened_at", "id")
    )
    rows = []
    for alert in alerts:
        if alert.acknowledged_at:
            state = _("acknowledged, not yet resolved")
        elif alert.acknowledge_by < now:
            state = _("not acknowledged in time")
        else:
            state = _("to be acknowledged")
        reason = _("%(severity)s risk: %(source)s (%(state)s)") % {
            "severity": alert.get_severity_display().capitalize(),
            "source": alert.get_source_display(),
            "state": state,
        }
        rows.append(
            Item(
                items.RISK,
                alert.episode,
                reason,
                items.alert_url(alert.pk),
                _("Open the alert"),
                alert.opened_at,
                rank=SEVERITY_RANK.get(alert.severity, 9),
                key=f"risk-{alert.pk}",
            )
        )
    return rows


def replies(episodes, now) -> list[Item]:
    """Submitted worksheets without feedback, and patient messages without a reply."""
    answers = (
        WorksheetAnswer.objects.filter(
            entry__episode__in=episodes, submitted_at__isnull=False, feedback_at__isnull=True
        )
        .select_related("step", "entry__module_version", *(f"entry__{e}" for e in EPISODE))
        .order_by("submitted_at", "id")
    )
    rows = []
    for answer in answers:
        episode = answer.entry.episode
        reason = _("Sent a worksheet for feedback: %(step)s (%(module)s)") % {
            "step": answer.step.title,
            "module": answer.entry.module_version.title,
        }
        rows.append(
            Item(
                items.REPLY,
                episode,
                reason,
                items.messages_url(episode.pk, answer.pk),
                _("Give feedback"),
                answer.submitted_at,
                due=timing.due(episode.clinic, answer.submitted_at, now),
                answer_id=answer.pk,
                key=f"worksheet-{answer.pk}",
            )
        )
    waiting = (
        Message.objects.awaiting_reply()
        .filter(episode__in=episodes, is_automated=False)
        .select_related(*EPISODE)
        .order_by("sent_at", "id")
    )
    by_episode: dict[int, list] = defaultdict(list)
    for message in waiting:
        by_episode[message.episode_id].append(message)
    for messages in by_episode.values():
        first = messages[0]
        reason = ngettext(
            "Sent a message that waits for a reply",
            "Sent %(count)d messages that wait for a reply",
            len(messages),
        ) % {"count": len(messages)}
        rows.append(
            Item(
                items.REPLY,
                first.episode,
                reason,
                items.messages_url(first.episode_id),
                _("Reply"),
                first.sent_at,
                due=timing.due(first.episode.clinic, first.sent_at, now),
                key=f"message-{first.pk}",
            )
        )
    return rows


def overdue_questionnaires(episodes, now) -> list[Item]:
    """One row per patient, however many questionnaires are overdue (issue 20: one row
    per questionnaire was noise). Keyed by the oldest one."""
    overdue = (
        DueMeasure.objects.filter(episode__in=episodes)
        .overdue(now)
        .select_related(*EPISODE)
        .order_by("due_at", "id")
    )
    by_episode: dict[int, list] = defaultdict(list)
    for measure in overdue:
        if _local_date(measure.episode.clinic, measure.due_at) >= _local_date(
            measure.episode.clinic, now
        ):
            continue  # due today is not overdue: the patient has until the day ends
        by_episode[measure.episode_id].append(measure)
    rows = []
    for measures in by_episode.values():
        first = measures[0]
        clinic = first.episode.clinic
        if len(measures) == 1:
            reason = _("%(instrument)s (%(when)s) was due on %(date)s and is not filled in") % {
                "instrument": first.instrument,
                "when": first.get_time_point_display(),
                "date": _local_date(clinic, first.due_at).isoformat(),
            }
        else:
            listed = "; ".join(
                _("%(instrument)s (%(when)s, due %(date)s)")
                % {
                    "instrument": measure.instrument,
                    "when": measure.get_time_point_display(),
                    "date": _local_date(clinic, measure.due_at).isoformat(),
                }
                for measure in measures
            )
            reason = ngettext(
                "%(count)d questionnaire is not filled in: %(list)s",
                "%(count)d questionnaires are not filled in: %(list)s",
                len(measures),
            ) % {"count": len(measures), "list": listed}
        rows.append(
            Item(
                items.OVERDUE,
                first.episode,
                reason,
                reverse("patient_measures", kwargs={"pk": first.episode.patient_id}),
                _("See questionnaires"),
                first.due_at,
                key=f"due-{first.pk}",
            )
        )
    return rows


def _local_date(clinic, moment):
    return moment.astimezone(zoneinfo.ZoneInfo(clinic.time_zone)).date()


def modules_to_open(episodes, now) -> list[Item]:
    """Plans whose programme opens modules by hand ("manual"), where the patient has
    finished every open module and the next one waits for the therapist to open it."""
    manual = Q(episode__programme_version__isnull=True) | Q(
        episode__programme_version__unlock_rule="manual"
    )
    entries = (
        PlanEntry.objects.current()
        .filter(manual, episode__in=episodes, episode__started_on__isnull=False)
        .exclude(episode__status=Episode.Status.ENDED)
        .select_related("module_version", *EPISODE)
        .order_by("episode_id", "position", "id")
    )
    by_episode: dict[int, list] = defaultdict(list)
    for entry in entries:
        by_episode[entry.episode_id].append(entry)
    rows = []
    for plan in by_episode.values():
        episode = plan[0].episode
        waiting = _first_waiting(plan, episode)
        if waiting is None:
            continue
        finished = [e.completed_at for e in plan if e.completed_at]
        since = max(finished) if finished else _start(episode)
        reason = _("Has finished every open module; “%(module)s” waits for you to open it") % {
            "module": waiting.module_version.title
        }
        rows.append(
            Item(
                items.UNLOCK,
                episode,
                reason,
                reverse("plan", kwargs={"pk": episode.patient_id}),
                _("Open the plan"),
                since,
                key=f"unlock-{waiting.pk}",
            )
        )
    return rows


def _first_waiting(plan, episode):
    states = plans.states(
        plan,
        unlock_rule="manual",
        started_on=episode.started_on,
        today=plans.clinic_today(episode.clinic),
    )
    if any(s.is_open and not s.is_done for s in states):
        return None  # the patient has something open to work on
    for state in states:
        if not state.is_open:
            # A module with an opening date opens by itself; only one without waits.
            return state.entry if state.opens_on is None else None
    return None


def _start(episode):
    tz = zoneinfo.ZoneInfo(episode.clinic.time_zone)
    return dt.datetime.combine(episode.started_on, dt.time(0), tzinfo=tz)
