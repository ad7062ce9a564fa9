"""A questionnaire that closes while the patient is answering it (decision 0131).

Its window ends, or it is cancelled (the course ended, the programme changed), between
the patient opening the form and sending it. The last hour of a window loses nothing:
a patient who had begun it finishes and sends it. After that, or once cancelled, every
way of sending (the form, the autosave, the review page) is refused alike, nothing is
stored, and a risk answer among the answers shows the crisis contacts. Sent, that risk
answer still reaches the clinic as a risk alert (decision 0136); only looked at (a saved
draft), the page offers to send it. The list no longer shows closed ones as coming up.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tessera.core.models import AuditEvent
from tessera.safety.models import RiskAlert
from tessera.treatment.models import DueMeasure, Response, ResponseDraft
from tessera.treatment.models.measures import LATE_GRACE

ALL_ONES = {**{f"item{n}": "1" for n in range(1, 9)}, "item9": "0"}
AT_RISK = {**ALL_ONES, "item9": "2"}
PASSED_ON = "that answer has been passed on to your clinic"
NOT_REACHED = "so they have not reached your clinic."
OFFER = "Tell my clinic about this answer"
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


def test_a_risk_answer_sent_after_the_close_reaches_the_clinic_as_an_alert(world, login):
    """Before, the form sent the patient to the list with "not open now" and the risk
    answer went nowhere; then (decision 0131) the patient was told that nobody at the
    clinic would see it. Now it opens a risk alert, with the flags and nothing else of
    the answers, and the page says when staff will see it."""
    client = login(world["patient"])
    _close(world.due, ago=LATE_GRACE + dt.timedelta(minutes=1))
    fill, _review, _autosave = _urls(world.due)
    page = client.post(fill, {**AT_RISK, "review": "1"})
    text = page.content.decode()
    assert page.status_code == 200
    assert CRISIS in text and 'href="tel:112"' in text
    assert PASSED_ON in text and "staff will see your answer" in text
    assert reverse("my_messages") in text  # guided: write to the care team
    assert not Response.objects.filter(due=world.due).exists()
    assert not ResponseDraft.objects.filter(due=world.due).exists()
    alert = RiskAlert.objects.get(due=world.due)
    assert alert.source == RiskAlert.Source.LATE and alert.episode == world.due.episode
    assert alert.raised_by == world["patient"] and alert.resolved_at is None
    assert [(f["item"], f["value"]) for f in alert.late_flags] == [(9, 2)]
    event = AuditEvent.objects.filter(action="risk_alert.opened").latest("id")
    assert event.changes["source"] == "late" and event.actor == world["patient"]
    again = client.post(fill, {**AT_RISK, "review": "1"})  # a second press, a second tab
    assert again.status_code == 200 and PASSED_ON in again.content.decode()
    assert RiskAlert.objects.filter(due=world.due).count() == 1


def test_the_therapist_reads_what_the_late_answer_said(world, login):
    client = login(world["patient"])
    _close(world.due, ago=LATE_GRACE + dt.timedelta(minutes=1))
    fill, _review, _autosave = _urls(world.due)
    client.post(fill, {**AT_RISK, "review": "1"})
    alert = RiskAlert.objects.get(due=world.due)
    staff = login(world["therapist"])
    listed = staff.get(reverse("risk_alerts")).content.decode()
    assert "risk answer sent after the questionnaire had closed" in listed
    page = staff.get(reverse("risk_alert", args=[alert.pk])).content.decode()
    assert "PHQ-9 item 9: answer 2" in page
    assert 'id="late-answers"' in page and "Only the risk answers were kept" in page


def test_late_answers_without_a_risk_answer_open_no_alert(world, login):
    client = login(world["patient"])
    _close(world.due, ago=LATE_GRACE + dt.timedelta(minutes=1))
    fill, _review, _autosave = _urls(world.due)
    refused = client.post(fill, {**ALL_ONES, "review": "1"})
    assert refused["Location"] == reverse("my_questionnaires")
    assert not RiskAlert.objects.filter(episode=world.due.episode).exists()


def test_a_risk_answer_in_the_draft_of_a_cancelled_one_reaches_the_clinic(world, login):
    """The course ended (or the programme changed) while the review page was open."""
    client = login(world["patient"])
    fill, review, _autosave = _urls(world.due)
    client.post(fill, {**AT_RISK, "review": "1"})
    key = ResponseDraft.objects.get(due=world.due).submission_key
    _close(world.due, cancel=True)
    page = client.post(review, {"submission_key": str(key)})
    assert page.status_code == 200
    assert CRISIS in page.content.decode() and PASSED_ON in page.content.decode()
    assert not Response.objects.filter(due=world.due).exists()
    assert RiskAlert.objects.filter(due=world.due, source="late").count() == 1


def test_a_saved_risk_draft_of_a_closed_one_is_offered_to_be_sent_not_sent_by_a_look(world, login):
    """Opening the page (a GET) sends nothing: the patient is offered to tell the clinic,
    and pressing it does."""
    client = login(world["patient"])
    fill, review, _autosave = _urls(world.due)
    client.post(fill, {**AT_RISK, "save": "1"})
    _close(world.due, ago=LATE_GRACE + dt.timedelta(minutes=1))
    for url in (fill, review):
        shown = client.get(url)
        text = shown.content.decode()
        assert shown.status_code == 200 and CRISIS in text
        assert NOT_REACHED in text and OFFER in text
    assert not RiskAlert.objects.filter(due=world.due).exists()
    sent = client.post(fill, {"late": "1"})
    assert PASSED_ON in sent.content.decode()
    assert [f["item"] for f in RiskAlert.objects.get(due=world.due).late_flags] == [9]


def test_late_answers_are_the_patients_own(world):
    from django.core.exceptions import PermissionDenied

    from tessera.treatment import actions

    _close(world.due, ago=LATE_GRACE + dt.timedelta(minutes=1))
    try:
        actions.do_send_late_risk_answers(world.due, {9: 3}, acting_user=world["therapist"])
    except PermissionDenied:
        pass
    else:
        raise AssertionError("a therapist sent a patient's late answers")
    assert not RiskAlert.objects.filter(due=world.due).exists()


def test_the_autosave_of_a_closed_one_brings_the_crisis_box_with_a_risk_answer(world, login):
    client = login(world["patient"])
    _close(world.due, ago=LATE_GRACE + dt.timedelta(minutes=1))
    _fill, _review, autosave = _urls(world.due)
    refused = client.post(autosave, {"item9": "2"})
    text = refused.content.decode()
    assert refused.status_code == 409
    assert text.startswith("Not saved: this questionnaire has closed.")
    assert "press one of the buttons below to tell the clinic" in text
    assert 'id="crisis-live" hx-swap-oob="true"' in text and CRISIS in text
    assert not RiskAlert.objects.filter(due=world.due).exists()  # typing is not sending
    plain = client.post(autosave, {"item9": "0"}).content.decode()
    assert CRISIS not in plain and "tell the clinic" not in plain


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


def test_after_discharge_a_late_risk_answer_reaches_the_therapist_without_clinical_words(
    world, login, django_capture_on_commit_callbacks
):
    """The course ended while the questionnaire was open in the patient's browser: the
    ending cancels it, and a risk answer sent afterwards still reaches a person, told by
    e-mail with a link only."""
    from django.core import mail

    from tessera.portal.ending import do_end_episode

    now = timezone.now()
    DueMeasure.objects.filter(pk=world.due.pk).update(  # a weekly one, open, due in 2 days
        time_point="weekly",
        sequence=99,
        opens_at=now - dt.timedelta(days=1),
        due_at=now + dt.timedelta(days=2),
        expires_at=now + dt.timedelta(days=7),
    )
    client = login(world["patient"])
    fill, _review, _autosave = _urls(world.due)
    assert client.get(fill).status_code == 200
    do_end_episode(world.due.episode, acting_user=world["therapist"], reason="completed")
    world.due.refresh_from_db()
    assert world.due.cancelled
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(fill, {**AT_RISK, "review": "1"})
    assert PASSED_ON in page.content.decode()
    alert = RiskAlert.objects.get(due=world.due)
    assert world["therapist"].email in [m.to[0] for m in mail.outbox]
    for message in mail.outbox:
        text = message.subject + message.body
        assert world.patient.last_name not in text and "PHQ" not in text
        assert f"/alerts/{alert.pk}/" in text


def test_the_staff_measures_page_lists_the_missed_ones_newest_first(world, login):
    """Since a weekly questionnaire closes when the next opens (decision 0131), last
    week's unanswered one left the overdue list without a trace: the therapist could not
    see the weeks the patient had missed. They are listed apart, newest first, and a
    cancelled one (the course ended) is not missed (decision 0136)."""
    now = timezone.now()
    made = []
    for week in range(1, 13):
        made.append(
            DueMeasure.objects.create(
                episode=world.due.episode,
                instrument="PHQ-9",
                time_point="weekly",
                sequence=100 + week,
                opens_at=now - dt.timedelta(days=7 * week + 2),
                due_at=now - dt.timedelta(days=7 * week),
                expires_at=now - dt.timedelta(days=7 * week - 5),
                cancelled=week == 1,
            )
        )
    client = login(world["therapist"])
    page = client.get(reverse("patient_measures", args=[world.patient.pk]))
    missed = page.context["missed"]
    assert missed == made[1:11]  # weeks 2..11: the newest ten, not the cancelled one
    assert page.context["missed_more"]
    text = page.content.decode()
    assert 'id="missed-heading"' in text and "Only the 10 newest are shown." in text
    assert not set(missed) & set(page.context["overdue"] + page.context["upcoming"])
