"""Wrong second-factor codes are limited per account and per address (issue 13, #1)."""

import datetime as dt
import time

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import hotp_value, yield_hotp_counters_from_time
from django.core import mail
from django.urls import reverse

from tessera.core.models import AuditEvent
from tests.conftest import PASSWORD, TOTP_SECRET
from tests.outbox import drain, rows


@pytest.fixture(autouse=True)
def _one_code_window():
    """The clock stands still at the start of the current 30 s window: a code made here
    is the one the server checks (allauth allows no drift), even if the request would
    otherwise reach the server in the next window (decision 0123)."""
    start = time.time() // 30 * 30
    with time_machine.travel(dt.datetime.fromtimestamp(start, dt.UTC), tick=False):
        yield


def _right_code() -> str:
    return format(hotp_value(TOTP_SECRET, next(yield_hotp_counters_from_time())), "06d")


def _wrong_code() -> str:
    right = int(_right_code())
    return format((right + 1) % 1_000_000, "06d")


def _password_step(client, user, ip="10.0.0.1"):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, REMOTE_ADDR=ip
    )
    assert response["Location"] == reverse("mfa_authenticate")


def _code(client, code, ip="10.0.0.1"):
    return client.post(reverse("mfa_authenticate"), {"code": code}, REMOTE_ADDR=ip)


def test_wrong_codes_lock_the_account_and_the_right_code_is_then_refused(world, client, settings):
    user = world["therapist"]
    _password_step(client, user)
    for _ in range(settings.TESSERA_MFA_FAILURES):
        assert _code(client, _wrong_code()).status_code == 200
    response = _code(client, _right_code())
    assert response.status_code == 200
    assert "Too many incorrect codes" in response.content.decode()
    assert client.get(reverse("patient_list")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.mfa_failed", actor=user).count() == 5
    assert AuditEvent.objects.filter(action="auth.mfa_locked", actor=user).exists()


def test_the_account_holder_is_told_without_clinical_content(world, client, settings):
    user = world["therapist"]
    _password_step(client, user)
    for _ in range(settings.TESSERA_MFA_FAILURES):
        _code(client, _wrong_code())
    # one outbox row, nothing sent inside the request (docs/decisions/0029)
    assert mail.outbox == []
    assert rows("mfa_locked").filter(recipient=user).count() == 1
    sent = [m for m in drain() if m.to == [user.email]]
    assert len(sent) == 1
    assert "wrong" in sent[0].body and "patient" not in sent[0].body.lower()


def test_the_lockout_holds_for_a_new_connection_from_elsewhere(world, client, settings):
    from django.test import Client

    user = world["therapist"]
    _password_step(client, user)
    for _ in range(settings.TESSERA_MFA_FAILURES):
        _code(client, _wrong_code())
    other = Client()
    _password_step(other, user, ip="10.9.9.9")
    assert "Too many incorrect codes" in _code(other, _right_code(), "10.9.9.9").content.decode()


def test_many_accounts_from_one_address_lock_that_address(world, client, settings):
    settings.TESSERA_MFA_FAILURES_PER_ADDRESS = 3
    _password_step(client, world["therapist"])
    for _ in range(3):
        _code(client, _wrong_code())
    from django.test import Client

    other = Client()
    _password_step(other, world["manager"])
    assert "Too many incorrect codes" in _code(other, _right_code()).content.decode()
    # The manager from another address is not affected.
    third = Client()
    _password_step(third, world["manager"], ip="10.2.2.2")
    assert _code(third, _right_code(), "10.2.2.2").status_code == 302


def test_a_right_code_below_the_limit_signs_in_and_resets_the_count(world, client, settings):
    user = world["therapist"]
    _password_step(client, user)
    for _ in range(settings.TESSERA_MFA_FAILURES - 1):
        _code(client, _wrong_code())
    assert _code(client, _right_code()).status_code == 302
    assert client.get(reverse("patient_list")).status_code == 200
