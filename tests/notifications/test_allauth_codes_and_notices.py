"""allauth's sign-in codes and security notices go through the outbox too (decision 0029,
last amendment), so switching them on is safe: the page answers whatever the mail server
does, one row is written, sent on the retry, the code is never stored in the clear (only
sealed, with the code's own lifetime, and wiped once sent) nor logged, and nothing
clinical is in the mail."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.account import views as allauth_views
from django.core import mail
from django.urls import path
from django.utils import timezone

import tessera.urls
from tessera.notifications.models import Notification
from tests.conftest import PASSWORD
from tests.outbox import drain

BROKEN = "tests.notifications.test_notifications_delivery.BrokenMail"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"

# allauth adds the request page of sign-in by code only when it is on at start-up.
urlpatterns = [
    path(
        "accounts/login/code/",
        allauth_views.request_login_code,
        name="account_request_login_code",
    ),
    *tessera.urls.urlpatterns,
]


@pytest.fixture
def codes_on(settings):
    settings.ROOT_URLCONF = __name__
    settings.ACCOUNT_LOGIN_BY_CODE_ENABLED = True
    settings.EMAIL_BACKEND = BROKEN


def clinical_words(world) -> list[str]:
    patient = world.patient
    return [patient.first_name, patient.last_name, world.clinic.name, "PHQ", "GAD", "risk"]


def test_a_sign_in_code_with_a_refusing_mail_server(client, world, codes_on, settings, caplog):
    email = world.patient.user.email
    with caplog.at_level("DEBUG"):
        response = client.post("/accounts/login/code/", {"email": email})
        assert response.status_code == 302  # was: the refusal raised out of the request
        assert mail.outbox == []  # nothing inline
        (row,) = Notification.objects.filter(kind="account_security")
        assert row.recipient == world.patient.user and row.to_address == email
        assert "sealed" in row.params
        now = timezone.now()
        assert drain(now) == []
        settings.EMAIL_BACKEND = LOCMEM
        (sent,) = drain(now + dt.timedelta(minutes=1))
        assert drain(now + dt.timedelta(hours=3)) == []  # no duplicate
    code = sent.body.split("below. Please enter it in your open browser window.")[1].split()[0]
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 2)
    assert "sealed" not in row.params  # not kept once sent, even sealed
    stored = str(Notification.objects.filter(pk=row.pk).values().get())
    assert code not in stored and code not in caplog.text
    for word in clinical_words(world):
        assert word.lower() not in (sent.subject + sent.body).lower()
    # The code sent on the retry is the one allauth expects.
    response = client.post("/accounts/login/code/confirm/", {"code": code})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(world.patient.user.pk)


def test_a_code_past_its_lifetime_is_not_sent(client, world, codes_on, settings):
    assert (
        client.post("/accounts/login/code/", {"email": world.patient.user.email}).status_code == 302
    )
    (row,) = Notification.objects.filter(kind="account_security")
    settings.EMAIL_BACKEND = LOCMEM
    settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT = -1  # already over
    assert drain(timezone.now() + dt.timedelta(minutes=1)) == []
    row.refresh_from_db()
    assert (row.state, row.error_code) == ("failed", "Undeliverable")


def test_a_security_notice_with_a_refusing_mail_server(client, world, settings, caplog):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    settings.EMAIL_BACKEND = BROKEN
    user = world.patient.user
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    new = "a-new-long-password-42"
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    assert mail.outbox == []
    (row,) = Notification.objects.filter(kind="account_security")
    assert row.params["template"] == "account/email/password_changed"
    assert row.params["notice"]["ip"] == "127.0.0.1"
    now = timezone.now()
    assert drain(now) == []
    settings.EMAIL_BACKEND = LOCMEM
    (sent,) = drain(now + dt.timedelta(minutes=1))
    assert drain(now + dt.timedelta(hours=3)) == []
    assert sent.to == [user.email] and "127.0.0.1" in sent.body
    assert "password" in sent.subject.lower()
    for word in clinical_words(world):
        assert word.lower() not in (sent.subject + sent.body).lower()
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 2)


def test_notices_stay_off_while_allauth_has_them_off(client, world, settings):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = False
    user = world.patient.user
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    new = "a-new-long-password-42"
    client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert not Notification.objects.filter(kind="account_security").exists()
