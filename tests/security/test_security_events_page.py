"""A manager sees recent security events of their clinic's staff (issue 13, #7)."""

from django.urls import reverse

from tessera.core.models import AuditEvent
from tests.conftest import PASSWORD


def test_a_manager_sees_failed_sign_ins_of_their_staff_only(
    world, client, login, django_assert_max_num_queries
):
    client.post(reverse("account_login"), {"login": world["therapist"].email, "password": "x"})
    client.post(
        reverse("account_login"), {"login": world["other_therapist"].email, "password": "x"}
    )
    assert AuditEvent.objects.filter(
        action="auth.sign_in_failed", actor=world["therapist"]
    ).exists()
    manager = login(world["manager"])
    with django_assert_max_num_queries(20):
        body = manager.get(reverse("security_events")).content.decode()
    assert world["therapist"].email in body and "auth.sign_in_failed" in body
    assert world["other_therapist"].email not in body
    assert PASSWORD not in body
