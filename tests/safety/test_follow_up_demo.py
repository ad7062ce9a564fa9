"""The demo shows a resolved high concern whose safety plan still needs its review."""

from tessera.safety.models import RiskAlert, SafetyPlan


def test_the_demo_has_a_resolved_alert_awaiting_the_plan_review(seeded_demo):
    alert = RiskAlert.objects.get(
        episode__patient__first_name="Lisa", severity=RiskAlert.Severity.HIGH
    )
    assert alert.resolved_at is not None and alert.action == RiskAlert.Action.PHONED
    plan = SafetyPlan.objects.filter(episode=alert.episode).first()
    assert plan is None or plan.updated_at < alert.opened_at
