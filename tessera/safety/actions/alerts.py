"""Opening, acknowledging, escalating and resolving risk alerts. Every step is audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tessera.core import access, audit, submissions
from tessera.core.conflicts import retried_once

from .. import notify, recipients, rules
from ..models import RiskAlert


def _after_commit_tell(
    alert: RiskAlert, level: int, *, escalated: bool, users=None, again: str = ""
) -> None:
    def send():
        people = users if users is not None else recipients.for_level(alert, level)
        notify.tell_staff(people, alert, escalated=escalated, again=again)

    transaction.on_commit(send)


@transaction.atomic
def do_open_alert_for_response(response, flags, *, now: dt.datetime | None = None) -> RiskAlert:
    """Open an alert for a submitted questionnaire with a positive risk rule.

    Safe to call twice for the same response (a retried signal): one alert per response."""
    existing = RiskAlert.objects.filter(response=response).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    episode = response.episode
    severity = rules.severity_of(flags)
    alert = RiskAlert.objects.create(
        episode=episode,
        source=RiskAlert.Source.RESPONSE,
        severity=severity,
        response=response,
        rule_codes=sorted({flag.code for flag in flags}),
        opened_at=now,
        acknowledge_by=rules.acknowledge_by(episode.clinic, severity, now, flags),
    )
    audit.record_for_episode(
        "risk_alert.opened",
        alert.episode,
        obj=alert,
        actor_role="system",
        changes={"severity": severity, "rules": alert.rule_codes},
    )
    _after_commit_tell(alert, 0, escalated=False)
    return alert


def _flag_dict(flag) -> dict:
    """A risk flag as a response's ``result["risk_flags"]`` keeps it."""
    return {
        "code": flag.code,
        "item": flag.item,
        "value": flag.value,
        "threshold": flag.threshold,
        "severity": flag.severity,
    }


@transaction.atomic
def do_open_alert_for_late_answers(due, flags, *, acting_user) -> RiskAlert:
    """A risk answer the patient sent after the questionnaire had closed: nothing of the
    answers is kept as a response, but an alert (source "late") goes to the care team
    and whoever is on call, as for a sent one, with the questionnaire and the flags.
    While that alert is open, the same questionnaire sent again (two tabs, a second
    press) returns it, ``sent_before`` set: one alert, and one page to whoever is on
    call (decision 0136)."""
    episode = due.episode
    if episode.patient.user_id != acting_user.pk:
        raise PermissionDenied
    # Two sends at the same instant wait for each other here (PostgreSQL), so the second
    # finds the first's alert; the partial unique constraint stands behind it.
    submissions.serialise(f"safety.riskalert:late:{due.pk}")
    existing = RiskAlert.objects.filter(due=due, resolved_at__isnull=True).first()
    if existing is not None:
        existing.sent_before = True
        return existing
    now = timezone.now()
    severity = rules.severity_of(flags)
    alert = RiskAlert.objects.create(
        episode=episode,
        source=RiskAlert.Source.LATE,
        severity=severity,
        due=due,
        late_flags=[_flag_dict(flag) for flag in flags],
        rule_codes=sorted({flag.code for flag in flags}),
        raised_by=acting_user,
        opened_at=now,
        acknowledge_by=rules.acknowledge_by(episode.clinic, severity, now, flags),
    )
    audit.record(
        "risk_alert.opened",
        actor=acting_user,
        patient=episode.patient,
        clinic=episode.clinic,
        obj=alert,
        purpose="self",
        changes={"severity": severity, "rules": alert.rule_codes, "source": "late"},
        actor_role="patient",
    )
    _after_commit_tell(alert, 0, escalated=False)
    return alert


