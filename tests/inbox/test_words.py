"""The inbox's kept translations give Django's own, in the active language."""

from __future__ import annotations

from django.utils import translation

from tessera.inbox import words

SINGULAR = "due in %(count)d working hour"
PLURAL = "due in %(count)d working hours"


def test_it_gives_djangos_translation_in_each_language_and_number():
    for language in ["en", "sv", "nb", "en", "sv"]:
        with translation.override(language):
            for number in [1, 2, 5, 1]:
                assert words.ngettext(SINGULAR, PLURAL, number) == translation.ngettext(
                    SINGULAR, PLURAL, number
                )
            assert words.gettext("Seen, no reply needed") == translation.gettext(
                "Seen, no reply needed"
            )
    with translation.override("sv"):
        assert words.ngettext(SINGULAR, PLURAL, 2) != PLURAL  # translated, not the msgid
