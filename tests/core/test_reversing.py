"""Addresses kept per process (issue 16): ``core.reversing.reverse_cached``, the
``{% url %}`` builtin and ``{% static %}`` of ``cached_static`` give what Django's own
give, and a new URLconf or storage starts afresh."""

import pytest
from django.template import Context, Engine, engines
from django.templatetags.static import static
from django.test import override_settings
from django.urls import NoReverseMatch, clear_url_caches, get_resolver, reverse

from tessera.core.reversing import reverse_cached


def test_the_same_address_as_reverse_kept_on_the_resolver():
    assert reverse_cached("home") == reverse("home")
    assert reverse_cached("questionnaire_fill", [12]) == reverse("questionnaire_fill", args=[12])
    kept = get_resolver().__dict__["_tessera_reversed"]
    assert ("questionnaire_fill", (12,), None, "/") in kept
    clear_url_caches()  # a new resolver: nothing kept
    assert "_tessera_reversed" not in get_resolver().__dict__


def test_other_arguments_are_passed_through_and_not_kept():
    kept_before = dict(get_resolver().__dict__.get("_tessera_reversed", {}))
    # A bool equals an int (True is not 1 in an address), and a model instance's address is
    # its __str__: neither is kept. A str is kept under its own key.
    assert reverse_cached("questionnaire_fill", ["7"]) == reverse("questionnaire_fill", args=[7])
    with pytest.raises(NoReverseMatch):
        reverse_cached("questionnaire_fill", [True])
    kept_before[("questionnaire_fill", ("7",), None, "/")] = reverse("questionnaire_fill", args=[7])
    assert get_resolver().__dict__.get("_tessera_reversed", {}) == kept_before
    with pytest.raises(NoReverseMatch):
        reverse_cached("no_such_page")


def test_the_url_tag_is_the_projects_in_every_template():
    template = engines["django"].from_string(
        "{% url 'home' %}|{% url 'questionnaire_fill' 7 %}|{% url 'no_such' as gone %}[{{ gone }}]"
    )
    assert template.render({}) == f"{reverse('home')}|{reverse('questionnaire_fill', args=[7])}|[]"
    # Django's own tag, for comparison, gives the same.
    plain = Engine(libraries={}).from_string("{% url 'questionnaire_fill' 7 %}")
    assert plain.render(Context({})) == reverse("questionnaire_fill", args=[7])


def test_the_static_tag_gives_djangos_address_and_follows_the_storage():
    template = engines["django"].from_string(
        "{% load cached_static %}{% static 'tessera/site.css' %}"
    )
    assert template.render({}) == static("tessera/site.css")
    with override_settings(STATIC_URL="/elsewhere/"):
        assert template.render({}) == static("tessera/site.css") == "/elsewhere/tessera/site.css"
    assert template.render({}) == static("tessera/site.css")


def test_a_menu_drawn_from_the_kept_html_is_the_fresh_one_in_each_language():
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    from tessera.portal import navigation

    nav = [("/", gettext_lazy("Home")), ("/me/messages/", "Messages (2 new)")]

    def fresh():
        navigation._DRAWN.clear()
        return str(navigation.NavItems(nav, "/"))

    for language in ["en", "sv", "en", "nl"]:
        with translation.override(language):
            kept = str(navigation.NavItems(nav, "/"))
            assert kept == fresh(), language
            assert str(navigation.NavItems(nav, "/")) == kept  # from the kept HTML
            assert str(navigation.NavItems(nav, "/me/messages/")) != kept  # another page
    with translation.override("sv"):
        assert ">Start<" in str(navigation.NavItems(nav, "/"))  # not the English kept before


