"""An e-mail confirmation link confirmed, then confirmed again (a second click, an old
tab): the page says the link no longer works and offers sign-in (decision 0103)."""

from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user


def _link(email: str) -> str:
    user = make_user(email)
    EmailAddress.objects.filter(user=user).update(verified=False)
    return reverse(
        "account_confirm_email",
        args=[EmailConfirmationHMAC(EmailAddress.objects.get(user=user)).key],
    )


def test_a_confirmation_sent_twice_says_the_link_no_longer_works(db):
    url = _link("new@person.test")
    assert Client().post(url).status_code == 302
    assert EmailAddress.objects.get(email="new@person.test").verified

    response = Client().post(url)  # the old tab's button
    body = response.content.decode()
    assert response.status_code == 200
    assert "This confirmation link no longer works" in body
    assert reverse("account_login") in body


def test_an_altered_link_sent_says_the_same(db):
    url = _link("new@person.test")
    response = Client().post(url[:-6] + "/")
    assert response.status_code == 200
    assert "This confirmation link no longer works" in response.content.decode()
    assert not EmailAddress.objects.get(email="new@person.test").verified
