"""Properties of the matching engine over made-up screenings and rules: it never
crashes, whatever the rules hold; a programme a rule excludes never appears as fitting;
whatever fits comes before whatever does not."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tessera.programs.matching.engine import Candidate, Score, ScreeningSummary, match
from tessera.programs.matching.rules import EXCLUDE_CODES, read_rules

INSTRUMENTS = ["PHQ-9", "GAD-7", "AUDIT", "ISI", "PDSS-SR", "MADRS-S", "XYZ-1", "phq9"]
AREAS = ["depression", "worry", "panic", "insomnia", "transdiagnostic", "other", "nonsense"]
LANGUAGES = ["en", "sv", "nb", "xx"]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

numbers = st.one_of(st.integers(-5, 60), st.floats(-5, 60, allow_nan=False))
scores = st.builds(
    Score,
    instrument=st.sampled_from(INSTRUMENTS),
    total=st.one_of(st.none(), numbers),
    band=st.sampled_from(["", "moderate", "Zone IV"]),
)
screenings = st.builds(
    ScreeningSummary,
    age=st.one_of(st.none(), st.integers(-3, 130)),
    language=st.one_of(st.none(), st.sampled_from(LANGUAGES)),
    scores=st.lists(scores, max_size=5).map(tuple),
    risk_flags=st.lists(st.sampled_from(INSTRUMENTS), max_size=2).map(tuple),
    audit_zone=st.one_of(st.none(), st.integers(1, 4)),
    assessed_risk=st.sampled_from([None, "low", "moderate", "high"]),
)
score_rules = st.fixed_dictionaries(
    {"instrument": st.sampled_from(INSTRUMENTS)},
    optional={"min": st.one_of(st.none(), numbers), "max": st.one_of(st.none(), numbers)},
)
good_rules = st.fixed_dictionaries(
    {},
    optional={
        "min_age": st.one_of(st.none(), st.integers(0, 120)),
        "max_age": st.one_of(st.none(), st.integers(0, 120)),
        "languages": st.lists(st.sampled_from(LANGUAGES), max_size=3),
        "scores": st.lists(score_rules, max_size=3),
        "exclude": st.lists(st.sampled_from([*EXCLUDE_CODES, "psychosis"]), max_size=3),
        "requires": st.lists(st.sampled_from(INSTRUMENTS), max_size=2),
    },
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=8)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
any_rules = st.one_of(
    good_rules,
    json_values,
    st.dictionaries(
        st.sampled_from(["min_age", "max_age", "languages", "scores", "exclude", "requires"]),
        json_values,
        max_size=4,
    ),
)


def candidates(rules):
    return st.builds(
        Candidate,
        key=st.text(min_size=1, max_size=6),
        title=st.text(max_size=12),
        problem_area=st.sampled_from(AREAS),
        languages=st.lists(st.sampled_from(LANGUAGES), max_size=3).map(tuple),
        rules=rules,
    )


@SETTINGS
@given(screenings, st.lists(candidates(any_rules), max_size=6))
def test_it_never_crashes_and_keeps_every_programme(screening, offered):
    result = match(screening, offered)
    assert len(result) == len(offered)
    assert isinstance(result.summary, str) and result.summary
    for suggestion in result:
        assert suggestion.fits == (not suggestion.problems)
        assert all(isinstance(f.text, str) for f in suggestion.reasons + suggestion.to_check)


@SETTINGS
@given(screenings, st.lists(candidates(any_rules), max_size=6))
def test_what_fits_comes_before_what_does_not(screening, offered):
    fits = [s.fits for s in match(screening, offered)]
    assert fits == sorted(fits, reverse=True)


def _excluded(screening: ScreeningSummary, rules: dict) -> bool:
    """Whether a well-formed rule set rules this screening out, worked out directly."""
    parsed = read_rules(rules)
    if "high_risk" in parsed.exclude and screening.assessed_risk == "high":
        return True
    zone = screening.zone
    if zone is not None and (
        ("audit_zone_iv" in parsed.exclude and zone >= 4)
        or ("audit_zone_iii" in parsed.exclude and zone >= 3)
    ):
        return True
    age = screening.age
    if age is not None and (
        (parsed.min_age is not None and age < parsed.min_age)
        or (parsed.max_age is not None and age > parsed.max_age)
    ):
        return True
    for rule in parsed.scores:
        score = screening.score(rule.instrument)
        if score is not None and score.total is not None:
            if (rule.min is not None and score.total < rule.min) or (
                rule.max is not None and score.total > rule.max
            ):
                return True
    return any(
        screening.score(code) is None or screening.score(code).total is None
        for code in parsed.requires
    )


@SETTINGS
@given(
    screenings,
    st.lists(candidates(good_rules), min_size=1, max_size=6, unique_by=lambda c: c.key),
)
def test_a_programme_a_rule_excludes_never_fits(screening, offered):
    found = {s.key: s for s in match(screening, offered)}
    for candidate in offered:
        if _excluded(screening, candidate.rules):
            assert not found[candidate.key].fits, (candidate, found[candidate.key])
