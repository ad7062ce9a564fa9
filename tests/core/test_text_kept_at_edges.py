"""No typed text is lost at the edges (issue 14): a form sent after the session ended
any way returns to its page with the text put back; sign-out asks first when text is
unsent; the same safety plan sent twice is one save."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from tessera.safety.actions.plans import EditedMeanwhile, do_save_safety_plan
from tessera.safety.models import SAFETY_PLAN_KEYS, SafetyPlan, SafetyPlanRevision
from tests.conftest import sign_in


def _plan_form(version, **given):
    return {"based_on": str(version), **{k: given.get(k, "") for k in SAFETY_PLAN_KEYS}}


def test_a_form_sent_after_the_session_expired_returns_to_its_page(world, client):
    # No session at all (its cookie ran out, or the person signed out in another tab).
    response = client.post(
        "/me/safety-plan/",
        _plan_form(0, warning_signs="I stop sleeping"),
        HTTP_REFERER="http://testserver/me/safety-plan/?edit=1",
    )
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login")
    assert parse_qs(location.query)["next"] == ["/me/safety-plan/?edit=1"]
    assert response.cookies["tessera_restore_typed"].value == "1"
    assert not SafetyPlan.objects.exists()


def test_a_page_opened_while_signed_out_sets_no_restore_cookie(world, client):
    response = client.get("/me/safety-plan/")
    assert response.status_code == 302
    assert "tessera_restore_typed" not in response.cookies


def test_the_safety_plan_sent_twice_is_saved_once(world, client):
    sign_in(client, world.patient.user)
    data = _plan_form(0, coping="A walk by the water")
    assert client.post("/me/safety-plan/", data).status_code == 302
    again = client.post("/me/safety-plan/", data)  # the double click, version 0 again
    assert again.status_code == 302
    assert SafetyPlan.objects.get().version == 1
    assert SafetyPlanRevision.objects.count() == 1


def test_a_real_change_from_an_old_version_is_still_refused(world):
    do_save_safety_plan(
        world.episode, acting_user=world["therapist"], parts={"coping": "Music"}, based_on=0
    )
    with pytest.raises(EditedMeanwhile):
        do_save_safety_plan(
            world.episode, acting_user=world.patient.user, parts={"coping": "Run"}, based_on=0
        )


def test_every_signed_in_page_asks_before_signing_out_over_unsent_text(world, client):
    sign_in(client, world.patient.user)
    page = client.get("/").content.decode()
    assert 'id="unsaved-warning"' in page
    assert "data-unsaved-back" in page and "data-unsaved-discard" in page
    assert "Sign out and discard it" in page


def _stale_form_client(world):
    """A browser whose form was drawn before the person signed in again in another tab:
    signing in gave the browser a new CSRF token, the form holds the old one."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    sign_in(client, world.patient.user)
    client.get("/me/safety-plan/")  # the CSRF cookie the page was drawn with
    return client


def test_a_form_from_a_page_drawn_before_signing_in_again_returns_to_its_page(world):
    client = _stale_form_client(world)
    response = client.post(
        "/me/safety-plan/",
        {**_plan_form(0, warning_signs="I stop sleeping"), "csrfmiddlewaretoken": "x" * 64},
        HTTP_REFERER="http://testserver/me/safety-plan/?edit=1",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 302
    assert response["Location"] == "/me/safety-plan/?edit=1"
    assert response.cookies["tessera_restore_typed"].value == "1"
    assert not SafetyPlan.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "This page was opened before you last signed in, so the form was not sent." in page


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_REFERER": "https://evil.example/"},
        {},  # no page it came from
    ],
)
def test_a_form_without_a_token_from_elsewhere_is_refused_in_the_sites_words(world, headers):
    client = _stale_form_client(world)
    response = client.post("/me/safety-plan/", _plan_form(0, coping="Run"), **headers)
    assert response.status_code == 403
    assert "tessera_restore_typed" not in response.cookies
    assert "The form was not sent" in response.content.decode()
    assert not SafetyPlan.objects.exists()


def test_a_draft_saved_by_htmx_after_the_session_ended_gets_a_line_not_the_sign_in_page(
    world, client
):
    """Found at the edges: signed out in another tab, the message draft's autosave
    followed the redirect and htmx put the whole sign-in page (header, form, language
    picker) into the compose form's status line."""
    response = client.post(
        "/me/messages/draft/",
        {"body": "I wanted to say"},
        HTTP_HX_REQUEST="true",
        HTTP_REFERER="http://testserver/me/messages/",
    )
    assert response.status_code == 401
    text = response.content.decode()
    assert text.startswith("You have been signed out, so this was not saved.")
    assert "<form" not in text and "tessera_restore_typed" not in response.cookies


