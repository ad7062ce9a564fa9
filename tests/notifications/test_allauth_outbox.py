"""allauth's own mail (password reset, an unknown address asking for one) goes through
the outbox too (docs/decisions/0029): the page answers normally whatever the mail
server does, one row is written, retried with backoff, sent once; the reset link's
token is made when the row is sent and never stored or logged."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.utils import timezone

from tessera.notifications.models import Notification
from tests.outbox import drain, rows

BROKEN = "tests.notifications.test_notifications_delivery.BrokenMail"
RESET = "/accounts/password/reset/"


def test_a_refusing_mail_server_during_a_password_reset_loses_nothing(
    client, world, settings, caplog
):
    settings.EMAIL_BACKEND = BROKEN
    email = world.patient.user.email
    with caplog.at_level("DEBUG"):
        response = client.post(RESET, {"email": email})
        assert response.status_code == 302  # was a 5xx: the refusal raised in the request
        (row,) = rows("account_mail")
        assert row.to_address == email and row.recipient == world.patient.user
        now = timezone.now()
        assert drain(now) == []
        row.refresh_from_db()
        assert (row.state, row.attempts, row.send_after - now) == (
            "intended",
            1,
            dt.timedelta(minutes=1),
        )
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        (sent,) = drain(now + dt.timedelta(minutes=1))
        assert drain(now + dt.timedelta(hours=3)) == []  # no duplicate
    assert sent.to == [email] and "/accounts/password/reset/key/" in sent.body
    token_link = next(w for w in sent.body.split() if "/reset/key/" in w)
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 2)
    assert sent.extra_headers["Message-ID"] == row.message_id
    stored = str(row.params) + row.link
    assert "/reset/key/" not in stored and token_link.rsplit("-", 1)[-1] not in stored
    assert token_link not in caplog.text and "/reset/key/" not in caplog.text


def test_the_password_reset_mail_arrives_once_after_drain_and_its_link_works(client, world):
    mail.outbox.clear()
    client.post(RESET, {"email": world.patient.user.email})
    assert mail.outbox == []  # nothing inside the request
    (sent,) = drain()
    assert drain() == []
    assert sent.subject.startswith("Tessera: ")
    link = next(w for w in sent.body.split() if "/reset/key/" in w)
    assert link.startswith("http://testserver/accounts/password/reset/key/")
    page = client.get(link.removeprefix("http://testserver"), follow=True)
    assert "This link no longer works" not in page.content.decode()


def test_an_unknown_address_is_answered_through_the_outbox_too(client, db, settings):
    settings.EMAIL_BACKEND = BROKEN
    response = client.post(RESET, {"email": "nobody@nowhere.test"})
    assert response.status_code == 302
    (row,) = Notification.objects.filter(kind="account_mail")
    assert row.recipient is None and row.address == "nobody@nowhere.test"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    (sent,) = drain(timezone.now() + dt.timedelta(minutes=1))
    assert sent.to == ["nobody@nowhere.test"]


def test_a_refusing_mail_server_during_sign_up_loses_nothing(client, db, settings, caplog):
    from allauth.account.models import EmailAddress

    from tests.conftest import PASSWORD

    settings.TESSERA_OPEN_SIGNUP = True
    settings.EMAIL_BACKEND = BROKEN
    email = "new.person@apply.test"
    with caplog.at_level("DEBUG"):
        response = client.post(
            "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
        )
        assert response.status_code == 302  # the refusal used to raise out of the request
        (row,) = rows("account_mail")
        assert row.to_address == email
        now = timezone.now()
        assert drain(now) == []
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        (sent,) = drain(now + dt.timedelta(minutes=1))
        assert drain(now + dt.timedelta(hours=3)) == []  # no duplicate
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 2)
    link = next(w for w in sent.body.split() if "/accounts/confirm-email/" in w)
    key = link.rstrip("/").rsplit("/", 1)[-1]
    stored = str(row.params) + row.link
    assert key not in stored and "confirm-email" not in stored and key not in caplog.text
    path = link.removeprefix("http://testserver")
    assert client.get(path).status_code == 200  # the confirm page opens
    client.post(path)
    assert EmailAddress.objects.get(email=email).verified


def _sign_up(client, email):
    from tests.conftest import PASSWORD

    return client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def test_signing_up_again_with_a_known_address_is_answered_through_the_outbox(
    client, world, settings
):
    settings.TESSERA_OPEN_SIGNUP = True
    settings.EMAIL_BACKEND = BROKEN
    email = world.patient.user.email
    assert _sign_up(client, email).status_code == 302  # the same answer as a new address
    (row,) = rows("account_mail")
    assert row.params["template"] == "account/email/account_already_exists"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    (sent,) = drain(timezone.now() + dt.timedelta(minutes=1))
    assert sent.to == [email] and "http://testserver/accounts/password/reset/" in sent.body


def test_with_stored_confirmations_the_stored_key_is_sent(client, db, settings):
    from allauth.account.models import EmailAddress, EmailConfirmation

    settings.TESSERA_OPEN_SIGNUP = True
    settings.ACCOUNT_EMAIL_CONFIRMATION_HMAC = False
    _sign_up(client, "stored@apply.test")
    (row,) = rows("account_mail")
    stored = EmailConfirmation.objects.get(email_address__email="stored@apply.test")
    assert stored.key not in str(row.params)
    (sent,) = drain()
    link = next(w for w in sent.body.split() if "/accounts/confirm-email/" in w)
    assert link.rstrip("/").endswith(stored.key)
    client.post(link.removeprefix("http://testserver"))
    assert EmailAddress.objects.get(email="stored@apply.test").verified


def test_an_address_confirmed_before_the_row_went_fails_it_at_once(client, db, settings):
    from allauth.account.models import EmailAddress

    settings.TESSERA_OPEN_SIGNUP = True
    _sign_up(client, "quick@apply.test")
    EmailAddress.objects.filter(email="quick@apply.test").update(verified=True)
    assert drain() == []
    (row,) = rows("account_mail")
    assert row.state == "failed"
