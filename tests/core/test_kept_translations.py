"""``{% load i18n %}`` is Django's library with the literal ``{% translate %}`` kept per
language (tessera.core.templatetags.kept_i18n, issue 16, decision 0073): the same output
as Django's own tag, in every language and escaping, and forgotten when the languages
change in a test."""

import pytest
from django.template import Context, Engine, engines
from django.templatetags import i18n as django_i18n
from django.test import override_settings
from django.utils import translation

from tessera.core.templatetags import kept_i18n

TEMPLATE = (
    "{% load i18n %}"
    '{% translate "Home" %}|{% trans "Sign out" %}|{% translate "Messages" context "x" %}|'
    '{% translate word %}|{% translate "Home" as kept %}[{{ kept }}]|'
    '{% translate "Home"|upper %}|{% translate "Home" noop %}|{% translate "a <b> & 50%" %}|'
    '{% autoescape off %}{% translate "a <b> & 50%" %}{% endautoescape %}'
)


def djangos(language: str, context: dict) -> str:
    plain = Engine(libraries={"i18n": "django.templatetags.i18n"})  # Django's own
    with translation.override(language):
        return plain.from_string(TEMPLATE).render(Context(context))


def test_every_load_of_i18n_is_the_kept_library_with_all_of_djangos_tags():
    engine = engines["django"].engine
    assert engine.template_libraries["i18n"] is kept_i18n.register
    assert set(kept_i18n.register.tags) == set(django_i18n.register.tags)
    assert set(kept_i18n.register.filters) == set(django_i18n.register.filters)
    node = engine.from_string('{% load i18n %}{% translate "Home" %}').nodelist[-1]
    assert isinstance(node, kept_i18n.KeptTranslateNode) and node.literal


@pytest.mark.parametrize("language", ["en", "sv", "nb", "da", "nl"])
def test_the_same_output_as_djangos_tag_twice_in_each_language(language):
    template = engines["django"].from_string(TEMPLATE)
    context = {"word": "Messages"}
    with translation.override(language):
        first = template.render(context)
        second = template.render(context)  # from what is kept
    assert first == second == djangos(language, context)
    if language == "sv":
        assert first.startswith("Start|Logga ut|")


def test_only_literals_are_kept_by_language_escaping_and_text():
    kept_i18n._KEPT.clear()
    template = engines["django"].from_string(TEMPLATE)
    with translation.override("sv"):
        template.render({"word": "Messages"})
    assert set(kept_i18n._KEPT) == {
        ("sv", True, "Home"),
        ("sv", True, "Sign out"),
        ("sv", True, "a <b> & 50%"),
        ("sv", False, "a <b> & 50%"),
    }
    # A template's literal is safe text (Django does not escape it) with its % signs.
    assert kept_i18n._KEPT[("sv", True, "a <b> & 50%")] == "a <b> & 50%"


def test_a_change_of_languages_or_locale_paths_forgets_what_is_kept():
    template = engines["django"].from_string('{% load i18n %}{% translate "Home" %}')
    with translation.override("sv"):
        assert template.render({}) == "Start"
    assert kept_i18n._KEPT
    with override_settings(LOCALE_PATHS=[]):
        assert not kept_i18n._KEPT
        with translation.override("sv"):
            # Only Django's own catalogs now: the project's text is not translated.
            assert template.render({}) == "Home"
    assert not kept_i18n._KEPT
    with translation.override("sv"):
        assert template.render({}) == "Start"


def test_a_process_keeps_at_most_the_limit(monkeypatch):
    monkeypatch.setattr(kept_i18n, "LIMIT", 2)
    kept_i18n._KEPT.clear()
    template = engines["django"].from_string(
        '{% load i18n %}{% translate "Home" %}{% translate "Sign out" %}{% translate "Menu" %}'
    )
    with translation.override("sv"):
        assert template.render({}) == djangos_text("sv", ["Home", "Sign out", "Menu"])
    assert len(kept_i18n._KEPT) <= 2


def djangos_text(language, texts):
    with translation.override(language):
        return "".join(translation.gettext(t) for t in texts)


def test_no_template_library_but_i18n_and_cache_is_named_twice():
    """Django's W003 is silenced for the names overridden on purpose (settings: i18n,
    and cache, decision 0077): its check, run here, finds those and nothing else."""
    from django.template import engines

    found = engines["django"]._check_for_template_tags_with_the_same_name()
    assert [w.id for w in found] == ["templates.W003"] * 2
    names = sorted(w.msg.split("'")[1] for w in found)
    assert names == ["cache", "i18n"]
