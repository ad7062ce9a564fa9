"""The applicant's and patient's timeline (issue 14): what happened, what is next."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone, translation

from tessera.core.models import Episode
from tessera.intake.actions import decisions as decision_actions
from tessera.intake.actions import triage as triage_actions
from tessera.intake.timeline import DONE, NEXT, NOW
from tessera.portal.timeline import application_timeline, episode_timeline
from tests.conftest import sign_in
from tests.intake.assessment_helpers import assess_kwargs, published_version
from tests.intake.intake_helpers import make_application


def _states(steps):
    return [(s.code, s.state) for s in steps]


def test_a_sent_application_is_received_and_screened_with_the_assessment_next(world):
    application = make_application(world.clinic, "ada@apply.test")
    assert _states(application_timeline(application)) == [
        ("received", DONE),
        ("screening", DONE),
        ("assessment", NOW),
        ("decision", NEXT),
        ("start", NEXT),
        ("end", NEXT),
    ]


def test_a_draft_has_sending_as_its_current_step(world):
    application = make_application(world.clinic, "dee@apply.test", submit=False)
    steps = application_timeline(application)
    assert steps[0].code == "received" and steps[0].state == NOW
    assert steps[0].label == "Application sent"


def test_the_steps_texts_are_translated_once_in_the_requests_language(world):
    # Translated when the states are given (issue 16): plain text, drawn and tested by
    # the page without asking the catalogs again; in the language active then.
    application = make_application(world.clinic, "sv@apply.test", submit=False)
    english = application_timeline(application)
    with translation.override("sv"):
        steps = application_timeline(application)
        expected = [
            (translation.gettext(s.label), s.note and translation.gettext(s.note)) for s in english
        ]
    assert steps[0].label != english[0].label
    for step in steps:
        assert type(step.label) is str and type(step.note) is str
        assert type(step.state_label) is str
    assert [(s.label, s.note) for s in steps] == expected
    words = {DONE: "klar", NOW: "nu", NEXT: "kommer"}
    assert [s.state_label for s in steps] == [words[s.state] for s in steps]


def test_a_booked_assessment_is_now_with_its_time(world):
    application = make_application(world.clinic, "bo@apply.test")
    when = timezone.now() + dt.timedelta(days=3)
    triage_actions.do_book_assessment(
        application,
        acting_user=world["assessor"],
        mode="phone",
        starts_at=when,
        assessor=world["assessor"],
    )
    application.refresh_from_db()
    (assessment,) = [s for s in application_timeline(application) if s.code == "assessment"]
    assert (assessment.label, assessment.state, assessment.when) == ("Assessment booked", NOW, when)
    assert assessment.at_a_time


def test_a_declined_application_ends_at_the_decision(world):
    application = make_application(world.clinic, "no@apply.test")
    triage_actions.do_decline(application, acting_user=world["assessor"], reason="Needs more")
    application.refresh_from_db()
    steps = application_timeline(application)
    assert [s.code for s in steps] == ["received", "screening", "decision"]
    assert steps[-1].state == DONE and "not offered" in str(steps[-1].label)


def test_a_patient_in_treatment_sees_the_week_and_the_planned_end(world):
    version = published_version(world)
    application = make_application(world.clinic, "acc@apply.test")
    decision_actions.do_assess(
        application,
        acting_user=world["assessor"],
        programme_version=version,
        therapist=world["therapist"],
        **assess_kwargs(),
    )
    application.refresh_from_db()
    episode = application.episode
    steps = episode_timeline(episode)
    assert _states(steps) == [
        ("received", DONE),
        ("screening", DONE),
        ("assessment", DONE),
        ("decision", DONE),
        ("start", DONE),
        ("weeks", NOW),
        ("end", NEXT),
    ]
    assert str(steps[5].label) == f"Week 1 of {version.weeks}"
    assert steps[-1].when == episode.started_on + dt.timedelta(weeks=version.weeks)
    # A therapist reads and talks with the patient: the end is a talk.
    assert "a talk about what comes after" in str(steps[-1].note)
    # A self-help course has nobody to talk with: its path promises none (care_words).
    Episode.objects.filter(pk=episode.pk).update(care_model="unguided", therapist=None)
    episode.refresh_from_db()
    note = str(episode_timeline(episode)[-1].note)
    assert "talk" not in note and "the clinic tells you what comes after" in note


def test_the_home_pages_show_the_path(world, client):
    application = make_application(world.clinic, "ada@apply.test")
    sign_in(client, application.applicant)
    page = client.get(reverse("home")).content.decode()
    assert 'class="timeline"' in page and "Screening questionnaires" in page
    assert 'aria-current="step"' in page
    status = client.get(reverse("intake_status", args=[application.pk])).content.decode()
    assert 'class="timeline"' in status
    sign_in(client, world.patient.user)
    assert "Your path" in client.get(reverse("home")).content.decode()