def test_the_patients_menu_entries_of_other_apps_are_the_same_given_the_base():
    # The menu gives its URLconf and script prefix to the apps' sections (issue 16): the
    # same addresses and labels, in every language, as asking for them afresh.
    import types

    from django.urls import reverse
    from django.utils import translation

    from tessera.core.reversing import url_base
    from tessera.portal import contributions

    for unread in (0, 3):
        user = types.SimpleNamespace(_unread_messages=unread)
        for language in ["en", "sv"]:
            with translation.override(language):
                given = contributions.patient_nav(user, url_base())
                fresh = contributions.patient_nav(user)
                assert [(h, str(label)) for h, label in given] == [
                    (h, str(label)) for h, label in fresh
                ]
                assert {h for h, _label in given} == {
                    reverse("my_messages"),
                    reverse("my_record"),
                    reverse("my_studies"),
                }
                if language == "sv" and not unread:
                    assert str(given[0][1]) == translation.gettext("Messages") != "Messages"


def test_a_templates_literal_names_and_paths_are_kept_too(monkeypatch):
    """A template's literal (``{% url 'home' %}``, ``{% static '...' %}``) is a
    ``SafeString``: the same text, kept as a plain ``str`` is (decision 0060; before,
    every literal link and file of every page was worked out again)."""
    from django.templatetags.static import StaticNode

    from tessera.core import reversing

    template = engines["django"].from_string(
        "{% load cached_static %}{% url 'home' %}|{% url 'questionnaire_fill' 7 %}|"
        "{% static 'tessera/site.css' %}"
    )
    expected = f"{reverse('home')}|{reverse('questionnaire_fill', args=[7])}|"
    expected += static("tessera/site.css")
    assert template.render({}) == expected
    calls = []
    real_reverse, real_static = reversing.reverse, StaticNode.handle_simple
    monkeypatch.setattr(
        reversing, "reverse", lambda *a, **k: calls.append(a) or real_reverse(*a, **k)
    )
    monkeypatch.setattr(
        StaticNode,
        "handle_simple",
        classmethod(lambda cls, path: calls.append(path) or real_static(path)),
    )
    assert template.render({}) == expected
    assert calls == []  # all three from the kept addresses


def test_the_static_tag_forgets_its_addresses_when_the_apps_change():
    from django.conf import settings
    from django.contrib.staticfiles.storage import staticfiles_storage

    template = engines["django"].from_string(
        "{% load cached_static %}{% static 'tessera/site.css' %}"
    )
    assert template.render({}) == static("tessera/site.css")
    assert "tessera/site.css" in staticfiles_storage._wrapped.__dict__["_tessera_static_urls"]
    without = [a for a in settings.INSTALLED_APPS if a != "django.contrib.staticfiles"]
    with override_settings(INSTALLED_APPS=without):
        assert "_tessera_static_urls" not in staticfiles_storage._wrapped.__dict__
        # Django's own tag without staticfiles: STATIC_URL and the path, nothing kept.
        assert template.render({}) == static("tessera/site.css")
        assert "_tessera_static_urls" not in staticfiles_storage._wrapped.__dict__
    assert template.render({}) == static("tessera/site.css")


def test_a_literal_link_is_kept_on_its_node_until_the_resolver_changes(monkeypatch):
    from tessera.core.templatetags import cached_url

    template = engines["django"].from_string(
        "{% url 'home' %}|{% url 'my_messages' %}|{% url 'questionnaire_fill' 7 %}"
    )
    expected = (
        f"{reverse('home')}|{reverse('my_messages')}|{reverse('questionnaire_fill', args=[7])}"
    )
    assert template.render({}) == expected
    nodes = [n for n in template.template.nodelist if isinstance(n, cached_url.CachedURLNode)]
    assert [n.literal for n in nodes] == [True, True, False]
    drawn = [n.drawn for n in nodes[:2]]
    calls = []
    monkeypatch.setattr(cached_url, "reverse_cached", lambda *a: calls.append(a) or "/x/")
    assert template.render({}) == f"{reverse('home')}|{reverse('my_messages')}|/x/"
    assert [n.drawn for n in nodes[:2]] == drawn and len(calls) == 1
    clear_url_caches()  # a new resolver: drawn again
    calls.clear()
    assert template.render({}) == "/x/|/x/|/x/" and len(calls) == 3
