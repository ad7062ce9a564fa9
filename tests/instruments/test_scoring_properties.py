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
def test_raising_one_answer_never_lowers_the_total(response, data):
    definition, answers = response
    assert not definition.reverse_items  # none of the shipped instruments reverses items
    number = data.draw(st.sampled_from(definition.item_numbers))
    higher = [v for v in definition.item(number).values if v > answers[number]]
    if not higher:
        return
    raised = {**answers, number: data.draw(st.sampled_from(sorted(higher)))}
    assert score(definition, raised).total >= score(definition, answers).total


@CHECKS
@given(responses())
def test_a_complete_response_is_never_refused_or_imputed(response):
    definition, answers = response
    result = score(definition, answers)
    assert result.complete
    assert result.missing_handling == ()
    assert result.to_dict()["total"] == result.total
