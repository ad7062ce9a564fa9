"""allauth's page asking for a code by e-mail before a change of sign-in (turning on an
authenticator app) labelled its one field "Recipient" in every language: allauth gives
the field no label, so Django named it from the field (found walking the demo in
Swedish and Danish, decision 0122)."""

from __future__ import annotations

from django.urls import reverse


def test_the_code_page_labels_its_field_in_the_reader_s_language(world, login):
    client = login(world.patient.user)
    url = reverse("account_request_reauthentication_code")
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Send the code to" in english and "Recipient" not in english
    client.post(reverse("set_language"), {"language": "sv", "next": url})
    swedish = client.get(url).content.decode()
    assert "Skicka koden till" in swedish and "Recipient" not in swedish

    # and the code is still asked for the address chosen
    response = client.post(url, {"recipient": world.patient.user.email})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_confirm_reauthentication_code"))


def test_the_code_page_s_buttons_say_what_they_do(world, login):
    """allauth's "Confirm", "Request new code" and "Cancel" (decision 0128)."""
    from tests.control_names import controls

    client = login(world.patient.user)
    client.post(
        reverse("account_request_reauthentication_code"), {"recipient": world.patient.user.email}
    )
    page = client.get(reverse("account_confirm_reauthentication_code"))
    assert page.status_code == 200
    names = {c.name for c in controls(page.content.decode())}
    assert "Confirm with the code" in names  # a new code is offered only after a while
    assert not names & {"Confirm", "Request new code", "Cancel"}
