"""The sample programmes' rules (tessera/programs/content/) against a few realistic
screenings, imported as `make demo` imports them."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from tessera.programs.matching import suggestions_for
from tests.intake.matching_fixtures import Answer, Application

TODAY = date(2026, 11, 27)


@pytest.fixture
def samples(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("load_sample_content", world.region.pk, "--as", world["author"].email)
    return world


def suggest(world, *, born=date(1990, 5, 1), language="en", answers=()):
    application = Application(1, world.clinic, born, language, list(answers))
    return suggestions_for([application], today=TODAY)[1]


def keys(result, *, fits=True):
    return [s.key for s in result if s.fits is fits]


def test_low_mood_and_worry_in_english(samples):
    result = suggest(
        samples,
        answers=[
            Answer("PHQ-9", 14, "moderate"),
            Answer("GAD-7", 12, "moderate"),
            Answer("AUDIT", 5, "zone_1"),
        ],
    )
    assert keys(result) == ["depression-ba", "transdiagnostic", "insomnia", "panic"]
    assert keys(result, fits=False) == ["depression-ba-sv"]
    assert result.summary == (
        "PHQ-9 14, moderate; GAD-7 12, moderate; AUDIT 5, zone I: alcohol education; "
        "suggest depression or a transdiagnostic plan"
    )
    assert [p.text for p in result[-1].problems] == ["Not offered in English (only in Swedish)."]


def test_a_swedish_speaker_with_depression_gets_the_swedish_programme(samples):
    result = suggest(samples, language="sv", answers=[Answer("PHQ-9", 16, "moderately_severe")])
    assert keys(result) == ["depression-ba-sv"]
    assert result.summary.endswith("suggest depression")
    assert all(
        "Not offered in Swedish (only in English)." in [p.text for p in s.problems]
        for s in result[1:]
    )


def test_a_risk_answer_asks_for_a_risk_assessment_before_any_sample(samples):
    result = suggest(samples, answers=[Answer("PHQ-9", 22, "severe", risk_flagged=True)])
    assert result.needs_risk_assessment and not result.nothing_fits
    assert result.summary.startswith(
        "PHQ-9 22, severe; a risk answer (PHQ-9); needs a risk assessment before a programme "
        "is chosen; then suggest depression"
    )


def test_heavy_drinking_rules_out_behavioural_activation_only(samples):
    result = suggest(samples, answers=[Answer("PHQ-9", 12, "moderate"), Answer("AUDIT", 24, "")])
    assert "depression-ba" in keys(result, fits=False)
    dep = next(s for s in result if s.key == "depression-ba")
    assert [p.text for p in dep.problems] == ["Excluded: AUDIT in zone IV (20 or more)."]
    assert result.summary.startswith("PHQ-9 12, moderate; AUDIT 24, zone IV")
    assert "the scores point to no programme; these fit the rules" in result.summary


def test_a_seventeen_year_old_is_told_plainly(samples):
    result = suggest(samples, born=date(2009, 6, 1), answers=[Answer("PHQ-9", 14, "moderate")])
    assert result.nothing_fits
    assert "nothing fits: " in result.summary
    assert "age 17 is below the lowest age, 18, for Better sleep: CBT for insomnia" in (
        result.summary
    )


def test_sleep_problems_without_low_mood_point_to_insomnia(samples):
    result = suggest(
        samples,
        answers=[Answer("PHQ-9", 3, "minimal"), Answer("GAD-7", 2, "minimal"), Answer("ISI", 18)],
    )
    assert keys(result)[0] == "insomnia"
    assert result.summary.endswith("suggest insomnia")
    dep = next(s for s in result if s.key == "depression-ba")
    assert [p.text for p in dep.problems][0].startswith("PHQ-9 3 is below the range 5–23")


def test_panic_symptoms_point_to_the_panic_programme(samples):
    result = suggest(samples, answers=[Answer("PDSS-SR", 14), Answer("PHQ-9", 6, "mild")])
    assert keys(result)[0] == "panic"
    assert result[0].reasons[0].text == "PDSS-SR 14 points to panic disorder."
