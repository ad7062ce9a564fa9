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
    assert "Code from your authenticator app" in page
    assert "recovery codes" in page
    assert 'name="code"' in page


def test_the_code_step_in_swedish(world, client):
    page = _second_step(client, world["therapist"], "sv")
    translation.activate("en")
    assert "Kod från din autentiseringsapp" in page


def test_setting_up_the_app_speaks_the_house_style(world, client):
    from allauth.mfa.models import Authenticator

    from tests.conftest import sign_in

    user = world["therapist"]
    Authenticator.objects.filter(user=user).delete()
    sign_in(client, user, reauthenticated=False)
    again = client.get(reverse("account_reauthenticate")).content.decode()
    assert "Confirm Access" not in again and "Please reauthenticate" not in again
    assert "Confirm it is you" in again and 'name="password"' in again
    sign_in(client, user)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    assert "Activate Authenticator App" not in page and "input the verification code" not in page
    assert "Set up an authenticator app" in page and "Key for typing into the app" in page
    assert 'name="code"' in page
