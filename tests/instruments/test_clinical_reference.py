"""The instrument definitions against /work/shared/reference/CLINICAL.md §1 (re-read after
its correction this month, issue 12): items, totals, band edges, caseness and the risk
item's threshold, one row per instrument, as the reference table gives them. A change to
a definition that departs from the reference fails here, and must cite its own source.

Hand-copied from CLINICAL.md §1 (✓ confirmed, ~ secondary; the definition says which):

| code | items | total | lower edges of the bands above the first | caseness | risk item |
|---|---|---|---|---|---|
| PHQ-9 | 9 | 0-27 | 5, 10, 15, 20 ✓ | 10 (§2) | item 9 at 1 ✓ |
| GAD-7 | 7 | 0-21 | 5, 10, 15 ✓ | 8 (§2) | none |
| MADRS-S | 9 | 0-54 | 13, 20, 35 ~ (practice) | 13 ~ | item 9 at 4 ✓ (SibeR) |
| PHQ-15 | 15 | 0-30 | 5, 10, 15 ✓ | | none |
| PCL-5 | 20 | 0-80 | | 31-33 ✓ (33 used) | none |
| AUDIT | 10 | 0-40 | 8, 16, 20 ✓ | | none |
| WSAS | 5 | 0-40 | 10, 21 ✓ | | none |
| ISI | 7 | 0-28 | 8, 15, 22 ✓ | | none |
| PDSS-SR | 7 | 0-28 | | 8 ~ (§2) | none |
| LSAS-SR | 24 × 2 | 0-144 | 30, 60 ✓ | 30, 60 | none |
| OCI-R | 18 | 0-72 | | 21 ✓ | none |
| K10 | 10 | 10-50 | 20, 25, 30 ✓ (Australian clinical banding, said) | | none |
"""

import pytest

from tessera.instruments.scoring import load_definition

REFERENCE = [
    # code, items, (min, max), band lower edges after the first, caseness cut-offs, risk
    ("PHQ-9", 9, (0, 27), [5, 10, 15, 20], {10}, {(9, 1)}),
    ("GAD-7", 7, (0, 21), [5, 10, 15], {8}, set()),
    ("MADRS-S", 9, (0, 54), [13, 20, 35], {13}, {(9, 4)}),
    ("PHQ-15", 15, (0, 30), [5, 10, 15], set(), set()),
    ("PCL-5", 20, (0, 80), [], {33}, set()),
    ("AUDIT", 10, (0, 40), [8, 16, 20], set(), set()),
    ("WSAS", 5, (0, 40), [10, 21], set(), set()),
    ("ISI", 7, (0, 28), [8, 15, 22], set(), set()),
    ("PDSS-SR", 7, (0, 28), [], {8}, set()),
    ("LSAS-SR", 48, (0, 144), [30, 60], {30, 60}, set()),
    ("OCI-R", 18, (0, 72), [], {21}, set()),
    ("K10", 10, (10, 50), [20, 25, 30], set(), set()),
]


@pytest.mark.parametrize(
    ("code", "items", "span", "edges", "caseness", "risk"), REFERENCE, ids=[r[0] for r in REFERENCE]
)
def test_the_definition_agrees_with_the_clinical_reference(
    code, items, span, edges, caseness, risk
):
    definition = load_definition(code)
    assert len(definition.item_numbers) == items
    assert (definition.min_total, definition.max_total) == span
    ranges = definition.bands.ranges if definition.bands else ()
    assert [band.min for band in ranges][1:] == edges
    assert caseness <= {c.at_least for c in definition.caseness}
    # the lowest threshold of each risk item (higher ones are this service's urgent grade)
    lowest: dict[int, int] = {}
    for rule in definition.risk_rules:
        lowest[rule.item] = min(rule.at_least, lowest.get(rule.item, rule.at_least))
    assert set(lowest.items()) == risk


def test_dass21_scales_are_doubled_with_the_reference_edges():
    definition = load_definition("DASS-21")
    edges = {s.code: [band.min for band in s.bands.ranges][1:] for s in definition.subscales}
    assert edges == {"D": [10, 14, 21, 28], "A": [8, 10, 15, 20], "S": [15, 19, 26, 34]}
    assert all(s.multiplier == 2 for s in definition.subscales)


def test_madrs_s_bands_are_marked_as_practice_not_the_1994_paper():
    definition = load_definition("MADRS-S")
    assert "not Svanborg & Åsberg 1994" in definition.bands.source
    assert definition.reliable_change is None
    assert definition.reliable_change_note.startswith("None")