@transaction.atomic
def do_raise_concern(
    episode, *, acting_user, concern: str, severity: str, submission_key=None
) -> RiskAlert:
    """A staff member's concern: an alert for the care team and whoever is on call.
    The concern form sent twice (same ``submission_key``) raises one alert: the second
    time this returns the first, ``sent_before`` set (``tessera.core.submissions``)."""
    concern = (concern or "").strip()
    if not concern:
        raise ValidationError({"concern": _("Say what worries you.")})
    if severity not in RiskAlert.Severity.values:
        raise ValidationError({"severity": _("Choose a severity.")})
    return submissions.made_once(
        RiskAlert,
        submission_key,
        lambda: _raise_concern(episode, acting_user, concern, severity, submission_key),
        same=RiskAlert.objects.filter(
            episode=episode,
            source=RiskAlert.Source.CONCERN,
            raised_by=acting_user,
            concern=concern,
            severity=severity,
            resolved_at__isnull=True,
            opened_at__gte=timezone.now() - submissions.REPEAT_WINDOW,
        ),
        lock=f"concern:{acting_user.pk}:{episode.pk}",
        raised_by_id=acting_user.pk,
        episode_id=episode.pk,
    )


def _raise_concern(episode, acting_user, concern, severity, submission_key) -> RiskAlert:
    now = timezone.now()
    alert = RiskAlert.objects.create(
        episode=episode,
        source=RiskAlert.Source.CONCERN,
        severity=severity,
        raised_by=acting_user,
        concern=concern,
        opened_at=now,
        acknowledge_by=rules.acknowledge_by(episode.clinic, severity, now),
        submission_key=submission_key,
    )
    audit.record_for_episode(
        "risk_alert.raised",
        alert.episode,
        obj=alert,
        actor=acting_user,
        changes={"severity": severity},
    )
    _after_commit_tell(alert, 0, escalated=False)
    return alert


def _locked(alert: RiskAlert) -> RiskAlert:
    return (
        RiskAlert.objects.select_for_update(no_key=True)
        .select_related("episode__patient")
        .get(pk=alert.pk)
    )


@retried_once  # a colleague at the same moment: the second attempt sees theirs (0149)
@transaction.atomic
def do_acknowledge(alert: RiskAlert, *, acting_user) -> RiskAlert:
    alert = _locked(alert)
    if alert.resolved_at is not None:
        raise ValidationError(_("This alert has already been resolved."))
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = acting_user
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit.record_for_episode(
            "risk_alert.acknowledged", alert.episode, obj=alert, actor=acting_user
        )
    return alert


@retried_once
@transaction.atomic
def do_resolve(alert: RiskAlert, *, acting_user, action: str, note: str) -> RiskAlert:
    """Close an alert with the action taken. No alert closes without one; "no action"
    needs a reason. Resolving also acknowledges, if nobody had yet."""
    note = (note or "").strip()
    errors = {}
    if action not in RiskAlert.Action.values:
        errors["action"] = _("Choose the action you took.")
    if action == RiskAlert.Action.NO_ACTION and not note:
        errors["action_note"] = _("Say why no action was needed.")
    if errors:
        raise ValidationError(errors)
    alert = _locked(alert)
    if alert.resolved_at is not None:
        raise ValidationError(_("This alert has already been resolved."))
    now = timezone.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, acting_user
    alert.action, alert.action_note = action, note
    alert.resolved_at, alert.resolved_by = now, acting_user
    alert.save()
    audit.record_for_episode(
        "risk_alert.resolved",
        alert.episode,
        obj=alert,
        actor=acting_user,
        changes={"action": action},
    )
    return alert


def escalate_overdue(now: dt.datetime | None = None) -> list[RiskAlert]:
    """Pass on every alert not acknowledged in time to the next level (supervisors, then
    clinic managers; out of hours whoever is on call), with the severity's window again.
    Run by the periodic worker; safe to run often and from several workers at once: each
    alert is locked and re-checked, so each level is reached exactly once, with one audit
    event and one notice per person, however late or often the sweep runs.

    An acknowledgement counts only while whoever gave it can still act on the alert
    (``access.acknowledgement_holds``): one given by someone who has since left, lost
    the role, handed the patient to another therapist, or is on leave that day (decision
    0160) is taken back once the window has run out (audited,
    ``risk_alert.acknowledgement_lapsed``), and the alert is passed on as if never
    acknowledged; at the last level its people are told again."""
    now = now or timezone.now()
    overdue = (
        RiskAlert.objects.filter(resolved_at__isnull=True, acknowledge_by__lte=now)
        .filter(
            Q(acknowledged_at__isnull=True, escalation_level__lt=rules.LEVELS)
            | (Q(acknowledged_at__isnull=False) & ~access.acknowledgement_holds(now))
        )
        # A practice patient's alert is never passed on: only the therapist practising
        # with it is told (decision 0144).
        .exclude(episode__patient__is_training=True)
        .values_list("pk", flat=True)
    )
    return [alert for pk in list(overdue) if (alert := _escalate_one(pk, now)) is not None]


