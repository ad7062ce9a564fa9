"""Found by opening again every page a patient had open after one change made by the
clinic: the patient's module taken out of the plan (or closed again) while the patient
was reading it or writing its worksheet. Reading it again said "Page not found"; a
worksheet sent with its Save button landed on Page not found with the text lost; the
autosave was answered 404 and worksheet.js said "kept on this device, sent when you are
back online" and retried every 15 seconds for ever.

Now: reading it again goes to the plan with a word; a worksheet or diary entry sent from
it is not saved and what was typed is shown back, to copy (409); the autosave gets the
reason as JSON (409), which worksheet.js says and stops retrying. A module of another
patient's plan stays a plain Page not found."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tessera.core.models import Episode, User
from tessera.treatment.actions.plans import do_remove_module, do_set_unlock_date
from tessera.treatment.models import PlanEntry, WorksheetAnswer
from tests.conftest import sign_in

TAKEN_OUT = "This module was taken out of your plan, so it can no longer be opened."
NOT_OPEN = "This module is not open at the moment: your plan was changed."


@pytest.fixture
def demo(seeded_demo):
    pass


def _client(email: str) -> Client:
    client = Client()
    sign_in(client, User.objects.get(email=email))
    return client


def _entry(position: int) -> PlanEntry:
    return PlanEntry.objects.get(
        episode__patient__user__email="patient@demo.tessera.test",
        position=position,
        removed_at__isnull=True,
    )


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_a_module_taken_out_while_open_reads_sends_and_autosaves_with_a_word(demo):
    patient = _client("patient@demo.tessera.test")
    entry = _entry(4)  # open, with a worksheet at step 3
    reader = f"/me/modules/{entry.pk}/?step=3"
    assert patient.get(reader).status_code == 200
    therapist = User.objects.get(email="therapist@demo.tessera.test")
    do_remove_module(entry, acting_user=therapist, reason="Not needed")
    answers = WorksheetAnswer.objects.count()

    again = patient.get(reader)
    assert again.status_code == 302 and again["Location"] == "/me/modules/"
    assert TAKEN_OUT in _messages(patient.get("/me/modules/"))

    save = f"/me/modules/{entry.pk}/steps/3/"
    typed = {
        "start_with": "Walk <to> the shop & back",
        "activities-0-activity": "Call my sister",
    }
    sent = patient.post(save, {**typed, "send": "1"}, HTTP_REFERER=f"http://testserver{reader}")
    assert sent.status_code == 409
    body = sent.content.decode()
    assert TAKEN_OUT in body
    assert "What you wrote is below, to copy." in body
    assert "Walk &lt;to&gt; the shop &amp; back" in body
    assert "Call my sister" in body

    autosave = patient.post(save, typed, HTTP_X_AUTOSAVE="1", HTTP_SEC_FETCH_MODE="cors")
    assert autosave.status_code == 409
    assert autosave.json() == {"error": TAKEN_OUT, "fields": []}
    assert WorksheetAnswer.objects.count() == answers


def test_a_diary_entry_for_a_module_closed_again_is_shown_back(demo):
    patient = _client("patient@demo.tessera.test")
    entry = _entry(5)  # open, with a diary (homework) at step 3
    diary = f"/me/modules/{entry.pk}/homework/3/"
    assert patient.get(diary).status_code == 200
    therapist = User.objects.get(email="therapist@demo.tessera.test")
    episode = Episode.objects.get(pk=entry.episode_id)
    # a year on by days: the same date a year on does not exist when the course started
    # on 29 February (the demo's started four weeks before 28 March 2028; decision 0109)
    later = episode.started_on + dt.timedelta(days=365)
    do_set_unlock_date(entry, later, acting_user=therapist, reason="Later")

    assert patient.get(diary)["Location"] == "/me/modules/"
    sent = patient.post(
        diary,
        {"plan-0-activity": "A walk by the river", "for_date": "2026-12-01"},
        HTTP_REFERER=f"http://testserver{diary}",
    )
    assert sent.status_code == 409
    body = sent.content.decode()
    assert NOT_OPEN in body
    assert "A walk by the river" in body


def test_another_patients_module_stays_a_plain_page_not_found(demo):
    entry = _entry(4)
    other = _client("patient2@demo.tessera.test")
    assert other.get(f"/me/modules/{entry.pk}/").status_code == 404
    response = other.post(f"/me/modules/{entry.pk}/steps/3/", {"start_with": "x"})
    assert response.status_code == 404
    assert "start_with" not in response.content.decode()
