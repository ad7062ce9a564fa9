"""The second sign-in step (the authenticator code) is in the house's words and the
person's language, as every sign-in page is (issues 14 and 17), not the login
library's "Two-Factor Authentication" / "Sign In"."""

from django.urls import reverse
from django.utils import translation

from tests.conftest import PASSWORD


def _second_step(client, user, language="en"):
    client.cookies["django_language"] = language
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    return client.get(reverse("mfa_authenticate")).content.decode()


def test_the_code_step_speaks_the_house_style(world, client):
    page = _second_step(client, world["therapist"])
    assert "Two-Factor Authentication" not in page and "Sign In" not in page
    assert "Sign in: your authenticator code" in page
    assert "recovery codes" in page
    assert 'name="code"' in page


def test_the_code_step_in_swedish(world, client):
    page = _second_step(client, world["therapist"], "sv")
    translation.activate("en")
    assert "Logga in: koden från din autentiseringsapp" in page
