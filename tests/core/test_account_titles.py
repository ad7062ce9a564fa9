"""allauth's pages carry titles in the house style and the page's language (issue 17)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("account_signup", "Creating an account · Tessera"),
        ("account_reset_password", "Choose a new password · Tessera"),
        ("account_login", "Sign in · Tessera"),
    ],
)
def test_signed_out_pages_have_house_titles(client, db, name, english):
    assert _title(client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="en")) == english


def test_signed_in_account_pages_have_house_titles_in_the_persons_language(world, login):
    client = login(world["therapist"])
    assert _title(client.get(reverse("account_email"))) == "E-mail addresses · Tessera"
    assert _title(client.get(reverse("mfa_index"))) == "Second factor · Tessera"
    with translation.override("nb"):
        norwegian = _title(
            client.get(reverse("account_change_password"), HTTP_ACCEPT_LANGUAGE="nb")
        )
    assert norwegian == "Endre passordet ditt · Tessera"
