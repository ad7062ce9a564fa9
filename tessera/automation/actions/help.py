"""A patient's call for help: opens a risk alert for the people on call."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tessera.core import audit, submissions
from tessera.safety import notify as safety_notify
from tessera.safety import recipients, rules
from tessera.safety.models import RiskAlert

HELP_MAX_LENGTH = 2000


@transaction.atomic
def do_ask_for_help(episode, *, acting_user, text: str) -> RiskAlert:
    """The patient asks for help: an alert (moderate, source "help") with their words,
    told at once to the responsible therapist and the clinic's staff on call. A repeat
    of the same words while that alert is open returns it (a double click)."""
    if episode.patient.user_id != acting_user.pk:
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a few words about what you need help with.")})
    if len(text) > HELP_MAX_LENGTH:
        raise ValidationError(
            {"text": _("Please keep it to %(n)d characters.") % {"n": HELP_MAX_LENGTH}}
        )
    # Two sends at the same instant (a double click, two tabs) check together: each waits
    # for the other's commit here, so the second finds the first's alert (PostgreSQL;
    # SQLite serialises writers itself). Without it both made an alert, and paged whoever
    # is on call twice.
    submissions.serialise(f"safety.riskalert:help:{episode.pk}")
    existing = RiskAlert.objects.filter(
        episode=episode, source=RiskAlert.Source.HELP, concern=text, resolved_at__isnull=True
    ).first()
    if existing is not None:
        existing.sent_before = True
        return existing
    now = timezone.now()
    severity = RiskAlert.Severity.MODERATE
    alert = RiskAlert.objects.create(
        episode=episode,
        source=RiskAlert.Source.HELP,
        severity=severity,
        raised_by=acting_user,
        concern=text,
        opened_at=now,
        acknowledge_by=rules.acknowledge_by(episode.clinic, severity, now),
    )
    audit.record(
        "risk_alert.help_requested",
        actor=acting_user,
        patient=episode.patient,
        clinic=episode.clinic,
        obj=alert,
        purpose="self",
        changes={"severity": severity, "source": "help"},
        actor_role="patient",
    )
    transaction.on_commit(
        lambda: safety_notify.tell_staff(recipients.for_level(alert, 0), alert, escalated=False)
    )
    return alert
