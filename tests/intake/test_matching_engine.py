"""The matching engine by hand-worked cases: each with the ranking and the reasons in
words worked out on paper first (the arithmetic is in the comments)."""

from __future__ import annotations

import random
from datetime import date

import pytest

from tessera.programs.matching.engine import (
    DOES_NOT_FIT,
    FITS_INDICATED,
    FITS_OTHER,
    FITS_TRANSDIAGNOSTIC,
    Candidate,
    age_on,
    match,
    summary_from,
)

DEP = Candidate(
    "dep",
    "Depression",
    "depression",
    ("en",),
    {
        "min_age": 18,
        "max_age": None,
        "scores": [{"instrument": "PHQ-9", "min": 5, "max": 23}],
        "exclude": ["high_risk", "audit_zone_iv"],
    },
)
INS = Candidate(
    "ins",
    "Insomnia",
    "insomnia",
    ("en",),
    {"min_age": 18, "scores": [{"instrument": "PHQ-9", "min": 5, "max": 12}], "exclude": []},
)
WORRY = Candidate(
    "worry",
    "Worry",
    "worry",
    ("en", "sv"),
    {"min_age": 18, "scores": [{"instrument": "GAD-7", "min": 8, "max": 21}]},
)
TD = Candidate("td", "Toolbox", "transdiagnostic", ("en",), {"min_age": 18, "exclude": []})
PANIC = Candidate(
    "panic",
    "Panic",
    "panic",
    ("en",),
    {"min_age": 18, "max_age": 65, "exclude": ["high_risk", "audit_zone_iii"]},
)
ALL = [DEP, INS, WORRY, TD, PANIC]


def screening(age=34, language="en", risk=(), **totals):
    bands = {"PHQ-9": "", "GAD-7": ""}
    scores = [
        {"instrument": code.replace("_", "-"), "total": total, "band": bands.get(code, "")}
        for code, total in totals.items()
    ]
    return summary_from(age=age, language=language, scores=scores, risk_flags=risk)


def texts(findings) -> list[str]:
    return [f.text for f in findings]


def by_key(result):
    return {s.key: s for s in result}


def test_depression_and_worry_rank_by_severity_then_the_transdiagnostic_plan():
    s = summary_from(
        age=34,
        language="en",
        scores=[
            {"instrument": "PHQ-9", "total": 14, "band": "moderate"},
            {"instrument": "GAD-7", "total": 12, "band": "moderate"},
        ],
    )
    result = match(s, ALL)
    # PHQ-9 14 >= 10 points to depression; GAD-7 12 >= 10 to worry.
    # Depression: (14 - 5) / (23 - 5) = 0.50; worry: (12 - 8) / (21 - 8) = 0.31.
    assert [x.key for x in result] == ["dep", "worry", "td", "panic", "ins"]
    assert [x.tier for x in result] == [
        FITS_INDICATED,
        FITS_INDICATED,
        FITS_TRANSDIAGNOSTIC,
        FITS_OTHER,
        DOES_NOT_FIT,
    ]
    dep, worry = result[0], result[1]
    assert dep.severity == pytest.approx(0.5)
    assert worry.severity == pytest.approx(4 / 13)
    assert texts(dep.reasons) == [
        "PHQ-9 14 (moderate) points to depression.",
        "PHQ-9 14 is within the range 5–23.",
    ]
    assert texts(dep.to_check) == ["AUDIT not answered: check for AUDIT in zone IV (20 or more)."]
    assert texts(result[2].reasons) == [
        "More than one problem area shows up: depression, worry and generalised anxiety."
    ]
    assert texts(by_key(result)["ins"].problems) == [
        "PHQ-9 14 is above the range 5–12 for Insomnia."
    ]
    assert texts(by_key(result)["panic"].reasons) == [
        "Fits the rules, but nothing in the screening points to panic disorder."
    ]
    assert result.summary == (
        "PHQ-9 14, moderate; GAD-7 12, moderate; suggest depression, "
        "worry and generalised anxiety or a transdiagnostic plan"
    )
    assert not result.nothing_fits


def test_the_issue_example_without_a_worry_programme():
    s = summary_from(
        age=34,
        language="en",
        scores=[
            {"instrument": "PHQ-9", "total": 14, "band": "moderate"},
            {"instrument": "GAD-7", "total": 12, "band": "moderate"},
        ],
    )
    result = match(s, [TD, DEP, INS])
    assert result.summary == (
        "PHQ-9 14, moderate; GAD-7 12, moderate; suggest depression or a transdiagnostic plan"
    )


