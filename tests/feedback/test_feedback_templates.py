"""Feedback templates: placeholders, validation, who uses and manages which, the pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.feedback import actions, compose
from tessera.feedback.models import FeedbackTemplate
from tessera.feedback.placeholders import check_placeholders, fill
from tessera.treatment.actions import plans as plan_actions
from tests.plan_fixtures import build_plan


def _personal(user, title="Mine", body="Hi {name}"):
    return actions.do_create_template(acting_user=user, title=title, language="en", body=body)


def _shared(world, clinic=None, title="Shared", by="supervisor"):
    clinic = clinic or world.clinic
    return actions.do_create_template(
        acting_user=world[by], clinic=clinic, title=title, language="sv", body="Hej {name}"
    )


def test_the_three_placeholders_are_accepted_and_filled():
    body = "Hi {name}, about {module}: you wrote \u201c{quote}\u201d."
    check_placeholders(body)
    assert fill(body, {"name": "Anna", "module": "Sleep", "quote": "I slept"}) == (
        "Hi Anna, about Sleep: you wrote \u201cI slept\u201d."
    )


@pytest.mark.parametrize(
    "body, words",
    [
        ("Hi {nmae}", "{nmae}"),
        ("Hi {first_name} and {0}", "{0}, {first_name}"),
        ("Hi {name.__class__}", "{name.__class__}"),
    ],
)
def test_an_unknown_placeholder_is_named_in_the_message(body, words):
    with pytest.raises(ValidationError) as error:
        check_placeholders(body)
    assert words in error.value.messages[0]
    assert "{name}, {module} and {quote}" in error.value.messages[0]


def test_an_unclosed_brace_is_refused():
    with pytest.raises(ValidationError, match="brace"):
        check_placeholders("Hi {name")


def test_filling_never_evaluates_anything():
    assert fill("{name}{{name}}", {"name": "{module}"}) == "{module}{{module}}"


def test_a_therapist_uses_their_own_and_their_clinics_shared_templates(world):
    mine = _personal(world["therapist"])
    shared = _shared(world)
    _personal(world["colleague"], title="Not mine")
    beta = actions.do_create_template(
        acting_user=world["other_manager"],
        clinic=world.other_clinic,
        title="Beta's",
        language="en",
        body="x",
    )
    usable = set(FeedbackTemplate.objects.usable_by(world["therapist"]))
    assert usable == {mine, shared}
    assert beta not in FeedbackTemplate.objects.usable_by(world["supervisor"])


def test_only_supervisors_and_managers_of_the_clinic_share_templates(world):
    with pytest.raises(PermissionDenied):
        _shared(world, by="therapist")
    with pytest.raises(PermissionDenied):
        _shared(world, clinic=world.other_clinic, by="manager")
    with pytest.raises(PermissionDenied):
        _personal(world["intake"])
    assert _shared(world, by="manager").clinic == world.clinic


def test_a_therapist_cannot_edit_a_shared_template_or_a_colleagues(world, login):
    shared = _shared(world)
    theirs = _personal(world["colleague"])
    login(world["therapist"])
    assert (
        login(world["therapist"])
        .get(reverse("feedback_template_edit", args=[shared.pk]))
        .status_code
        == 403
    )
    response = login(world["therapist"]).get(reverse("feedback_template_edit", args=[theirs.pk]))
    assert response.status_code == 404


def test_creating_a_personal_template_on_the_page(world, client, login):
    login(world["therapist"])
    response = client.post(
        reverse("feedback_template_new"),
        {"title": "Thanks", "language": "en", "body": "Hi {name}, thanks for {module}."},
    )
    assert response.status_code == 302
    template = FeedbackTemplate.objects.get(title="Thanks")
    assert template.owner == world["therapist"] and template.clinic is None
    event = AuditEvent.objects.filter(action="feedback_template.created").latest("id")
    assert event.actor == world["therapist"]


def test_an_unknown_placeholder_gets_a_message_beside_the_field_and_keeps_the_text(
    world, client, login
):
    login(world["therapist"])
    response = client.post(
        reverse("feedback_template_new"),
        {"title": "Oops", "language": "en", "body": "Hi {nmae}, keep going."},
    )
    assert response.status_code == 200
    assert "Unknown placeholder: {nmae}" in response.content.decode()
    assert 'id="id_body_error"' in response.content.decode()
    assert "Hi {nmae}, keep going." in response.content.decode()
    assert not FeedbackTemplate.objects.filter(title="Oops").exists()


def test_a_supervisor_shares_a_template_and_a_therapist_cannot_choose_to(world, client, login):
    login(world["supervisor"])
    client.post(
        reverse("feedback_template_new"),
        {"title": "Clinic", "language": "sv", "body": "Hej {name}", "share_at": world.clinic.pk},
    )
    assert FeedbackTemplate.objects.get(title="Clinic").clinic == world.clinic
    login(world["therapist"])
    response = client.post(
        reverse("feedback_template_new"),
        {"title": "Sneaky", "language": "en", "body": "x", "share_at": world.clinic.pk},
    )
    assert response.status_code == 200
    assert not FeedbackTemplate.objects.filter(title="Sneaky").exists()


def test_editing_and_deleting_a_shared_template(world, client, login):
    shared = _shared(world)
    login(world["manager"])
    response = client.post(
        reverse("feedback_template_edit", args=[shared.pk]),
        {"title": "Renamed", "language": "sv", "body": "Hej {name}, {quote}"},
    )
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.title == "Renamed" and shared.clinic == world.clinic
    client.post(reverse("feedback_template_delete", args=[shared.pk]))
    assert not FeedbackTemplate.objects.filter(pk=shared.pk).exists()
    assert AuditEvent.objects.filter(action="feedback_template.deleted").exists()


@pytest.mark.parametrize("size", [2, 12])
def test_the_list_runs_a_constant_number_of_queries(
    world, client, login, size, django_assert_max_num_queries
):
    for number in range(size):
        _personal(world["therapist"], title=f"Mine {number}")
        _shared(world, title=f"Shared {number}")
    login(world["therapist"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("feedback_templates"))
    assert response.status_code == 200
    assert "Shared 1" in response.content.decode()


def test_rendering_fills_name_module_and_the_patients_words(world):
    plan = build_plan(world)
    step = plan.activity.steps.get(position=2)
    answer = plan_actions.do_submit_worksheet(
        plan.entry,
        step,
        {"situation": "Walked with my sister on Sunday. It helped.", "mood": "6", "diary": []},
        acting_user=world.patient.user,
    )
    template = _personal(world["therapist"], body="Hi {name}! {module}: \u201c{quote}\u201d")
    text = compose.render_template(template, world.episode, answer)
    assert text == "Hi Pia! Activity and mood: \u201cWalked with my sister on Sunday.\u201d"
    # without an answer: the current module, and no quote
    assert (
        compose.render_template(template, world.episode)
        == "Hi Pia! Activity and mood: \u201c\u201d"
    )


def test_templates_in_the_patients_language_are_offered_first(world):
    # Any interface language may be a template's (issue 17); the composer puts the
    # patient's first and keeps the order within each group.
    from django.test import RequestFactory

    from tessera.core.models import Patient
    from tessera.feedback.templatetags.feedback_tools import feedback_compose_tools

    therapist = world["therapist"]
    for title, language in [("A", "en"), ("B", "nb"), ("C", "en"), ("D", "nb")]:
        actions.do_create_template(
            acting_user=therapist, title=title, language=language, body="Hei {name}"
        )
    Patient.objects.filter(pk=world.patient.pk).update(preferred_language="nb")
    world.episode.patient.refresh_from_db()
    request = RequestFactory().get("/")
    request.user = therapist
    tools = feedback_compose_tools({"request": request, "episode": world.episode})
    assert [t.title for t in tools["personal"]] == ["B", "D", "A", "C"]


def test_a_shared_template_saved_by_a_colleague_meanwhile_is_not_overwritten(world, client):
    """Two people who manage a clinic's shared template both open it; the first saves,
    and the second's save put the old text back over theirs without a word (decision
    0149). Now the second is refused (409), their text kept in the form, the first's
    kept in the template; saving again from that page overwrites, knowingly."""
    import re

    from django.test import Client

    from tests.conftest import sign_in

    shared = _shared(world)
    url = reverse("feedback_template_edit", args=[shared.pk])
    supervisor = sign_in(client, world["supervisor"])
    manager = sign_in(Client(), world["manager"])

    def drawn(response):
        return re.search(r'name="drawn" value="(\w+)"', response.content.decode()).group(1)

    first, second = drawn(supervisor.get(url)), drawn(manager.get(url))
    theirs = {"title": "Shared", "language": "sv", "body": "Hej {name}, om {module}."}
    assert supervisor.post(url, {**theirs, "drawn": first}).status_code == 302
    mine = {"title": "Renamed", "language": "sv", "body": "Hej {name}!"}
    response = manager.post(url, {**mine, "drawn": second})
    assert response.status_code == 409
    text = response.content.decode()
    assert "Someone else changed these details while you were editing." in text
    assert "Renamed" in text
    shared.refresh_from_db()
    assert (shared.title, shared.body) == ("Shared", "Hej {name}, om {module}.")
    assert manager.post(url, {**mine, "drawn": drawn(response)}).status_code == 302
    shared.refresh_from_db()
    assert (shared.title, shared.body) == ("Renamed", "Hej {name}!")
