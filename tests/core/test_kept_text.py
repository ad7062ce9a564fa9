"""``core.kept_text``: a module's fixed texts translated once per language (issue 16),
the same words as ``str(lazy)`` and ``gettext`` give, in every language, first and from
what is kept; a change of settings forgets them; a process keeps at most the limit."""

import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from tessera.core import kept_text
from tessera.intake.timeline import STATE_LABELS
from tessera.treatment import plain_names

LAZY = [*STATE_LABELS.values(), *plain_names.PLAIN_NAMES.values(), plain_names.WHY_DURING]
MESSAGES = ["due today", "planned for %(date)s", "Treatment starts", "not in any catalog"]


@pytest.mark.parametrize("language", ["en", "sv", "nb", "da", "nl"])
def test_the_same_words_as_djangos_first_and_from_what_is_kept(language):
    with translation.override(language):
        for _ in range(2):
            assert [kept_text.text(t, language) for t in LAZY] == [str(t) for t in LAZY]
            assert [kept_text.translated(m, language) for m in MESSAGES] == [
                gettext(m) for m in MESSAGES
            ]
    assert kept_text.text("as it is", language) == "as it is"


def test_each_language_its_own_words():
    label = STATE_LABELS["done"]
    with translation.override("sv"):
        swedish = kept_text.text(label, "sv")
    with translation.override("en"):
        assert kept_text.text(label, "en") == "done"
    assert swedish != "done"
    with translation.override("en"):  # kept: asked with the language given
        assert kept_text.text(label, "sv") == swedish


def test_a_change_of_settings_forgets_what_is_kept():
    with translation.override("sv"):
        kept_text.text(STATE_LABELS["now"], "sv")
        kept_text.translated("due today", "sv")
    assert kept_text._LAZY and kept_text._MESSAGES
    with override_settings(LANGUAGES=[("en", "English")]):
        assert not kept_text._LAZY and not kept_text._MESSAGES


def test_a_process_keeps_at_most_the_limit(monkeypatch):
    monkeypatch.setattr(kept_text, "LIMIT", 2)
    made = [gettext_lazy(f"text {n}") for n in range(5)]
    with translation.override("en"):
        for n, lazy in enumerate(made):
            assert kept_text.text(lazy, "en") == f"text {n}"
            assert kept_text.translated(f"message {n}", "en") == f"message {n}"
    assert len(kept_text._LAZY) <= 2 and len(kept_text._MESSAGES) <= 2