def test_the_more_severe_problem_comes_first():
    # Depression: (11 - 5) / 18 = 0.33; worry: (18 - 8) / 13 = 0.77.
    result = match(screening(PHQ_9=11, GAD_7=18), ALL)
    assert [x.key for x in result][:3] == ["worry", "dep", "td"]
    assert result[0].severity == pytest.approx(10 / 13)


def test_one_area_does_not_suggest_the_transdiagnostic_plan():
    result = match(screening(PHQ_9=16, GAD_7=6), ALL)
    # GAD-7 6 is below 10: only depression shows up. Insomnia: 16 > 12; worry: 6 < 8.
    assert [x.key for x in result] == ["dep", "panic", "td", "ins", "worry"]
    assert by_key(result)["td"].tier == FITS_OTHER
    assert result.summary == "PHQ-9 16; GAD-7 6; suggest depression"


def test_a_risk_answer_is_a_question_for_a_risk_assessment_not_an_exclusion():
    result = match(screening(PHQ_9=14, risk=("PHQ-9",)), [DEP, PANIC])
    assert result.needs_risk_assessment and not result.nothing_fits
    dep = by_key(result)["dep"]
    assert dep.fits and dep.problems == ()
    assert texts(dep.to_check)[0] == (
        "A risk answer (PHQ-9): needs a risk assessment before a programme is chosen."
    )
    assert result.summary == (
        "PHQ-9 14; a risk answer (PHQ-9); needs a risk assessment before a programme is "
        "chosen; then suggest depression"
    )


def test_only_a_risk_assessed_as_high_by_a_clinician_excludes():
    risky = dict(age=34, language="en", scores=[{"instrument": "PHQ-9", "total": 14}])
    high = match(summary_from(**risky, risk_flags=["PHQ-9"], assessed_risk="high"), [DEP, PANIC])
    assert high.nothing_fits and not high.needs_risk_assessment
    assert texts(high[0].problems)[0] == "Excluded: a risk assessed as high by a clinician."
    assert high.summary == (
        "PHQ-9 14; a risk answer (PHQ-9); risk assessed as high; nothing fits, for every "
        "programme: excluded: a risk assessed as high by a clinician"
    )
    moderate = match(summary_from(**risky, risk_flags=["PHQ-9"], assessed_risk="moderate"), [DEP])
    assert moderate[0].fits
    assert "risk_assessment_needed" not in [f.code for f in moderate[0].to_check]
    assert not moderate.needs_risk_assessment


def test_nothing_fits_for_different_reasons_says_each():
    result = match(screening(age=16, language="en", PHQ_9=14), [DEP, PANIC])
    assert result.nothing_fits
    assert result.summary == (
        "PHQ-9 14; nothing fits: Depression: age 16 is below the lowest age, 18, for "
        "Depression; Panic: age 16 is below the lowest age, 18, for Panic"
    )
    swedish = match(screening(age=16, language="sv", PHQ_9=14), [DEP, PANIC])
    assert swedish.summary == (
        "PHQ-9 14; nothing fits, for every programme: not offered in Swedish (only in English)"
    )
    dep = by_key(swedish)["dep"]
    assert texts(dep.problems) == [
        "Age 16 is below the lowest age, 18, for Depression.",
        "Not offered in Swedish (only in English).",
    ]


def test_language_and_age_limits():
    result = by_key(match(screening(age=70, language="sv", GAD_7=12), ALL))
    assert result["worry"].fits  # offered in Swedish, no highest age
    assert texts(result["panic"].problems) == [
        "Age 70 is above the highest age, 65, for Panic.",
        "Not offered in Swedish (only in English).",
    ]
    assert "Not offered in Swedish (only in English)." in texts(result["dep"].problems)


@pytest.mark.parametrize(
    ("audit", "dep_fits", "panic_fits"),
    [
        (15, True, True),  # zone II
        (16, True, False),  # zone III: panic excludes III and above
        (19, True, False),
        (20, False, False),  # zone IV: both exclude
        (40, False, False),
    ],
)
def test_audit_zones(audit, dep_fits, panic_fits):
    result = by_key(match(screening(PHQ_9=12, AUDIT=audit), [DEP, PANIC]))
    assert result["dep"].fits is dep_fits
    assert result["panic"].fits is panic_fits
    if not dep_fits:
        assert "Excluded: AUDIT in zone IV (20 or more)." in texts(result["dep"].problems)
    if not panic_fits:
        assert "Excluded: AUDIT in zone III or IV (16 or more)." in texts(result["panic"].problems)


