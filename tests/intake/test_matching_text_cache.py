"""The matching texts are translated once per language and text (issue 16), and still
follow the language active when they are asked for."""

from __future__ import annotations

from django.utils import translation

from tessera.programs.matching import areas, text


def test_each_answer_is_in_the_language_active_when_asked():
    for _round in range(2):  # the second round answers from the cache
        with translation.override("sv"):
            assert areas.area_label("panic") == "paniksyndrom"
            assert areas.language_name("en", in_sentence=True) == "engelska"
        with translation.override("nl"):
            assert areas.area_label("panic") == "paniekstoornis"
        with translation.override("en"):
            assert areas.area_label("panic") == "panic disorder"
            assert areas.language_name("en", in_sentence=True) == "English"


def test_with_no_language_active_the_text_is_djangos_own_answer():
    with translation.override(None):
        assert text._("panic disorder") == "panic disorder"
        assert text.pgettext("language inside a sentence", "English") == "English"


def test_a_text_is_asked_of_gettext_once_per_language():
    text._translated.cache_clear()
    with translation.override("sv"):
        for _ in range(50):
            areas.area_label("panic")
    info = text._translated.cache_info()
    labels = 11  # area_label translates its whole table each time
    assert (info.misses, info.hits) == (labels, 49 * labels)
