"""Two saves of one record at the same moment (decision 0152), proven on PostgreSQL with
two real connections: the page's request in this thread, the colleague's save in another.

Decision 0149's check (the form's ``drawn`` digest) compared the values against the
record as read for the request, without a row lock. A colleague's save still under way
(its row written, not yet committed) is not seen by that read, so both passed and the
page's save, waiting only for the row to write it, then put its own values over the
colleague's without a word. Now the action takes the row's lock before it compares: it
waits for the colleague's save, reads it, and refuses (409, what was typed kept)."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from tessera.core import actions
from tessera.core.models import Clinic, Patient, Region
from tessera.core.roles import Role
from tessera.feedback.actions import do_create_template
from tessera.feedback.models import FeedbackTemplate
from tests.conftest import make_clinic, make_patient, make_user, sign_in
from tests.core.test_clinic_settings import _settings_form
from tests.core.test_patient_records import _form as _details_form

SAID = "Someone else changed these details while you were editing."


@pytest.fixture
def clinic(flushable_audit_trail):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one at a time: two saves cannot overlap there")
    return make_clinic(Region.objects.create(name="Same moment", country="SE"), "same")


def _staff(clinic, email, role):
    user = make_user(email, second_factor=True)
    actions.do_grant_role(user, clinic, role)
    return user


def _colleague_saves(table: str, pk: int, column: str, value, ready, outcome) -> None:
    """Another connection writes one column of the row and commits only once the page's
    request is waiting for that row (or after 10 s, when nothing waits)."""
    other = connections["default"]
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
            cursor.execute(
                f"UPDATE {table} SET {column} = %s WHERE id = %s",  # noqa: S608
                [value, pk],
            )
            ready.set()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with other.cursor() as watch:
                    watch.execute("SELECT pg_stat_clear_snapshot()")  # read afresh
                    watch.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                        "'Lock' AND datname = current_database() AND pid <> %s",
                        [pid],
                    )
                    if watch.fetchone()[0]:
                        outcome["waited"] = True
                        break
                time.sleep(0.02)
            cursor.execute("COMMIT")
        outcome["colleague"] = "committed"
    except Exception as error:  # noqa: BLE001 - the outcome is asserted
        outcome["colleague"] = repr(error)
    finally:
        other.close()


def _post_while_a_colleague_saves(client, url, data, *, table, pk, column, value):
    outcome: dict = {}
    ready = threading.Event()
    thread = threading.Thread(
        target=_colleague_saves, args=(table, pk, column, value, ready, outcome)
    )
    thread.start()
    try:
        assert ready.wait(20)
        response = client.post(url, data)
    finally:
        thread.join(30)
    assert outcome == {"colleague": "committed", "waited": True}
    return response


def _drawn(client, url) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="drawn" value="(\w+)"', page).group(1)


def test_a_patients_details_saved_at_the_same_moment_are_not_saved_over(clinic):
    therapist = _staff(clinic, "same.therapist@example.test", Role.THERAPIST)
    patient, _episode = make_patient(clinic, "same.patient@example.test", therapist=therapist)
    client = sign_in(Client(), therapist)
    url = reverse("patient_edit", args=[patient.pk])
    data = {**_details_form(patient, gp_name="Dr Berg"), "drawn": _drawn(client, url)}
    response = _post_while_a_colleague_saves(
        client,
        url,
        data,
        table=Patient._meta.db_table,
        pk=patient.pk,
        column="phone",
        value="+46 70 111 22 33",
    )
    assert response.status_code == 409  # was 302, the colleague's number gone
    assert SAID in response.content.decode() and 'value="Dr Berg"' in response.content.decode()
    saved = Patient.objects.get(pk=patient.pk)
    assert (saved.phone, saved.gp_name) == ("+46 70 111 22 33", "")


def test_clinic_settings_saved_at_the_same_moment_are_not_saved_over(clinic):
    manager = _staff(clinic, "same.manager@example.test", Role.CLINIC_MANAGER)
    client = sign_in(Client(), manager)
    url = reverse("clinic_edit", args=[clinic.slug])
    data = _settings_form(name=clinic.name, referral_model="self", drawn=_drawn(client, url))
    data["response_target_hours"] = str(clinic.response_target_hours)
    response = _post_while_a_colleague_saves(
        client,
        url,
        data,
        table=Clinic._meta.db_table,
        pk=clinic.pk,
        column="response_target_hours",
        value=clinic.response_target_hours + 8,
    )
    assert response.status_code == 409
    assert SAID in response.content.decode()
    saved = Clinic.objects.get(pk=clinic.pk)
    assert saved.response_target_hours == clinic.response_target_hours + 8
    assert saved.referral_model == clinic.referral_model


def test_a_template_saved_at_the_same_moment_is_not_saved_over(clinic):
    therapist = _staff(clinic, "same.author@example.test", Role.THERAPIST)
    template = do_create_template(
        acting_user=therapist, title="Mine", language="en", body="Hi {name}"
    )
    client = sign_in(Client(), therapist)
    url = reverse("feedback_template_edit", args=[template.pk])
    data = {"title": "Renamed", "language": "en", "body": "Hi {name}!", "drawn": ""}
    data["drawn"] = _drawn(client, url)
    response = _post_while_a_colleague_saves(
        client,
        url,
        data,
        table=FeedbackTemplate._meta.db_table,
        pk=template.pk,
        column="body",
        value="Hi {name}, from the other tab.",
    )
    assert response.status_code == 409
    assert SAID in response.content.decode() and "Renamed" in response.content.decode()
    template.refresh_from_db()
    assert (template.title, template.body) == ("Mine", "Hi {name}, from the other tab.")
