"""The sign-in library's pages speak in the house style, with their own page titles
(issue 14): resetting a password, confirming an e-mail address, signing out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import sign_in
from tests.outbox import drain

DEFAULT_TEXTS = (
    "Password Reset",
    "Reset My Password",
    "Bad Token",
    "Confirm Email Address",
    "Are you sure you want to sign out?",
    "Verify Your Email Address",
    "Change Password",
)


def _page(response) -> str:
    assert response.status_code == 200
    text = response.content.decode()
    for default in DEFAULT_TEXTS:
        assert default not in text
    return text


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/accounts/password/reset/", "Choose a new password"),
        ("/accounts/password/reset/done/", "Check your e-mail"),
        ("/accounts/password/reset/key/1-bad-key/", "This link no longer works"),
        ("/accounts/password/reset/key/done/", "Your new password is saved"),
        ("/accounts/confirm-email/not-a-key/", "Confirm your e-mail address"),
        ("/accounts/confirm-email/", "Confirm your e-mail address"),
    ],
)
def test_each_page_has_the_house_text_and_its_title(client, db, url, title):
    text = _page(client.get(url))
    assert f"<title>{title} · Tessera</title>" in text
    assert "<h1>" in text


def test_signing_out_explains_what_it_removes(world, client):
    sign_in(client, world.patient.user)
    text = _page(client.get(reverse("account_logout")))
    assert "<title>Sign out · Tessera</title>" in text
    assert "data-sign-out" in text and "shared computer" in text


def test_the_password_reset_form_sends_a_link_and_says_so(client, world, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": world.patient.user.email})
    assert response.status_code == 302
    assert "Check your e-mail" in client.get(response["Location"]).content.decode()
    assert mailoutbox == []  # through the outbox (docs/decisions/0029)
    assert len(drain()) == 1


def test_the_sign_in_page_offers_a_new_password_once(client, db):
    text = client.get(reverse("account_login")).content.decode()
    assert text.count('href="/accounts/password/reset/"') == 1


def test_the_confirmation_e_mail_is_the_house_text_in_the_visitors_language(
    client, db, mailoutbox, settings
):
    # Not allauth's "an account on 127.0.0.1:8106": Tessera's own words, in Swedish here.
    from tests.conftest import PASSWORD

    settings.TESSERA_OPEN_SIGNUP = True

    client.post(
        reverse("account_signup"),
        {"email": "ny@apply.test", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert mailoutbox == []  # through the outbox (docs/decisions/0029)
    (sent,) = drain()
    body = sent.body
    assert "skapa ett konto i Tessera" in body
    assert "Öppna den här länken för att bekräfta" in body and "/accounts/confirm-email/" in body
    assert "testserver" not in body.replace("http://testserver/", "")
