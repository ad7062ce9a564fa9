"""A questionnaire that closes while the patient is answering it (decision 0131).

Its window ends, or it is cancelled (the course ended, the programme changed), between
the patient opening the form and sending it. The last hour of a window loses nothing:
a patient who had begun it finishes and sends it. After that, or once cancelled, every
way of sending (the form, the autosave, the review page) is refused alike, nothing is
stored, and a risk answer among the answers shows the crisis contacts with the words
that the clinic will not see them. The list no longer shows closed ones as coming up.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tessera.core.models import AuditEvent
from tessera.treatment.models import DueMeasure, Response, ResponseDraft
from tessera.treatment.models.measures import LATE_GRACE

ALL_ONES = {**{f"item{n}": "1" for n in range(1, 9)}, "item9": "0"}
AT_RISK = {**ALL_ONES, "item9": "2"}
NOT_SEEN = "they have not reached your clinic and nobody there will see them"
CRISIS = "If you are thinking about harming yourself"


def _urls(due):
    return (
        reverse("questionnaire_fill", args=[due.pk]),
        reverse("questionnaire_review", args=[due.pk]),
        reverse("questionnaire_autosave", args=[due.pk]),
    )


def _close(due, *, ago: dt.timedelta = dt.timedelta(minutes=5), cancel: bool = False):
    """The window ended ``ago`` (or the questionnaire was cancelled)."""
    if cancel:
        DueMeasure.objects.filter(pk=due.pk).update(cancelled=True)
    else:
        now = timezone.now()
        DueMeasure.objects.filter(pk=due.pk).update(
            due_at=now - ago - dt.timedelta(days=2), expires_at=now - ago
        )


def _draft(client, due, answers):
    """The patient answers on the form while it is open (kept as a draft)."""
    fill, _review, _autosave = _urls(due)
    client.post(fill, {**answers, "save": "1"})
    return ResponseDraft.objects.get(due=due)


def test_answers_begun_before_the_window_ended_are_sent_within_the_hour(world, login):
    client = login(world["patient"])
    _draft(client, world.due, {"item1": "1"})
    _close(world.due)
    fill, review, _autosave = _urls(world.due)
    assert client.get(fill).status_code == 200  # the form again, to finish it
    assert client.post(fill, {**ALL_ONES, "review": "1"})["Location"] == review
    key = ResponseDraft.objects.get(due=world.due).submission_key
    sent = client.post(review, {"submission_key": str(key)})
    assert sent["Location"] == reverse("questionnaire_done", args=[world.due.pk])
    assert Response.objects.get(due=world.due).total == 8
    listed = client.get(reverse("my_questionnaires")).content.decode()
    assert "Nothing to fill in right now." in listed


def test_without_a_draft_a_closed_window_takes_nothing(world, login):
    client = login(world["patient"])
    _close(world.due)
    fill, review, autosave = _urls(world.due)
    refused = client.post(fill, {**ALL_ONES, "review": "1"})
    assert refused["Location"] == reverse("my_questionnaires")
    assert client.post(autosave, {"item1": "1"}).status_code == 409
    assert not ResponseDraft.objects.filter(due=world.due).exists()


def test_a_review_page_left_open_past_the_hour_is_refused_and_stores_nothing(world, login):
    """Before, the review page sent the answers whenever it was pressed, a week late or
    after the questionnaire was cancelled, while the form refused them."""
    client = login(world["patient"])
    fill, review, _autosave = _urls(world.due)
    client.post(fill, {**ALL_ONES, "review": "1"})
    key = ResponseDraft.objects.get(due=world.due).submission_key
    _close(world.due, ago=LATE_GRACE + dt.timedelta(minutes=1))
    events = AuditEvent.objects.count()
    refused = client.post(review, {"submission_key": str(key)})
    assert refused["Location"] == reverse("my_questionnaires")
    assert not Response.objects.filter(due=world.due).exists()
    assert ResponseDraft.objects.filter(due=world.due).exists()  # kept, not half-sent
    assert AuditEvent.objects.count() == events
    listed = client.get(reverse("my_questionnaires")).content.decode()
    assert "This questionnaire is not open now." in listed


def test_a_cancelled_questionnaire_takes_nothing_even_within_the_hour(world, login):
    client = login(world["patient"])
    fill, review, autosave = _urls(world.due)
    client.post(fill, {**ALL_ONES, "review": "1"})
    key = ResponseDraft.objects.get(due=world.due).submission_key
    _close(world.due, cancel=True)
    assert client.post(review, {"submission_key": str(key)}).status_code == 302
    assert client.post(autosave, {"item1": "2"}).status_code == 409
    assert not Response.objects.filter(due=world.due).exists()


def test_a_risk_answer_sent_after_the_close_shows_the_crisis_contacts_and_says_unseen(world, login):
    """Before, the form sent the patient to the list with "not open now" and the risk
    answer went nowhere: no crisis contacts, and no word that nobody would see it."""
    client = login(world["patient"])
    _close(world.due, ago=LATE_GRACE + dt.timedelta(minutes=1))
    fill, _review, _autosave = _urls(world.due)
    page = client.post(fill, {**AT_RISK, "review": "1"})
    text = page.content.decode()
    assert page.status_code == 409
    assert CRISIS in text and 'href="tel:112"' in text
    assert NOT_SEEN in text
    assert "This questionnaire is not open now." in text
    assert reverse("my_messages") in text  # guided: write to the care team
    assert not Response.objects.filter(due=world.due).exists()
    assert not ResponseDraft.objects.filter(due=world.due).exists()


def test_a_risk_answer_in_the_draft_of_a_cancelled_one_is_told_on_the_review_page(world, login):
    client = login(world["patient"])
    fill, review, _autosave = _urls(world.due)
    client.post(fill, {**AT_RISK, "review": "1"})
    key = ResponseDraft.objects.get(due=world.due).submission_key
    _close(world.due, cancel=True)
    page = client.post(review, {"submission_key": str(key)})
    assert page.status_code == 409
    assert CRISIS in page.content.decode() and NOT_SEEN in page.content.decode()
    assert not Response.objects.filter(due=world.due).exists()
    shown = client.get(review)  # opened again: the same page, not an error
    assert shown.status_code == 200 and CRISIS in shown.content.decode()


def test_the_autosave_of_a_closed_one_brings_the_crisis_box_with_a_risk_answer(world, login):
    client = login(world["patient"])
    _close(world.due, ago=LATE_GRACE + dt.timedelta(minutes=1))
    _fill, _review, autosave = _urls(world.due)
    refused = client.post(autosave, {"item9": "2"})
    text = refused.content.decode()
    assert refused.status_code == 409
    assert text.startswith("Not saved: this questionnaire has closed.")
    assert "nobody there will see them" in text
    assert 'id="crisis-live" hx-swap-oob="true"' in text and CRISIS in text
    plain = client.post(autosave, {"item9": "0"}).content.decode()
    assert CRISIS not in plain and "nobody there" not in plain


def test_the_list_shows_no_closed_questionnaire_as_coming_up(world, login):
    """Before, every pending questionnaire not open now was "coming up", with the day it
    had opened: a weekly one never answered stayed there for good."""
    _close(world.due, ago=dt.timedelta(days=20))
    client = login(world["patient"])
    text = client.get(reverse("my_questionnaires")).content.decode()
    coming = text.split('id="later-heading"')[1].split("</section>")[0]
    assert "weekly, opens" in coming  # the course's weekly ones to come
    assert "before treatment" not in coming  # the closed one


def test_the_staff_measures_page_lists_no_closed_questionnaire(world, login):
    _close(world.due, ago=dt.timedelta(days=20))
    client = login(world["therapist"])
    page = client.get(reverse("patient_measures", args=[world.patient.pk]))
    assert page.status_code == 200
    assert world.due not in page.context["upcoming"] + page.context["overdue"]
