"""A password link or an e-mail confirmation opened while another account is signed in
(a colleague's session on a shared computer) asks before signing that account out,
where allauth signed it out without a word (decision 0111)."""

from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.test import Client
from django.urls import reverse

from tessera.core.actions import staff as staff_actions
from tests.conftest import make_user, sign_in


def _still_signed_in(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def test_a_staff_invitation_opened_in_a_colleagues_session_asks_first(world):
    invited = staff_actions.do_invite_staff(
        world.clinic, acting_user=world["manager"], email="new@alpha.test", role="therapist"
    )
    link = staff_actions.invitation_link(invited.user)
    colleague = sign_in(Client(), world["therapist"])

    response = colleague.get(link, follow=True)
    body = response.content.decode()
    assert "This link is for another account" in body
    assert "You are signed in as therapist@alpha.test" in body
    assert "new@alpha.test" not in body
    assert "Choose a new password" not in body
    assert _still_signed_in(colleague, world["therapist"])
    assert f'action="{reverse("account_logout")}"' in body

    # "Sign out and open the link": the link's own form, for its own account.
    assert f'name="next" value="{link}"' in body
    response = colleague.post(reverse("account_logout"), {"next": link}, follow=True)
    assert not _still_signed_in(colleague, world["therapist"])
    assert "Choose a new password" in response.content.decode()


def test_ones_own_password_link_opens_as_before(world):
    user = world["therapist"]
    client = sign_in(Client(), user)
    link = staff_actions.invitation_link(user)
    body = client.get(link, follow=True).content.decode()
    assert "Choose a new password" in body
    assert "This link is for another account" not in body


def test_a_confirmation_link_of_another_account_neither_confirms_nor_signs_out(world):
    person = make_user("new@person.test")
    EmailAddress.objects.filter(user=person).update(verified=False)
    key = EmailConfirmationHMAC(EmailAddress.objects.get(user=person)).key
    url = reverse("account_confirm_email", args=[key])
    patient = sign_in(Client(), world["patient"])

    for response in (patient.get(url), patient.post(url)):
        body = response.content.decode()
        assert response.status_code == 200
        assert "This link is for another account" in body
        assert "new@person.test" not in body
        assert f'name="next" value="{url}"' in body
    assert _still_signed_in(patient, world["patient"])
    assert not EmailAddress.objects.get(user=person).verified

    # Signed out, the same link confirms the address as before.
    patient.post(reverse("account_logout"), {"next": url})
    assert patient.post(url).status_code == 302
    assert EmailAddress.objects.get(user=person).verified
