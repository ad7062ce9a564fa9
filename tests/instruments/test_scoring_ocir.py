"""OCI-R: 18 items 0-4, six subscales of every sixth item, cut-off 21."""

from tessera.instruments.scoring import load_definition, score

OCIR = load_definition("OCI-R")


def test_it_scores_the_minimum_and_maximum():
    assert score(OCIR, dict.fromkeys(range(1, 19), 0)).total == 0
    high = score(OCIR, dict.fromkeys(range(1, 19), 4))
    assert high.total == 72
    assert {s.score for s in high.subscales.values()} == {12}


def test_each_subscale_takes_every_sixth_item():
    values = dict.fromkeys(range(1, 19), 0)
    values.update({1: 4, 7: 4, 13: 4, 6: 1})
    result = score(OCIR, values)
    assert result.subscales["hoarding"].score == 12
    assert result.subscales["obsessing"].score == 1
    assert result.subscales["washing"].score == 0


def test_the_cut_off_is_21():
    twenty = {**dict.fromkeys(range(1, 19), 0), **dict.fromkeys(range(1, 6), 4)}
    assert score(OCIR, twenty).caseness == {"ocir_at_least_21": False}
    assert score(OCIR, {**twenty, 6: 1}).caseness == {"ocir_at_least_21": True}


def test_it_refuses_a_missing_item():
    assert score(OCIR, dict.fromkeys(range(1, 18), 1)).total is None
