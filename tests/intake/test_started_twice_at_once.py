""" "Start my application" twice at the same moment (a double click, two tabs), proven on
PostgreSQL with two real connections. One draft per applicant and clinic is a unique
constraint; the second request's insert waited for the first's and then broke it, and
the applicant got the server error page (500). Now the second finds the
draft the first made, and goes on to it (decision 0152)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from tessera.core.models import Region
from tessera.intake.actions.apply import do_start_application
from tessera.intake.models import Application
from tests.conftest import make_clinic, make_user, sign_in


def _other_request_starts(clinic, user, ready, outcome) -> None:
    """The other request: makes the draft, and commits only once this test's request
    waits for it (or after 10 s, when nothing waits)."""
    try:
        with transaction.atomic():
            do_start_application(clinic, applicant=user)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
                ready.set()
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    cursor.execute("SELECT pg_stat_clear_snapshot()")
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                        "'Lock' AND datname = current_database() AND pid <> %s",
                        [pid],
                    )
                    if cursor.fetchone()[0]:
                        outcome["waited"] = True
                        break
                    time.sleep(0.02)
        outcome["other"] = "committed"
    except Exception as error:  # noqa: BLE001 - the outcome is asserted
        outcome["other"] = repr(error)
    finally:
        connection.close()


def test_starting_twice_at_the_same_moment_is_one_draft_not_an_error(flushable_audit_trail):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one at a time: two starts cannot overlap there")
    clinic = make_clinic(Region.objects.create(name="Twice", country="SE"), "twice")
    applicant = make_user("twice.applicant@example.test")
    client = sign_in(Client(raise_request_exception=False), applicant)
    outcome: dict = {}
    ready = threading.Event()
    thread = threading.Thread(
        target=_other_request_starts, args=(clinic, applicant, ready, outcome)
    )
    thread.start()
    try:
        assert ready.wait(20)
        response = client.get(reverse("intake_start", args=[clinic.slug]))
    finally:
        thread.join(30)
    assert outcome == {"other": "committed", "waited": True}
    assert response.status_code == 302  # was 500
    draft = Application.objects.get(clinic=clinic, applicant=applicant)
    assert str(draft.pk) in response["Location"] or draft.reference in response["Location"]
