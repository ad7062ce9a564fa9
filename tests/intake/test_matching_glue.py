"""The Django side of matching: the programmes a clinic offers with the rules that hold
there, and suggestions for many applications in a constant number of queries."""

from __future__ import annotations

from datetime import date

import pytest

from tessera.core import actions as core_actions
from tessera.programs import actions
from tessera.programs.eligibility import do_save_clinic_eligibility
from tessera.programs.matching import band_words, candidates_for_clinic, suggestions_for
from tests.conftest import make_clinic
from tests.intake.matching_fixtures import DEPRESSION, Answer, Application, publish_programme

TODAY = date(2026, 11, 27)


@pytest.fixture
def offered(world):
    author = world["author"]
    dep = publish_programme(world.region, author, "dep", area="depression", eligibility=DEPRESSION)
    td = publish_programme(
        world.region,
        author,
        "td",
        area="transdiagnostic",
        eligibility={"min_age": 18, "exclude": ["high_risk"]},
        title="Toolbox",
    )
    return {"dep": dep, "td": td}


def test_a_clinic_is_offered_the_latest_published_version_with_its_own_rules(world, offered):
    author = world["author"]
    dep = offered["dep"]
    draft = actions.do_new_programme_draft(dep, acting_user=author)
    actions.do_update_programme_draft(draft, acting_user=author, title="Depression v2")
    # a draft is not offered; a region's programme is not offered elsewhere
    other_region = core_actions.do_create_region(name="Elsewhere", country="SE")
    publish_programme(other_region, author, "far", area="panic", eligibility={})
    keys = {c.key: c for c in candidates_for_clinic(world.clinic)}
    assert set(keys) == {"dep", "td"}
    assert keys["dep"].title == "Dep" and keys["dep"].rules == DEPRESSION
    assert keys["dep"].ref.number == 1

    actions.do_publish_programme(draft, acting_user=author)
    own = {**DEPRESSION, "max_age": 65}
    do_save_clinic_eligibility(world.clinic, dep, acting_user=world["manager"], rules=own)
    keys = {c.key: c for c in candidates_for_clinic(world.clinic)}
    assert keys["dep"].title == "Depression v2" and keys["dep"].ref.number == 2
    assert keys["dep"].rules == own
    assert {c.key: c for c in candidates_for_clinic(world.other_clinic)}["dep"].rules == DEPRESSION


def test_candidates_take_two_queries(world, offered, django_assert_num_queries):
    with django_assert_num_queries(2):
        candidates_for_clinic(world.clinic)


def _applications(world, count: int, start: int = 0) -> list[Application]:
    clinics = [world.clinic, world.other_clinic]
    return [
        Application(
            pk=start + n,
            clinic=clinics[n % 2],
            answers=[Answer("PHQ-9", 10 + n % 10, "moderate"), Answer("GAD-7", 12, "moderate")],
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("count", [2, 40])
def test_suggestions_for_many_applications_take_the_same_queries(
    world, offered, count, django_assert_num_queries
):
    region = core_actions.do_create_region(name="Elsewhere", country="SE")
    far = make_clinic(region, "gamma")
    applications = _applications(world, count) + [
        Application(pk=999, clinic=far),
        Application(pk=1000, clinic=None),
    ]
    with django_assert_num_queries(2):
        found = suggestions_for(applications, today=TODAY)
    assert set(found) == {a.pk for a in applications}
    assert found[999].nothing_fits
    assert (
        found[1000].summary
        == "no screening scores; nothing fits: the clinic offers no published programme"
    )
    assert found[0].summary.endswith("suggest depression or a transdiagnostic plan")


def test_no_applications_no_queries(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        assert suggestions_for([]) == {}


def test_the_application_becomes_a_screening(world, offered):
    do_save_clinic_eligibility(
        world.other_clinic,
        offered["dep"],
        acting_user=world["region_admin"],
        rules={**DEPRESSION, "min_age": 20},
    )
    young = Application(
        1,
        world.clinic,
        date_of_birth=date(2008, 11, 28),  # 18 tomorrow
        answers=[Answer("PHQ-9", 14, "moderate")],
    )
    adult = Application(2, world.other_clinic, date_of_birth=date(2005, 1, 1), language="en")
    adult.answers = [Answer("PHQ-9", 14, "moderate", risk_flagged=False)]
    risky = Application(3, world.clinic, answers=[Answer("PHQ-9", 14, "", risk_flagged=True)])
    found = suggestions_for([young, adult, risky], today=TODAY)
    assert "Age 17 is below the lowest age, 18, for Dep." in [
        p.text for s in found[1] for p in s.problems
    ]
    # at beta the clinic's own rules hold: 21 is not below 20
    assert found[2][0].key == "dep" and found[2][0].fits
    assert found[3].summary.startswith(
        "PHQ-9 14, moderate; a risk answer (PHQ-9); needs a risk assessment before a "
        "programme is chosen; then "
    )
    assert found[3].needs_risk_assessment
    risky.assessed_risk = "high"
    again = suggestions_for([risky], today=TODAY)[3]
    assert again.nothing_fits and "risk assessed as high" in again.summary


def test_band_words():
    assert band_words("PHQ-9", "moderately_severe", 17) == "moderately severe"
    assert band_words("PHQ-9", "", 3) == "minimal"
    assert band_words("PHQ-9", None, None) == ""
    assert band_words("AUDIT", "zone_4", 22) == "zone IV: referral for specialist assessment"
    assert band_words("XYZ", "odd", 3) == "odd"
    from django.utils import translation

    with translation.override("sv"):
        assert band_words("PHQ-9", "mild", 6)  # the Swedish label, or the English one
