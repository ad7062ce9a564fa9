"""After treatment (issue 14): the course stays readable for the clinic's reading period,
writing stops at the read-only date, the safety plan stays for good, and the home page
says what the patient can still do."""

import datetime as dt

import pytest
from django.urls import reverse

from tessera.core.models import Episode
from tessera.portal.ending import do_end_episode
from tessera.safety.actions.plans import do_save_safety_plan
from tessera.safety.models import SafetyPlan
from tessera.treatment import plans
from tessera.treatment.models import WorksheetAnswer
from tests.conftest import begun_by


def _end(world, days_ago: int):
    ended_on = plans.clinic_today(world.clinic) - dt.timedelta(days=days_ago)
    begun_by(world.episode, ended_on)
    do_end_episode(
        world.episode, acting_user=world["therapist"], reason="completed", ended_on=ended_on
    )
    return Episode.objects.get(pk=world.episode.pk)


def reader(entry, step=1):
    return reverse("module_reader", args=[entry.pk]) + f"?step={step}"


def test_in_the_writing_period_the_course_is_there_and_worksheets_can_be_finished(
    world, plan, login
):
    _end(world, 0)
    client = login(world["patient"])
    text = client.get(reverse("my_plan")).content.decode()
    assert "Activity and mood" in text and "Your treatment ended on" in text
    assert "not set up your modules" not in text
    page = client.get(reader(plan.entry, 2))
    assert page.status_code == 200
    assert 'name="send"' in page.content.decode()
    response = client.post(
        reverse("worksheet_save", args=[plan.entry.pk, 2]),
        {"situation": "finishing after the end", "mood": "5"},
        HTTP_X_AUTOSAVE="1",
    )
    assert response.status_code == 200
    assert WorksheetAnswer.objects.get(entry=plan.entry).values["situation"].startswith("finish")


def test_after_the_read_only_date_the_course_is_read_only(world, plan, login):
    _end(world, 40)  # the clinic's writing period is 30 days
    client = login(world["patient"])
    page = client.get(reader(plan.entry, 2))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'name="send"' not in text and "<fieldset disabled>" in text
    assert "can no longer be changed" in text
    response = client.post(
        reverse("worksheet_save", args=[plan.entry.pk, 2]),
        {"situation": "too late", "mood": "5"},
        HTTP_X_AUTOSAVE="1",
    )
    assert response.status_code == 409
    assert not WorksheetAnswer.objects.filter(entry=plan.entry).exists()
    complete = client.post(reverse("module_complete", args=[plan.entry.pk]), follow=True)
    assert "read-only" in complete.content.decode()
    assert plan.entry.__class__.objects.get(pk=plan.entry.pk).completed_at is None


def test_reading_a_module_after_the_end_starts_nothing(world, plan, login):
    _end(world, 40)
    login(world["patient"]).get(reader(plan.entry))
    entry = plan.entry.__class__.objects.get(pk=plan.entry.pk)
    assert entry.started_at is None and entry.seen_steps == []


def test_after_the_reading_period_the_modules_are_gone_but_it_says_why(world, plan, login):
    _end(world, 400)  # the clinic's reading period is 365 days
    client = login(world["patient"])
    assert client.get(reader(plan.entry)).status_code == 404
    text = client.get(reverse("my_plan")).content.decode()
    assert "the time for reading your modules has passed" in text
    assert reverse("my_safety_plan") in text


@pytest.mark.parametrize("days_ago", [0, 400])
def test_the_safety_plan_stays_readable_with_the_crisis_numbers(world, login, days_ago):
    do_save_safety_plan(
        world.episode,
        acting_user=world["therapist"],
        parts={"warning_signs": "I stop answering the phone"},
        based_on=0,
    )
    _end(world, days_ago)
    page = login(world["patient"]).get(reverse("my_safety_plan"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "I stop answering the phone" in text and 'href="tel:112"' in text
    assert "Your treatment ended on" in text
    assert "?edit=1" not in text and "no safety plan to show" not in text
    # A save sent from a page left open: refused, and it says so (it answered 200 silently)
    refused = login(world["patient"]).post(reverse("my_safety_plan"), {})
    assert refused.status_code == 409
    assert "the safety plan can no longer be changed" in refused.content.decode()
    assert SafetyPlan.objects.get().parts["warning_signs"] == "I stop answering the phone"


def test_the_home_page_says_what_the_patient_can_still_do(world, plan, login):
    from tessera.treatment.models import MeasureRule

    MeasureRule.objects.create(clinic=world.clinic, instrument="PHQ-9", time_point="post")
    world.clinic.contact_phone = "+46 8 555 010"
    world.clinic.save()
    _end(world, 0)
    text = login(world["patient"]).get(reverse("home")).content.decode()
    assert 'id="after-treatment"' in text
    assert "Follow-up questionnaires" in text and "A questionnaire about your mood (PHQ-9)" in text
    assert reverse("my_plan") in text and reverse("my_safety_plan") in text
    assert "you can still write to your care team until" in text
    assert 'href="tel:+46 8 555 010"' in text and 'href="tel:112"' in text
    assert "Nothing to do right now" not in text


def test_the_home_page_after_the_reading_period(world, plan, login):
    _end(world, 400)
    text = login(world["patient"]).get(reverse("home")).content.decode()
    assert 'id="after-treatment"' in text
    assert "new messages can no longer be sent" in text
    assert (
        reverse("my_progress") not in text.split('id="after-treatment"')[1].split("</section>")[0]
    )


def test_pages_for_a_signed_in_person_are_not_stored(world, login):
    from django.test import Client

    response = login(world["patient"]).get(reverse("home"))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "no-store" not in Client().get("/c/").get("Cache-Control", "")