def test_a_draft_autosaved_from_a_page_drawn_before_signing_in_again_says_so(world):
    client = _stale_form_client(world)
    response = client.post(
        "/me/messages/draft/",
        {"body": "I wanted to say", "csrfmiddlewaretoken": "x" * 64},
        HTTP_HX_REQUEST="true",
        HTTP_REFERER="http://testserver/me/messages/",
    )
    assert response.status_code == 409  # errors.js puts it in the status line
    assert response.content.decode() == (
        "This page was opened before you last signed in, so this was not saved. "
        "Open the page again."
    )


def _idle(client, seconds: int) -> None:
    session = client.session
    session["tessera_last_seen"] = int(time.time()) - seconds
    session.save()


def test_a_heartbeat_after_the_idle_limit_gets_a_401_and_leaves_the_message_for_the_page(
    world, login
):
    """Found in CI: the time heartbeat (a ``keepalive`` fetch) of a page left for the
    night reached the server after the person had gone on. It was sent to the sign-in
    page, which fetch drew unseen: it took the "signed out" message, left the cookie that
    puts typed text back and, in a browser whose cookies had been cleared, set a new CSRF
    cookie under the sign-in form open in the tab, so its "Sign in" was refused."""
    client = login(world["therapist"])
    heartbeat = reverse("time_heartbeat", args=[world.episode.pk])
    _idle(client, 31 * 60)
    response = client.post(heartbeat, headers={"Sec-Fetch-Mode": "same-origin"})
    assert response.status_code == 401
    assert "Location" not in response
    assert "tessera_restore_typed" not in response.cookies
    assert "csrftoken" not in response.cookies
    # Signed out, and the person's next page says why.
    page = client.get(reverse("patient_list"), follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "You were signed out after a period of inactivity." in page.content.decode()


@pytest.mark.parametrize("mode", ["cors", "same-origin", "no-cors"])
def test_a_scripts_request_while_signed_out_gets_a_401_not_the_sign_in_page(world, client, mode):
    keep_alive = client.get(reverse("session_keepalive"), headers={"Sec-Fetch-Mode": mode})
    assert keep_alive.status_code == 401
    heartbeat = client.post(
        reverse("time_heartbeat", args=[world.episode.pk]), headers={"Sec-Fetch-Mode": mode}
    )
    assert heartbeat.status_code == 401
    assert "tessera_restore_typed" not in heartbeat.cookies
    assert "csrftoken" not in heartbeat.cookies


def test_a_form_the_person_sent_while_signed_out_still_goes_to_sign_in(world, client):
    response = client.post(
        "/me/safety-plan/",
        _plan_form(0, warning_signs="I stop sleeping"),
        headers={"Sec-Fetch-Mode": "navigate", "Referer": "http://testserver/me/safety-plan/"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert response.cookies["tessera_restore_typed"].value == "1"


def test_an_autosave_from_a_page_drawn_before_signing_in_again_gets_a_line(world):
    """A worksheet's autosave (fetch, not htmx) from a tab drawn before the person signed
    in again in another: it was sent back to the page, which fetch drew unseen (the
    message meant for the person went with it) and the worksheet retried for ever."""
    client = _stale_form_client(world)
    response = client.post(
        "/me/messages/draft/",
        {"body": "I wanted to say", "csrfmiddlewaretoken": "x" * 64},
        headers={
            "Sec-Fetch-Mode": "same-origin",
            "Sec-Fetch-Site": "same-origin",
            "X-Autosave": "1",
            "Referer": "http://testserver/me/messages/",
        },
    )
    assert response.status_code == 409
    assert response.content.decode().startswith("This page was opened before you last signed in")
    assert "tessera_restore_typed" not in response.cookies
    assert "messages" not in response.cookies


def test_a_heartbeat_about_an_episode_no_longer_seen_gets_a_404_not_a_message(world, login):
    client = login(world["therapist"])
    response = client.post(
        reverse("time_heartbeat", args=[world.episode.pk + 1000]),
        headers={
            "Sec-Fetch-Mode": "same-origin",
            "Sec-Fetch-Site": "same-origin",
            "Referer": f"http://testserver/episodes/{world.episode.pk}/",
        },
    )
    assert response.status_code == 404
    assert "messages" not in response.cookies
    page = client.get(reverse("home"))
    assert "Nothing was changed" not in page.content.decode()
