"""A link Tessera sent, opened in a browser where another account is signed in, says
whose session it is and offers to sign out and open it again (decision 0148): it was a
bare "Page not found" or "You do not have access" for every link that carries an id
(an application's status, a risk alert, a consultation, an episode's page) and for the
patient's own pages opened in a staff member's session."""

from django.test import Client
from django.urls import reverse

from tests.conftest import make_user, sign_in
from tests.security.test_invitations import _refer, _url


def _taken_up(world):
    application = _refer(world)
    gus = make_user("gus@person.test")
    sign_in(Client(), gus).post(_url(application))
    return application, gus


def _offers_sign_out(body: str, email: str, link: str) -> None:
    assert f"You are signed in as {email}." in body
    assert f'action="{reverse("account_logout")}"' in body
    assert f'name="next" value="{link}"' in body
    assert "data-sign-out" in body


def test_an_applicants_status_link_in_another_patients_session(world):
    application, _gus = _taken_up(world)
    link = reverse("intake_status", args=[application.pk])
    response = sign_in(Client(), world["patient"]).get(link)
    body = response.content.decode()
    assert response.status_code == 404
    _offers_sign_out(body, "patient@alpha.test", link)
    assert "gus@person.test" not in body and "Gus" not in body


def test_a_patients_link_in_a_staff_session(world):
    link = reverse("my_messages") + "?page=1"
    response = sign_in(Client(), world["therapist"]).get(link)
    assert response.status_code == 403
    _offers_sign_out(response.content.decode(), "therapist@alpha.test", link)


def test_signing_out_there_opens_the_link_for_its_own_account(world):
    application, gus = _taken_up(world)
    link = reverse("intake_status", args=[application.pk])
    browser = sign_in(Client(), world["patient"])
    out = browser.post(reverse("account_logout"), {"next": link})
    assert out["Location"] == link
    assert browser.get(link)["Location"] == f"{reverse('account_login')}?next={link}"
    assert sign_in(browser, gus).get(link).status_code == 200


def test_a_form_refused_is_not_offered_a_sign_out(world):
    response = sign_in(Client(), world["patient"]).post(reverse("intake_status", args=[999_999]))
    assert "You are signed in as" not in response.content.decode()
