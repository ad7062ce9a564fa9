"""A burst of security events at a clinic tells its managers by e-mail, once per window,
with nothing but a link (issue 13: "an e-mail to the clinic's security contact on a
burst")."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from tessera.automation.security_bursts import alert_security_bursts
from tessera.automation.sweep import run_automation
from tessera.core import audit
from tessera.core.models import AuditEvent
from tessera.notifications.models import Notification


def _failures(user, n):
    for _ in range(n):
        audit.record("auth.sign_in_failed", actor=user, purpose="administration")


def test_a_burst_of_failed_sign_ins_tells_the_clinics_managers_once(world, settings):
    settings.TESSERA_SECURITY_BURST = 5
    _failures(world["therapist"], 5)
    managers = set(world.clinic.staff_roles.filter(role="manager").values_list("user", flat=True))
    written = run_automation().security_bursts
    rows = Notification.objects.filter(kind="security_burst")
    assert written == rows.count() >= 1
    assert {row.recipient_id for row in rows} == managers
    assert all(row.state == "sent" for row in rows)
    row = rows.first()
    [sent] = [m for m in mail.outbox if world["manager"].email in m.to]
    assert "security" in sent.body.lower() and world["therapist"].email not in sent.body
    assert "/audit/security/" in sent.body
    _failures(world["therapist"], 5)
    assert alert_security_bursts(row.created_at) == 0  # same window: not again
    assert not Notification.objects.filter(
        kind="security_burst", recipient=world["other_manager"]
    ).exists()


def test_a_few_failures_tell_nobody(world, settings):
    settings.TESSERA_SECURITY_BURST = 5
    _failures(world["therapist"], 4)
    assert run_automation().security_bursts == 0
    assert not Notification.objects.filter(kind="security_burst").exists()


def test_events_count_for_the_clinic_they_name_and_the_clinics_of_the_actor(world):
    since = AuditEvent.objects.order_by("-at").values_list("at", flat=True).first()
    _failures(world["therapist"], 2)
    audit.record("security.fhir_auth_failed", clinic=world.other_clinic, purpose="administration")
    counts = AuditEvent.objects.security_counts_by_clinic(since)
    assert counts.get(world.clinic.pk) == 2
    assert counts.get(world.other_clinic.pk) == 1


def test_a_region_administrator_sees_the_regions_security_events(world, login):
    _failures(world["therapist"], 1)
    page = login(world["region_admin"]).get(reverse("security_events"))
    assert page.status_code == 200
    assert world["therapist"].email in page.content.decode()
    clinics = login(world["region_admin"]).get(reverse("clinic_list"))
    assert reverse("security_events") in clinics.content.decode()
