"""Sign-in rules: second factor for staff, lockout, idle timeout, hashing, closed sign-up."""

import time

import pytest
from django.conf import settings
from django.urls import reverse

from tessera import settings as project_settings
from tests.conftest import PASSWORD


def _post_login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_staff_with_a_second_factor_are_asked_for_it(world, client):
    response = _post_login(client, world["therapist"].email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Not signed in yet: patient pages still ask for a login.
    assert client.get(reverse("patient_list"))["Location"].startswith("/accounts/login/")


def test_staff_without_a_second_factor_are_sent_to_set_one_up(world, login):
    client = login(world["staff_no_mfa"])
    response = client.get(reverse("patient_list"))
    assert response["Location"] == reverse("mfa_activate_totp")


def test_patients_sign_in_with_a_password_alone(world, client):
    response = _post_login(client, world["patient"].email, PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("my_details")).status_code == 200


def test_repeated_failures_lock_the_account(world, client):
    email = world["patient"].email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _post_login(client, email, "wrong-password")
    response = _post_login(client, email, PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert client.get(reverse("my_details")).status_code == 302


def test_a_failure_below_the_limit_does_not_lock(world, client):
    email = world["patient"].email
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _post_login(client, email, "wrong-password")
    assert _post_login(client, email, PASSWORD).status_code == 302


def _age_session(client, seconds):
    session = client.session
    session["tessera_last_seen"] = int(time.time()) - seconds
    session.save()


def test_an_idle_patient_session_ends_after_an_hour(world, login):
    client = login(world["patient"])
    client.get(reverse("my_details"))
    _age_session(client, 59 * 60)
    assert client.get(reverse("my_details")).status_code == 200
    _age_session(client, 61 * 60)
    response = client.get(reverse("my_details"))
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("my_details")).status_code == 302


def test_an_idle_staff_session_ends_after_thirty_minutes(world, login):
    client = login(world["therapist"])
    client.get(reverse("home"))
    _age_session(client, 31 * 60)
    response = client.get(reverse("patient_list"))
    assert response["Location"].startswith(reverse("account_login"))


def test_idle_limits_are_configurable(world, login, settings):
    settings.TESSERA_IDLE_MINUTES_STAFF = 5
    client = login(world["therapist"])
    client.get(reverse("home"))
    _age_session(client, 6 * 60)
    assert client.get(reverse("patient_list")).status_code == 302


def test_passwords_are_hashed_with_argon2():
    # Tests swap in a fast hasher; the project's own setting is what production uses.
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_open_sign_up_is_closed(db, client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@x.test",
            "password1": "long-enough-pass-1",
            "password2": "long-enough-pass-1",
        },
    )
    assert response.status_code == 200
    from tessera.core.models import User

    assert not User.objects.filter(email="new@x.test").exists()


def test_signing_in_is_audited(world, client):
    from tessera.core.models import AuditEvent

    _post_login(client, world["patient"].email, PASSWORD)
    assert AuditEvent.objects.filter(action="session.signed_in", actor=world["patient"]).exists()


def _session_writes(captured) -> int:
    return sum(
        1
        for q in captured.captured_queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


@pytest.mark.session_clock  # counts the idle clock's own write
def test_the_session_is_not_saved_on_every_request(world, login):
    """The idle clock is touched at most once a minute, not on every page (issue 16)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world["patient"])
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("my_details"))
    assert _session_writes(first) == 0  # signing in started the idle clock
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("my_details"))
    assert _session_writes(second) == 0
    _age_session(client, 61)
    with CaptureQueriesContext(connection) as later:
        client.get(reverse("my_details"))
    assert _session_writes(later) == 1
    assert int(time.time()) - client.session["tessera_last_seen"] < 5
