"""The demo shows a manager's own rate limit: Riverside's referral form at 10 an hour."""

from django.urls import reverse

from tessera.core import ratelimits
from tessera.core.models import AuditEvent, Clinic, User
from tests.conftest import sign_in


def test_the_demo_has_riverside_s_own_referral_form_limit(seeded_demo, client):
    riverside = Clinic.objects.get(slug="riverside")
    assert riverside.rate_limits == {"referral_form": "10/h"}
    assert ratelimits.rate_for("referral_form", riverside) == "10/h"
    assert AuditEvent.objects.filter(action="clinic.rate_limits_changed").count() == 1
    sign_in(client, User.objects.get(email="manager@demo.tessera.test"))
    page = client.get(reverse("clinic_rate_limits", kwargs={"slug": "riverside"}))
    assert page.status_code == 200 and 'value="10"' in page.content.decode()
