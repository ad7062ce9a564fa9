"""Risk words in the patient's text, in the five languages patients write in."""

import pytest

from tessera.core import risk_words


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Some days I think I would be better off dead.", ["better off dead"]),
        ("I don’t want to live like this", ["don't want to live"]),
        ("I have thought about SUICIDE and I\nwant to die", ["SUICIDE", "want to die"]),
        ("Ibland vill jag inte leva längre.", ["vill jag inte leva"]),
        ("Jeg har tenkt på selvmord.", ["selvmord"]),
        ("Jeg vil skade mig selv.", ["skade mig selv"]),
        ("Ik wil niet meer leven.", ["wil niet meer leven"]),
        ("I walked to the lake and felt a bit better.", []),
        ("The overdue bill and my self-esteem", []),  # no word inside another word
        ("", []),
    ],
)
def test_it_finds_the_phrases_as_written(text, found):
    assert risk_words.find(text) == found


def test_each_phrase_once():
    assert risk_words.find("suicide. Suicide!") == ["suicide"]


def test_text_of_a_stored_answer():
    assert (
        risk_words.text_of({"a": "one", "b": ["two", {"c": "three"}], "n": 4})
        == "one\ntwo\nthree\n"
    )