def test_a_given_audit_zone_is_used():
    s = summary_from(age=30, language="en", scores=[{"instrument": "PHQ-9", "total": 12}])
    from dataclasses import replace

    result = by_key(match(replace(s, audit_zone=4), [DEP]))
    assert not result["dep"].fits


def test_no_scores_leaves_the_ranges_to_check():
    result = match(screening(), [DEP, TD])
    assert [x.tier for x in result] == [FITS_OTHER, FITS_OTHER]
    dep = by_key(result)["dep"]
    assert texts(dep.to_check) == [
        "AUDIT not answered: check for AUDIT in zone IV (20 or more).",
        "PHQ-9 not answered: the range 5–23 for Depression could not be checked.",
    ]
    assert result.summary == (
        "no screening scores; the scores point to no programme; these fit the rules: "
        "Depression, Toolbox"
    )


def test_unknown_age_and_language_are_left_to_check():
    dep = match(screening(age=None, language=None, PHQ_9=12), [DEP])[0]
    assert dep.fits
    assert "Age not known: check the age limits (18 or older)." in texts(dep.to_check)
    assert "Language not known: offered in English." in texts(dep.to_check)


def test_an_instrument_tessera_does_not_know():
    odd = Candidate(
        "odd",
        "Odd",
        "other",
        ("en",),
        {"scores": [{"instrument": "XYZ-3", "min": 4}], "requires": ["XYZ-3"]},
    )
    result = match(screening(PHQ_9=12), [odd])
    assert texts(result[0].problems) == ["Needs XYZ-3, which was not answered."]
    answered = summary_from(age=30, language="en", scores=[{"instrument": "XYZ-3", "total": 2}])
    result = match(answered, [odd])
    assert texts(result[0].problems) == ["XYZ-3 2 is below the lowest score, 4, for Odd."]


def test_required_questionnaires():
    needs = Candidate("needs", "Needs", "worry", ("en",), {"requires": ["GAD-7", "phq9"]})
    result = match(screening(PHQ_9=12), [needs])
    assert texts(result[0].problems) == ["Needs GAD-7, which was not answered."]
    assert match(screening(PHQ_9=12, GAD_7=3), [needs])[0].fits


def test_exclusions_the_screening_cannot_check_are_for_the_assessment():
    psych = Candidate("p", "P", "depression", ("en",), {"exclude": ["psychosis"]})
    result = match(screening(PHQ_9=12), [psych])
    assert result[0].fits
    assert texts(result[0].to_check) == ["Check at assessment: psychosis."]


def test_rules_that_cannot_be_read_never_fit():
    broken = Candidate("b", "Broken", "depression", ("en",), {"exclude": 5, "min_age": "18"})
    result = match(screening(PHQ_9=12), [broken])
    assert not result[0].fits
    assert texts(result[0].problems) == [
        "Its rules cannot be read (min_age, exclude): a manager should correct them."
    ]
    assert not match(screening(), [Candidate("n", "N", "other", ("en",), None)])[0].fits


def test_no_programmes_at_all():
    result = match(screening(PHQ_9=12), [])
    assert result.nothing_fits
    assert result.summary == "PHQ-9 12; nothing fits: the clinic offers no published programme"


def test_the_order_of_the_input_does_not_matter():
    s = screening(PHQ_9=14, GAD_7=12)
    expected = [x.key for x in match(s, ALL)]
    for seed in range(5):
        shuffled = list(ALL)
        random.Random(seed).shuffle(shuffled)
        assert [x.key for x in match(s, shuffled)] == expected


def test_a_prorated_total_is_shown_with_one_decimal():
    result = match(screening(PHQ_9=13.5), [DEP])
    assert result.summary.startswith("PHQ-9 13.5; suggest depression")


def test_age_on():
    assert age_on(date(2000, 6, 15), date(2018, 6, 14)) == 17
    assert age_on(date(2000, 6, 15), date(2018, 6, 15)) == 18
    assert age_on(None, date(2018, 6, 15)) is None


def test_texts_follow_the_active_language():
    from django.utils import translation

    with translation.override("sv"):
        result = match(screening(PHQ_9=14), [DEP])
    assert isinstance(result.summary, str)