def _acknowledgement_lapsed(alert: RiskAlert, now: dt.datetime) -> bool:
    return (
        alert.acknowledged_at is not None
        and not RiskAlert.objects.filter(pk=alert.pk)
        .filter(access.acknowledgement_holds(now))
        .exists()
    )


@transaction.atomic
def _escalate_one(pk: int, now: dt.datetime) -> RiskAlert | None:
    alert = (
        RiskAlert.objects.select_for_update(no_key=True)
        .select_related("episode__clinic", "episode__patient")
        .get(pk=pk)
    )
    if alert.resolved_at is not None or alert.acknowledge_by > now:
        return None
    lapsed = _acknowledgement_lapsed(alert, now)
    if alert.acknowledged_at is not None and not lapsed:
        return None
    if not lapsed and alert.escalation_level >= rules.LEVELS:
        return None
    if lapsed:
        audit.record_for_episode(
            "risk_alert.acknowledgement_lapsed",
            alert.episode,
            obj=alert,
            actor_role="system",
            changes={"acknowledged_by": alert.acknowledged_by_id},
        )
        alert.acknowledged_at = alert.acknowledged_by = None
        if alert.escalation_level >= rules.LEVELS:
            # Nobody further to pass it to: the last level's people are told again.
            alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
            users = recipients.for_level(alert, alert.escalation_level, now)
            _after_commit_tell(
                alert, alert.escalation_level, escalated=True, users=users, again="lapsed"
            )
            return alert
    alert.escalation_level += 1
    alert.escalated_at = now
    alert.acknowledge_by = rules.acknowledge_by(alert.episode.clinic, alert.severity, now)
    alert.save(
        update_fields=[
            "escalation_level",
            "escalated_at",
            "acknowledge_by",
            "acknowledged_at",
            "acknowledged_by",
        ]
    )
    users = recipients.for_level(alert, alert.escalation_level, now)
    audit.record_for_episode(
        "risk_alert.escalated",
        alert.episode,
        obj=alert,
        actor_role="system",
        changes={
            "level": alert.escalation_level,
            "severity": alert.severity,
            "out_of_hours": recipients.out_of_hours(alert.episode.clinic, now),
            "told": [user.pk for user in users],
        },
    )
    _after_commit_tell(alert, alert.escalation_level, escalated=True, users=users)
    return alert


def tell_whoever_can_act_now(now: dt.datetime | None = None) -> int:
    """Tell the people an open, unacknowledged alert is theirs *now* if they were not
    told yet: its level's people change while it waits (decision 0142). The therapist
    told at once left, lost the role or handed the patient to a colleague; the rota
    changed hands (a gap at night ends at 07:00, the clinic closes and the evening's
    person takes over); a supervisor or manager came in. Before, whoever was told when
    the alert opened (or escalated) stayed the only one told until its window ran out:
    with a moderate alert eight working hours, with nobody who could act told at all.

    Each person is told once per alert and level (the notification's key), so the sweep
    may run as often as it likes; those told already are left out by one query. Returns
    how many people were told now."""
    now = now or timezone.now()
    alerts = list(
        RiskAlert.objects.filter(resolved_at__isnull=True, acknowledged_at__isnull=True)
        .select_related("episode__clinic", "episode__therapist", "episode__patient")
        .order_by("pk")
    )
    # Each clinic's rota, therapists, supervisors and managers, read once: the same
    # queries for one open alert or hundreds (decision 0144).
    people = recipients.people_at({alert.episode.clinic for alert in alerts}, now)
    wanted = []
    for alert in alerts:
        level = alert.escalation_level
        clinic_people = people[alert.episode.clinic_id]
        for user in recipients.for_level(alert, level, now, people=clinic_people):
            wanted.append((alert, user, level > 0))
    told = 0
    for alert, user, escalated in notify.not_yet_told(wanted):
        told += notify.tell_staff([user], alert, escalated=escalated)
    return told
