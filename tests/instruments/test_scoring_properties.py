"""Properties over every shipped instrument, for any valid complete set of answers."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tessera.instruments.scoring import load_all, score

DEFINITIONS = load_all()
CHECKS = settings(database=None, max_examples=150, deadline=None)


@st.composite
def responses(draw):
    definition = DEFINITIONS[draw(st.sampled_from(sorted(DEFINITIONS)))]
    answers = {item.number: draw(st.sampled_from(sorted(item.values))) for item in definition.items}
    return definition, answers


@CHECKS
@given(responses())
def test_the_total_stays_within_the_published_range(response):
    definition, answers = response
    result = score(definition, answers)
    assert definition.min_total <= result.total <= definition.max_total
    assert (result.band is not None) == (definition.bands is not None)
    for sub in result.subscales.values():
        assert sub.min <= sub.score <= sub.max


@CHECKS
@given(responses(), st.data())
def test_raising_one_answer_never_moves_the_total_the_wrong_way(response, data):
    """Raising an answer never lowers the total, or never raises it for a reversed item."""
    definition, answers = response
    number = data.draw(st.sampled_from(definition.item_numbers))
    higher = [v for v in definition.item(number).values if v > answers[number]]
    if not higher:
        return
    raised = {**answers, number: data.draw(st.sampled_from(sorted(higher)))}
    before, after = score(definition, answers).total, score(definition, raised).total
    if number in definition.reverse_items:
        assert after <= before
    else:
        assert after >= before


@CHECKS
@given(responses())
def test_a_complete_response_is_never_refused_or_imputed(response):
    definition, answers = response
    result = score(definition, answers)
    assert result.complete
    assert result.missing_handling == ()
    assert result.to_dict()["total"] == result.total
