"""Primary measures per problem area and the two outcome rules a clinic can choose
(issue 12 items 4 and 5; tessera/instruments/scoring/primary.py).

Hand-scored cases. The Swedish rule (CLINICAL.md §2): substantially improved = a fall from
the first score of at least 40 % (MADRS-S, ISI, PDSS-SR) or 30 % (SHAI, LSAS-SR).

| measure | first → last | fall | rule | result |
|---|---|---|---|---|
| MADRS-S | 25 → 15 | 40 % | swedish | substantially improved (exactly 40 %) |
| MADRS-S | 25 → 16 | 36 % | swedish | not |
| ISI | 20 → 12 | 40 % | swedish | substantially improved |
| ISI | 21 → 13 | 38.1 % | swedish | not |
| PDSS-SR | 15 → 9 | 40 % | swedish | substantially improved |
| PDSS-SR | 15 → 10 | 33.3 % | swedish | not |
| LSAS-SR | 60 → 42 | 30 % | swedish | substantially improved (exactly 30 %) |
| LSAS-SR | 60 → 43 | 28.3 % | swedish | not |
| SHAI | 20 → 14 | 30 % | swedish | substantially improved |
| PHQ-9 | 20 → 5 | 75 % | swedish | no label: the rule names no PHQ-9 threshold |
| MADRS-S | 0 → 0 | — | swedish | no label (no fall from 0) |

National reading of the primary measure (cut-offs and reliable change from the
definitions, each with its source there):

| measure | first → last | caseness start / end | reliable change |
|---|---|---|---|
| MADRS-S | 24 → 10 | yes (≥ 13) / no | none on file |
| MADRS-S | 13 → 12 | yes / no (the edge of the mild band) | none on file |
| ISI | 18 → 8 | yes (≥ 10) / no | none on file |
| PDSS-SR | 16 → 10 | yes (≥ 8, national) / yes | improved (fall 6 ≥ 5) |
| PDSS-SR | 10 → 14 | yes / yes | none (a rise of 4 < 5) |
"""

import pytest

from tessera.instruments.scoring import load_all, load_definition
from tessera.instruments.scoring import primary as p


@pytest.mark.parametrize(
    ("code", "first", "last", "expected"),
    [
        ("MADRS-S", 25, 15, True),
        ("MADRS-S", 25, 16, False),
        ("ISI", 20, 12, True),
        ("ISI", 21, 13, False),
        ("PDSS-SR", 15, 9, True),
        ("PDSS-SR", 15, 10, False),
        ("LSAS-SR", 60, 42, True),
        ("LSAS-SR", 60, 43, False),
        ("SHAI", 20, 14, True),
        ("PHQ-9", 20, 5, None),
        ("MADRS-S", 0, 0, None),
    ],
)
def test_swedish_rule_hand_scored(code, first, last, expected):
    result = p.primary_outcome(code, first, last, rule=p.SWEDISH)
    assert result.substantially_improved is expected
    assert result.has_label is (expected is not None)


def test_swedish_thresholds_are_the_reference_ones():
    assert p.SWEDISH_PERCENT == {
        "MADRS-S": 40.0,
        "ISI": 40.0,
        "PDSS-SR": 40.0,
        "SHAI": 30.0,
        "GSRS-IBS": 30.0,
        "LSAS-SR": 30.0,
    }
    assert p.swedish_percent("madrs-s") == 40.0 and p.swedish_percent("GAD-7") is None


@pytest.mark.parametrize(
    ("code", "first", "last", "start", "end", "change"),
    [
        ("MADRS-S", 24, 10, True, False, None),
        ("MADRS-S", 13, 12, True, False, None),
        ("ISI", 18, 8, True, False, None),
        ("PDSS-SR", 16, 10, True, True, "improved"),
        ("PDSS-SR", 10, 14, True, True, "no_reliable_change"),
    ],
)
def test_national_reading_of_the_primary_measure(code, first, last, start, end, change):
    result = p.primary_outcome(code, first, last)
    assert (result.caseness_first, result.caseness_last, result.reliable_change) == (
        start,
        end,
        change,
    )


def test_madrs_s_caseness_is_the_practice_band_with_its_source():
    rule = load_definition("MADRS-S").caseness[0]
    assert rule.at_least == 13
    assert "practice" in rule.source and "not Svanborg" in rule.source
    assert p.cutoff_for("MADRS-S") == 13
    assert p.cutoff_for("PDSS-SR") == 8  # the national cut-off, not the screening 9


def test_each_problem_area_has_a_shipped_default_with_a_source():
    from tessera.programs.models import ProblemArea

    shipped = set(load_all())
    for area in ProblemArea.values:
        measure = p.PRIMARY_BY_PROBLEM[area]
        assert measure.code in shipped and measure.source
    assert p.primary_for("insomnia") == "ISI"
    assert p.primary_for("panic") == "PDSS-SR"
    assert p.primary_for("social_anxiety") == "SPIN"
    assert p.primary_for("ptsd") == "IES-R"
    assert p.primary_for("worry") == "GAD-7"
    assert p.primary_for("depression") == "PHQ-9"
    assert p.primary_for("depression", "MADRS-S") == "MADRS-S"  # staff's choice wins
    assert p.primary_for("agoraphobia") == "MI"
    assert p.primary_for("health_anxiety") == "SHAI"
    assert p.primary_for("ocd") == "OCI-R"
    assert p.primary_for("unknown") == ""


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValueError):
        p.primary_outcome("ISI", 10, 5, rule="both")
