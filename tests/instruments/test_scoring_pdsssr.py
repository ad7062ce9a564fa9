"""PDSS-SR: 7 items 0-4, no bands, cut-off 9 (marked ~ in CLINICAL.md)."""

from tessera.instruments.scoring import load_definition, score

PDSS = load_definition("PDSS-SR")


def answers(*values):
    return dict(enumerate(values, start=1))


def test_it_scores_the_minimum_and_maximum():
    low, high = score(PDSS, answers(*[0] * 7)), score(PDSS, answers(*[4] * 7))
    assert (low.total, high.total) == (0, 28)
    assert low.band is None


def test_the_cut_off_is_9():
    assert score(PDSS, answers(4, 4, 0, 0, 0, 0, 0)).caseness["pdsssr_at_least_9"] is False
    assert score(PDSS, answers(4, 4, 1, 0, 0, 0, 0)).caseness["pdsssr_at_least_9"] is True


def test_it_refuses_a_missing_item():
    result = score(PDSS, {n: 2 for n in range(2, 8)})
    assert (result.total, result.missing_items) == (None, (1,))
