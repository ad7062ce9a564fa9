"""The page where a clinic manager (or the region's administrator) sets the clinic's own
eligibility rules for a programme: validation beside the field, the audit trail, going
back to the published rules, and "try it"."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.programs.models import ClinicEligibility
from tests.intake.matching_fixtures import DEPRESSION, publish_programme


@pytest.fixture
def dep(world):
    return publish_programme(
        world.region,
        world["author"],
        "dep",
        area="depression",
        eligibility=DEPRESSION,
        languages=("en", "sv"),
        title="Depression",
    )


def url(world, programme) -> str:
    return reverse("clinic_programme_eligibility", args=[world.clinic.slug, programme.pk])


def form_data(**changes) -> dict:
    data = {
        "min_age": "18",
        "max_age": "65",
        "languages": ["en"],
        "scores": json.dumps([{"instrument": "PHQ-9", "min": 5, "max": 19}]),
        "exclude": ["high_risk", "audit_zone_iii"],
        "requires": ["PHQ-9"],
    }
    data.update(changes)
    return data


def test_the_page_shows_the_published_rules(world, dep, client, login):
    login(world["manager"])
    response = client.get(url(world, dep))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The rules published with the programme (version 1)." in page
    assert "PHQ-9 from 5 to 23." in page
    assert "Not with a risk assessed as high by a clinician." in page


def test_a_manager_saves_the_clinics_rules_and_it_is_audited(world, dep, client, login):
    login(world["manager"])
    response = client.post(url(world, dep), form_data())
    assert response.status_code == 302
    row = ClinicEligibility.objects.get(clinic=world.clinic, programme=dep)
    assert row.rules == {
        "min_age": 18,
        "max_age": 65,
        "languages": ["en"],
        "scores": [{"instrument": "PHQ-9", "min": 5, "max": 19}],
        "exclude": ["high_risk", "audit_zone_iii"],
        "requires": ["PHQ-9"],
    }
    assert row.updated_by == world["manager"]
    event = AuditEvent.objects.get(action="programme.clinic_eligibility_saved")
    assert event.actor == world["manager"]
    assert event.clinic == world.clinic
    assert event.patient is None
    assert event.purpose == "administration"
    assert event.changes["rules"]["before"] == DEPRESSION
    assert event.changes["rules"]["after"] == row.rules
    page = client.get(url(world, dep)).content.decode()
    assert "own rules, last changed by" in page
    assert "Age: 18 to 65." in page


def test_all_languages_checked_means_the_programmes_own(world, dep, client, login):
    login(world["region_admin"])
    client.post(url(world, dep), form_data(languages=["en", "sv"], requires=[]))
    rules = ClinicEligibility.objects.get().rules
    assert "languages" not in rules and "requires" not in rules


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"min_age": "30", "max_age": "20"}, "max_age", "The highest age is below the lowest age."),
        ({"min_age": "200"}, "min_age", "Ensure this value is less than or equal to 120."),
        ({"scores": "[{"}, "scores", "This is not valid JSON"),
        ({"scores": '{"instrument": "PHQ-9"}'}, "scores", "Write the score ranges as a list"),
        (
            {"scores": '[{"instrument": "PHQ-99", "min": 3}]'},
            "scores",
            "“PHQ-99” is not a questionnaire Tessera has.",
        ),
        (
            {"scores": '[{"instrument": "PHQ-9", "min": 3, "max": 40}]'},
            "scores",
            "a limit for PHQ-9 must be a number from 0 to 27.",
        ),
        ({"languages": []}, "languages", "Choose at least one language"),
        ({"exclude": ["psychosis"]}, "exclude", "Select a valid choice."),
    ],
)
def test_bad_rules_get_a_message_beside_the_field_and_nothing_is_saved(
    world, dep, client, login, changes, field, message
):
    login(world["manager"])
    data = form_data(**changes)
    response = client.post(url(world, dep), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    if field == "scores":  # what was typed is kept
        assert data["scores"].replace('"', "&quot;") in page
    assert not ClinicEligibility.objects.exists()
    assert not AuditEvent.objects.filter(action="programme.clinic_eligibility_saved").exists()


def test_going_back_to_the_published_rules(world, dep, client, login):
    login(world["manager"])
    client.post(url(world, dep), form_data())
    reset = reverse("clinic_programme_eligibility_reset", args=[world.clinic.slug, dep.pk])
    assert client.post(reset).status_code == 302
    assert not ClinicEligibility.objects.exists()
    event = AuditEvent.objects.get(action="programme.clinic_eligibility_reset")
    assert event.actor == world["manager"] and event.clinic == world.clinic
    assert event.changes["rules"]["after"] == DEPRESSION
    # nothing to undo: nothing recorded
    client.post(reset)
    assert AuditEvent.objects.filter(action="programme.clinic_eligibility_reset").count() == 1


def test_others_cannot_reach_the_page(world, dep, client, login):
    for kind in ["other_manager", "therapist", "intake", "author"]:
        login(world[kind])
        assert client.get(url(world, dep)).status_code in (403, 404), kind
        assert client.post(url(world, dep), form_data()).status_code in (403, 404), kind
    assert not ClinicEligibility.objects.exists()


def test_a_programme_of_another_region_or_never_published_is_404(world, dep, client, login):
    from tessera.core import actions as core_actions
    from tessera.programs import actions

    elsewhere = core_actions.do_create_region(name="Elsewhere", country="SE")
    far = publish_programme(elsewhere, world["author"], "far", area="panic", eligibility={})
    draft = actions.do_create_programme(
        world.region, acting_user=world["author"], key="draft", title="D", problem_area="panic"
    )
    login(world["manager"])
    for programme in [far, draft]:
        assert client.get(url(world, programme)).status_code == 404


def test_try_it_shows_what_intake_would_suggest(world, dep, client, login):
    publish_programme(
        world.region,
        world["author"],
        "td",
        area="transdiagnostic",
        eligibility={"exclude": ["high_risk"]},
        title="Toolbox",
    )
    login(world["manager"])
    query = {
        "try-age": "34",
        "try-language": "en",
        "try-score_phq_9": "14",
        "try-score_gad_7": "12",
    }
    response = client.get(url(world, dep), query)
    assert response.status_code == 200
    summary = response.context["suggestions"].summary
    assert summary == (
        "PHQ-9 14, moderate; GAD-7 12, moderate; suggest depression or a transdiagnostic plan"
    )
    assert summary in response.content.decode()
    risky = client.get(url(world, dep), {**query, "try-risk": "on"})
    assert risky.context["suggestions"].needs_risk_assessment
    assert "needs a risk assessment before a programme" in risky.context["suggestions"].summary
    bad = client.get(url(world, dep), {**query, "try-score_phq_9": "99"})
    assert bad.context["suggestions"] is None
    assert "Ensure this value is less than or equal to 27." in bad.content.decode()


def test_the_list_shows_every_programme_in_constant_queries(
    world, dep, client, login, django_assert_max_num_queries
):
    login(world["manager"])
    target = reverse("clinic_programmes", args=[world.clinic.slug])
    client.get(target)
    with django_assert_max_num_queries(20) as few:
        response = client.get(target)
    assert response.status_code == 200
    for n in range(3):
        publish_programme(
            world.region, world["author"], f"p{n}", area="panic", eligibility={"min_age": 18}
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(target)
    page = response.content.decode()
    assert page.count("/eligibility/") == 4
    assert "Age: 18 or older." in page


def test_score_ranges_are_fields_not_json(world, dep, client, login):
    """Issue 20: a manager types a range into two fields per questionnaire; the JSON box
    is kept for questionnaires without fields, and the published range fills the fields."""
    login(world["manager"])
    page = client.get(url(world, dep))
    form = page.context["form"]
    assert form["score_min_phq_9"].value() == 5 and form["score_max_phq_9"].value() == 23
    assert "PHQ-9" not in (form["scores"].value() or "")
    data = form_data(scores="", score_min_phq_9="10", score_max_phq_9="", score_min_gad_7="8")
    assert client.post(url(world, dep), data).status_code == 302
    rules = ClinicEligibility.objects.get(clinic=world.clinic, programme=dep).rules
    assert rules["scores"] == [
        {"instrument": "PHQ-9", "min": 10},
        {"instrument": "GAD-7", "min": 8},
    ]
    wrong = client.post(url(world, dep), form_data(scores="", score_max_phq_9="40"))
    assert wrong.status_code == 200 and "score_max_phq_9" in wrong.context["form"].errors
