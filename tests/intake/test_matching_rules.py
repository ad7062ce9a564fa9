"""Reading and checking eligibility rules: the strict check a person's rules get, the
lenient reading the engine does, and the rules in words."""

from __future__ import annotations

import pytest

from tessera.programs.matching.rules import describe_rules, read_rules, rule_problems

SAMPLE = {
    "min_age": 18,
    "max_age": None,
    "scores": [{"instrument": "PHQ-9", "min": 5, "max": 23}],
    "exclude": ["high_risk", "audit_zone_iv"],
}


def test_the_sample_rules_are_good():
    assert rule_problems(SAMPLE, languages=["en"]) == []
    assert rule_problems({}) == []
    assert rule_problems({**SAMPLE, "languages": ["en"], "requires": ["GAD-7"]}) == []


@pytest.mark.parametrize(
    ("rules", "field", "message"),
    [
        ([], "rules", "The rules must be written between { and }."),
        ({"min_ag": 3}, "rules", "“min_ag” is not a rule Tessera knows."),
        ({"min_age": -1}, "min_age", "An age limit must be a whole number from 0 to 120."),
        ({"max_age": 17.5}, "max_age", "An age limit must be a whole number from 0 to 120."),
        ({"min_age": 30, "max_age": 20}, "max_age", "The highest age is below the lowest age."),
        ({"languages": "en"}, "languages", "Give the languages as a list of codes"),
        ({"languages": ["sv"]}, "languages", "The programme is not written in: sv."),
        ({"scores": {}}, "scores", "Write the score ranges as a list"),
        ({"scores": [{"instrument": "XYZ"}]}, "scores", "“XYZ” is not a questionnaire"),
        ({"scores": [{"instrument": "PHQ-9"}]}, "scores", "give a lowest score, a highest"),
        ({"scores": [{"instrument": "PHQ-9", "min": 30}]}, "scores", "from 0 to 27"),
        ({"scores": [{"instrument": "PHQ-9", "min": 9, "max": 5}]}, "scores", "is above"),
        ({"scores": [{"instrument": "PHQ-9", "mn": 9}]}, "scores", "must be written as"),
        (
            {"scores": [{"instrument": "PHQ-9", "min": 1}, {"instrument": "phq9", "max": 9}]},
            "scores",
            "has a range already",
        ),
        ({"exclude": ["psychosis"]}, "exclude", "Tessera cannot check “psychosis”"),
        ({"exclude": "high_risk"}, "exclude", "Write the exclusions as a list"),
        ({"requires": ["NOPE"]}, "requires", "“NOPE” is not a questionnaire"),
    ],
)
def test_problems_are_named_with_their_field(rules, field, message):
    problems = rule_problems(rules, languages=["en"])
    assert any(f == field and message in m for f, m in problems), problems


def test_reading_is_lenient_but_says_what_it_could_not_read():
    rules = read_rules({"exclude": "high_risk", "scores": [{"instrument": 3}], "min_age": True})
    assert rules.exclude == ("high_risk",)
    assert rules.unreadable == ("min_age", "scores")
    assert read_rules(None).unreadable == ("rules",)
    assert read_rules(SAMPLE).unreadable == ()


def test_the_rules_in_words():
    assert describe_rules(SAMPLE, ["en", "sv"]) == [
        "Age: 18 or older.",
        "Offered in: English, Swedish.",
        "PHQ-9 from 5 to 23.",
        "Not with a risk assessed as high by a clinician.",
        "Not with AUDIT in zone IV (20 or more).",
    ]
    assert describe_rules({}) == ["No rules: everyone fits."]
    assert describe_rules({"languages": ["sv"], "requires": ["GAD-7"]}, ["en", "sv"]) == [
        "Offered in: Swedish.",
        "Needs answers to: GAD-7.",
    ]
