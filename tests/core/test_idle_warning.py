"""Idle sign-out with warning (WCAG 2.2.1): the page carries the limit and the warning,
a keep-alive request resets the clock, and signing in again after a form was sent
returns to the form's page, never to the POST-only address (which answered 405)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse


def _age_session(client, seconds):
    session = client.session
    session["tessera_last_seen"] = int(time.time()) - seconds
    session.save()


def _next_of(response) -> str:
    return parse_qs(urlsplit(response["Location"]).query)["next"][0]


def test_every_signed_in_page_carries_the_warning_and_its_limit(world, login):
    page = login(world["therapist"]).get(reverse("home")).content.decode()
    assert 'id="idle-warning"' in page
    assert 'data-idle-seconds="1800"' in page and 'data-warn-seconds="120"' in page
    assert "Stay signed in" in page and "tessera/idle.js" in page
    page = login(world["patient"]).get(reverse("home")).content.decode()
    assert 'data-idle-seconds="3600"' in page


def test_a_visitor_gets_no_warning(client, db):
    page = client.get("/").content.decode()
    assert "idle-warning" not in page and "idle.js" not in page


def test_keeping_alive_resets_the_idle_clock(world, login):
    client = login(world["therapist"])
    client.get(reverse("home"))
    _age_session(client, 29 * 60)
    response = client.get(reverse("session_keepalive"))
    assert response.status_code == 200 and response.json() == {"idle_seconds": 1800}
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    _age_session(client, 0)  # the keep-alive counted as activity ...
    assert client.get(reverse("patient_list")).status_code == 200


def test_a_lapsed_session_cannot_be_kept_alive(world, login):
    client = login(world["therapist"])
    client.get(reverse("home"))
    _age_session(client, 31 * 60)
    response = client.get(reverse("session_keepalive"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_form_sent_after_sign_out_returns_to_the_forms_page(world, login):
    client = login(world["therapist"])
    client.get(reverse("home"))
    _age_session(client, 31 * 60)
    form_page = reverse("patient_detail", args=[world.patient.pk])
    response = client.post(
        reverse("raise_concern", args=[world.episode.pk]),
        {"concern": "typed notes", "severity": "moderate"},
        HTTP_REFERER=f"http://testserver{form_page}?tab=notes",
    )
    assert response.status_code == 302
    assert _next_of(response) == f"{form_page}?tab=notes"


def test_a_form_sent_from_elsewhere_returns_home(world, login):
    client = login(world["therapist"])
    client.get(reverse("home"))
    _age_session(client, 31 * 60)
    response = client.post(
        reverse("raise_concern", args=[world.episode.pk]),
        {"concern": "x", "severity": "moderate"},
        HTTP_REFERER="https://evil.example/patients/1/",
    )
    assert _next_of(response) == reverse("home")


def test_a_page_read_after_sign_out_returns_to_itself(world, login):
    client = login(world["therapist"])
    client.get(reverse("home"))
    _age_session(client, 31 * 60)
    response = client.get(reverse("patient_list") + "?q=Pia")
    assert _next_of(response) == reverse("patient_list") + "?q=Pia"


def test_signing_out_for_idleness_leaves_the_restore_cookie(world, login):
    """Signing in again starts a new session, so the sign that text may be put back is a
    cookie (holding only "1"), which idle.js reads and removes."""
    client = login(world["therapist"])
    client.get(reverse("home"))
    _age_session(client, 31 * 60)
    response = client.post(reverse("raise_concern", args=[world.episode.pk]), {"concern": "x"})
    cookie = response.cookies["tessera_restore_typed"]
    assert cookie.value == "1" and cookie["samesite"] == "Lax" and not cookie["httponly"]
    assert "restore" not in client.get(reverse("home")).cookies
