"""Lockout keyed by account and by client address separately (issue 13, #4)."""

from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tessera.core.models import AuditEvent
from tests.conftest import PASSWORD


def _post(client, email, password, ip="10.0.0.1"):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip
    )


def test_failures_with_made_up_addresses_do_not_lock_real_accounts(world, client, settings):
    for n in range(settings.AXES_FAILURE_LIMIT + 1):
        _post(client, f"nobody{n}@made.up", "wrong-password")
    assert _post(client, world["patient"].email, PASSWORD).status_code == 302
    assert client.get(reverse("my_details")).status_code == 200


def test_failures_are_recorded_with_the_account(world, client):
    _post(client, world["patient"].email.upper(), "wrong-password")
    assert AccessAttempt.objects.get().username == world["patient"].email.lower()
    assert AuditEvent.objects.filter(action="auth.sign_in_failed").count() == 1


def test_an_account_locked_from_one_address_is_locked_from_another(world, client, settings):
    email = world["patient"].email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post(client, email, "wrong-password", ip="10.0.0.1")
    response = _post(Client(), email, PASSWORD, ip="10.7.7.7")
    assert response.status_code == 429


def test_many_failures_from_one_address_lock_that_address(world, client, settings):
    settings.TESSERA_LOCKOUT_FAILURES_PER_ADDRESS = 3
    for n in range(3):
        _post(client, f"nobody{n}@made.up", "wrong-password")
    response = _post(client, world["patient"].email, PASSWORD)
    assert "Too many failed sign-ins from your network" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.address_locked").exists()
    assert _post(Client(), world["patient"].email, PASSWORD, ip="10.3.3.3").status_code == 302


def test_an_overlong_address_is_a_failed_sign_in_not_an_error(world, client):
    from tessera.core.auth import axes_username

    response = _post(client, "a" * 400 + "@example.org", "wrong-password")
    assert response.status_code == 200
    assert axes_username(None, {"email": "a" * 400}).startswith("too-long:")
    assert len(axes_username(None, {"email": "a" * 400})) < 255
