"""The compose tools' endpoints: filling a template in, checking a draft; audited reads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.feedback import actions
from tessera.treatment.actions import plans as plan_actions
from tests.plan_fixtures import build_plan


@pytest.fixture
def answer(world):
    plan = build_plan(world)
    return plan_actions.do_submit_worksheet(
        plan.entry,
        plan.activity.steps.get(position=2),
        {"situation": "Went for a walk with my sister on Sunday.", "mood": "6", "diary": []},
        acting_user=world.patient.user,
    )


@pytest.fixture
def template(world):
    return actions.do_create_template(
        acting_user=world["therapist"],
        title="Thanks",
        language="en",
        body="Hi {name}, thank you for {module}. You wrote \u201c{quote}\u201d",
    )


def _reads(world):
    return AuditEvent.objects.filter(action="worksheet.viewed", patient=world.patient)


def test_filling_a_template_for_an_answer_gives_htmx_the_text_and_audits_the_read(
    world, client, login, answer, template
):
    login(world["therapist"])
    url = reverse("feedback_fill", args=[world.episode.pk])
    response = client.get(
        url, {"template": template.pk, "answer": answer.pk}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "data-feedback-fill" in body and "<html" not in body
    assert "Hi Pia, thank you for Activity and mood." in body
    assert "Went for a walk with my sister on Sunday." in body
    event = _reads(world).get()
    assert event.actor == world["therapist"] and event.object_id == str(answer.pk)


def test_without_javascript_the_filled_text_is_a_page_to_copy(world, client, login, template):
    login(world["therapist"])
    url = reverse("feedback_fill", args=[world.episode.pk])
    response = client.get(url, {"template": template.pk})
    assert response.status_code == 200
    assert 'id="filled-text"' in response.content.decode()
    assert not _reads(world).exists()  # no patient text loaded, no read recorded


def test_without_a_template_the_fill_page_offers_the_choice(world, client, login, template):
    login(world["therapist"])
    response = client.get(reverse("feedback_fill", args=[world.episode.pk]))
    assert f"template={template.pk}" in response.content.decode()


def test_a_template_or_answer_of_someone_else_is_not_found(world, client, login, answer, template):
    other = actions.do_create_template(
        acting_user=world["colleague"], title="Theirs", language="en", body="x"
    )
    login(world["therapist"])
    url = reverse("feedback_fill", args=[world.episode.pk])
    assert client.get(url, {"template": other.pk}).status_code == 404
    other_episode = world.other_patient.episodes.get()
    login(world["supervisor"])
    url = reverse("feedback_fill", args=[other_episode.pk])
    assert client.get(url, {"template": template.pk, "answer": answer.pk}).status_code == 404
    posted = {"template": template.pk, "body": "Draft"}  # without script: the draft too
    assert client.post(f"{url}?answer={answer.pk}", posted).status_code == 404


def test_checking_a_draft_returns_the_remarks_for_htmx(world, client, login, answer):
    login(world["therapist"])
    url = reverse("feedback_check", args=[world.episode.pk]) + f"?answer={answer.pk}"
    response = client.post(
        url, {"body": "No rush, do it whenever you have time."}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'data-code="no_deadline_flexibility" data-met="no"' in body
    assert "Paxling 2013" in body
    assert _reads(world).count() == 1


def test_the_check_uses_the_patients_words_for_personalising(world, client, login, answer):
    login(world["therapist"])
    url = reverse("feedback_check", args=[world.episode.pk]) + f"?answer={answer.pk}"
    response = client.post(
        url, {"body": "The walk with your sister sounds good."}, HTTP_HX_REQUEST="true"
    )
    assert 'data-code="personalises" data-met="yes"' in response.content.decode()


def test_checking_without_an_answer_reads_no_patient_text(world, client, login):
    login(world["therapist"])
    response = client.post(reverse("feedback_check", args=[world.episode.pk]), {"body": "Hej"})
    assert response.status_code == 200
    assert "<html" in response.content.decode()  # without htmx: a whole page
    assert 'name="body"' in response.content.decode()
    assert not _reads(world).exists()


def test_the_check_is_translated(world, client, login):
    login(world["therapist"])
    client.post(reverse("set_language"), {"language": "sv"})
    response = client.post(
        reverse("feedback_check", args=[world.episode.pk]), {"body": "x"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200


def test_a_colleague_cannot_check_against_another_therapists_patient(world, client, login):
    login(world["colleague"])
    response = client.post(reverse("feedback_check", args=[world.episode.pk]), {"body": "x"})
    assert response.status_code == 404


def test_the_partial_renders_as_the_messaging_compose_page_will_include_it(
    world, rf, answer, template, django_assert_max_num_queries
):
    from django.template import engines

    page = engines["django"].from_string(
        '<form id="compose-form"><textarea id="id_body" name="body"></textarea></form>'
        '{% include "feedback/compose_tools.html" with compose_form_id="compose-form" %}'
    )
    request = rf.get("/")
    request.user = world["therapist"]
    with django_assert_max_num_queries(3):
        html = page.render({"episode": world.episode, "quoted_answer": answer}, request)
    assert f'/feedback/check/{world.episode.pk}/?answer={answer.pk}"' in html
    assert f'name="answer" value="{answer.pk}"' in html
    assert 'form="compose-form"' in html and 'hx-include="#id_body"' in html
    assert f'<option value="{template.pk}">Thanks (English)</option>' in html


def test_the_check_says_which_language_it_checked_in(world, client, login):
    """Issue 20: a Swedish-preferring patient, an English draft: checked as English."""
    from tessera.core.models import Patient

    Patient.objects.filter(pk=world.patient.pk).update(preferred_language="sv")
    login(world["therapist"])
    url = reverse("feedback_check", args=[world.episode.pk])
    draft = "Thank you for the work you did this week. It sounds like it was hard for you."
    body = client.post(url, {"body": draft}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="checked-in" data-language="en"' in body
    body = client.post(url, {"body": "Hej"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-language="sv"' in body


def test_the_templates_page_is_linked_only_for_who_may_open_it(world, login):
    """The messages page linked the feedback templates for everyone who writes messages;
    an intake coordinator writes them but keeps no templates (403)."""
    listing = reverse("feedback_templates")
    messages = reverse("episode_messages", args=[world.episode.pk])
    coordinator = login(world["intake"])
    page = coordinator.get(messages)
    assert page.status_code == 200 and "Feedback tools" in page.content.decode()
    assert f'href="{listing}"' not in page.content.decode()
    assert coordinator.get(listing).status_code == 403
    therapist = login(world["therapist"])
    assert f'href="{listing}"' in therapist.get(messages).content.decode()
    assert therapist.get(listing).status_code == 200
