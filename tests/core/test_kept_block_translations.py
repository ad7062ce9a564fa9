"""``{% blocktranslate %}`` with its message and translation kept
(tessera.core.templatetags.kept_i18n, issue 16, decision 0075): in every language,
escaping, count and option, the same output as Django's own tag; drawn again from what
is kept after a change of language; forgotten when the catalogs change in a test; and
Django's own ``render`` still the one the kept node was compared with."""

import hashlib
import inspect
from decimal import Decimal

import pytest
from django.template import Context, Engine, RequestContext, TemplateSyntaxError, engines
from django.template.context import BaseContext
from django.templatetags import i18n as django_i18n
from django.test import override_settings
from django.utils import translation

from tessera.core.templatetags import kept_i18n

TAGS = [
    "{% blocktranslate with name=who %}Welcome, {{ name }}{% endblocktranslate %}",
    "{% blocktrans with name=who|upper %}Welcome, {{ name }}{% endblocktrans %}",
    (
        "{% blocktranslate count n=unread %}You have one unread message from your care team."
        "{% plural %}You have {{ n }} unread messages from your care team.{% endblocktranslate %}"
    ),
    (
        "{% blocktranslate count n=items|length %}{{ n }} entry this week{% plural %}"
        "{{ n }} entries this week{% endblocktranslate %}"
    ),
    "{% blocktranslate %}50% of {{ who }} & <b>{{ missing }}</b>{% endblocktranslate %}",
    "{% blocktranslate trimmed with name=who %}\n  Welcome,\n  {{ name }}\n{% endblocktranslate %}",
    (
        "{% blocktranslate with name=who asvar said %}Welcome, {{ name }}"
        "{% endblocktranslate %}[{{ said }}]"
    ),
    (
        '{% blocktranslate with name=who context "greeting" %}Welcome, {{ name }}'
        "{% endblocktranslate %}"
    ),
    "{% blocktranslate with name=who %}Welcome, {{ name }} ({{ unread }}){% endblocktranslate %}",
]
TEMPLATE = "{% load i18n %}" + "|".join(TAGS)
TEMPLATE_RAW = "{% autoescape off %}" + "|".join(TAGS) + "{% endautoescape %}"
L10N = {"l10n": "django.templatetags.l10n"}
CONTEXTS = [
    {"who": "Pia <Ek> & Co", "unread": 0, "items": []},
    {"who": "Pia", "unread": 1, "items": [1]},
    {"who": "Åsa", "unread": 14, "items": [1, 2]},
]


def djangos(source: str, language: str, context: dict, **options) -> str:
    plain = Engine(libraries={"i18n": "django.templatetags.i18n", **L10N}, **options)  # Django's
    with translation.override(language):
        return plain.from_string(source).render(Context(context))


def kept(source: str, language: str, context: dict, **options) -> str:
    engine = Engine(libraries={"i18n": "tessera.core.templatetags.kept_i18n", **L10N}, **options)
    with translation.override(language):
        return engine.from_string(source).render(Context(context))


def test_every_load_of_i18n_draws_blocktranslate_with_the_kept_node():
    engine = engines["django"].engine
    node = engine.from_string(TAGS[0].join(["{% load i18n %}", ""])).nodelist[-1]
    assert isinstance(node, kept_i18n.KeptBlockTranslateNode)


@pytest.mark.parametrize("language", ["en", "sv", "nb", "da", "nl"])
@pytest.mark.parametrize("context", CONTEXTS)
def test_the_same_output_as_djangos_tag_twice_in_each_language(language, context):
    for source in (TEMPLATE, "{% load i18n %}" + TEMPLATE_RAW):
        expected = djangos(source, language, context)
        assert kept(source, language, context) == expected
        assert kept(source, language, context) == expected  # from what is kept
    if language == "sv" and context["unread"] == 14:
        assert "Du har 14 olästa meddelanden" in kept(TEMPLATE, language, context)
    if context["who"].startswith("Pia <"):
        # The values are escaped as Django escapes them, the tag's own text is not.
        assert "Pia &lt;Ek&gt; &amp; Co" in kept(TEMPLATE, language, context)
        assert "Pia <Ek> & Co" in kept("{% load i18n %}" + TEMPLATE_RAW, language, context)


@pytest.mark.parametrize("invalid", ["", "INVALID", "<%s missing>"])
def test_a_value_not_there_is_the_engines_string_if_invalid(invalid):
    source = "{% load i18n %}" + TAGS[4]
    context = {"who": "Pia"}
    assert kept(source, "sv", context, string_if_invalid=invalid) == djangos(
        source, "sv", context, string_if_invalid=invalid
    )


@pytest.mark.parametrize("count", [2.0, Decimal("1"), True, "3"])
def test_a_count_that_is_not_an_int_is_djangos_own(count):
    source = "{% load i18n %}" + TAGS[2]
    if isinstance(count, str):
        with pytest.raises(TemplateSyntaxError):
            kept(source, "sv", {"unread": count})
        return
    assert kept(source, "sv", {"unread": count}) == djangos(source, "sv", {"unread": count})


def test_a_language_switch_draws_the_new_language_and_back():
    template = engines["django"].from_string("{% load i18n %}" + TAGS[2])
    drawn = {}
    for language in ["sv", "en", "sv", "nb", "en"]:
        with translation.override(language):
            drawn.setdefault(language, set()).add(template.render({"unread": 3}))
    assert drawn["sv"] == {djangos("{% load i18n %}" + TAGS[2], "sv", {"unread": 3})}
    assert drawn["en"] == {"You have 3 unread messages from your care team."}
    assert len({next(iter(v)) for v in drawn.values()}) == 3


def test_kept_by_language_message_plural_and_count():
    kept_i18n._MESSAGES.clear()
    kept("{% load i18n %}" + TAGS[0] + TAGS[2], "sv", {"who": "Pia", "unread": 2})
    assert set(kept_i18n._MESSAGES) == {
        ("sv", "Welcome, %(name)s", None, None),
        (
            "sv",
            "You have one unread message from your care team.",
            "You have %(n)s unread messages from your care team.",
            2,
        ),
    }


def test_a_translation_that_does_not_fit_its_values_is_djangos_own(monkeypatch):
    source = "{% load i18n %}" + TAGS[0]
    kept_i18n._MESSAGES.clear()
    # A catalog whose translation names a value the tag does not have: Django draws the
    # source text instead (its ``override(None)``).
    monkeypatch.setitem(kept_i18n._MESSAGES, ("sv", "Welcome, %(name)s", None, None), "%(x)s")
    assert kept(source, "sv", {"who": "Pia"}) == djangos(source, "sv", {"who": "Pia"})
    monkeypatch.setattr(translation, "gettext", lambda message: "%(x")
    with pytest.raises(TemplateSyntaxError) as djangos_error:
        djangos(source, "sv", {"who": "Pia"})
    kept_i18n._MESSAGES.clear()
    with pytest.raises(TemplateSyntaxError) as kept_error:
        kept(source, "sv", {"who": "Pia"})
    assert str(kept_error.value) == str(djangos_error.value)


def test_a_change_of_locale_paths_forgets_what_is_kept():
    template = engines["django"].from_string("{% load i18n %}" + TAGS[0])
    with translation.override("sv"):
        assert template.render({"who": "Pia"}) == "Välkommen, Pia"
    assert kept_i18n._MESSAGES
    with override_settings(LOCALE_PATHS=[]):
        assert not kept_i18n._MESSAGES
        with translation.override("sv"):
            assert template.render({"who": "Pia"}) == "Welcome, Pia"
    assert not kept_i18n._MESSAGES
    with translation.override("sv"):
        assert template.render({"who": "Pia"}) == "Välkommen, Pia"


def test_a_process_keeps_at_most_the_limit(monkeypatch):
    monkeypatch.setattr(kept_i18n, "LIMIT", 2)
    kept_i18n._MESSAGES.clear()
    source = "{% load i18n %}" + TAGS[2]
    for unread in range(5):
        assert kept(source, "sv", {"unread": unread}) == djangos(source, "sv", {"unread": unread})
    assert len(kept_i18n._MESSAGES) <= 2


def test_djangos_render_is_the_one_the_kept_node_was_compared_with():
    """The kept node does what Django's ``BlockTranslateNode.render`` does, in the same
    order, with the message and translation kept. If Django changes that method (an
    upgrade), compare the two again, then update the fingerprints."""
    node = django_i18n.BlockTranslateNode
    fingerprints = {
        name: hashlib.sha256(inspect.getsource(getattr(node, name)).encode()).hexdigest()[:16]
        for name in ("render", "render_token_list")
    }
    assert fingerprints == {"render": "a840edac3bbe57dc", "render_token_list": "908c4a2f59cc83c5"}
    # The values are looked up in the context's dicts as ``name in context`` then
    # ``context[name]`` look them up (``kept_i18n._values`` walks them once).
    context_lookups = {
        name: hashlib.sha256(inspect.getsource(getattr(BaseContext, name)).encode()).hexdigest()[
            :16
        ]
        for name in ("__contains__", "__getitem__")
    }
    assert context_lookups == {
        "__contains__": "fc03d9145ec3cadc",
        "__getitem__": "071ba12c80c7d8ff",
    }
    assert RequestContext.__contains__ is BaseContext.__contains__
    assert RequestContext.__getitem__ is BaseContext.__getitem__


LANGUAGE_TEMPLATES = {
    "page.html": (
        "{% load i18n %}"
        '{% translate "Home" %}|{% blocktranslate with name=who %}Welcome, {{ name }}'
        "{% endblocktranslate %}|"
        '{% language "sv" %}{% translate "Home" %}|{% include "part.html" %}|'
        '{% language "da" %}{% translate "Home" %}{% endlanguage %}|'
        "{% blocktranslate with name=who %}Welcome, {{ name }}{% endblocktranslate %}"
        "{% endlanguage %}|"
        '{% translate "Home" %}|{% include "part.html" %}'
    ),
    "part.html": (
        '{% load i18n %}{% translate "Sign out" %}/'
        "{% blocktranslate count n=2 %}{{ n }} entry this week{% plural %}"
        "{{ n }} entries this week{% endblocktranslate %}"
    ),
}


def language_engine(library: str) -> Engine:
    return Engine(
        loaders=[("django.template.loaders.locmem.Loader", LANGUAGE_TEMPLATES)],
        libraries={"i18n": library},
    )


@pytest.mark.parametrize("language", ["en", "sv", "nb"])
def test_a_language_block_and_its_includes_draw_their_own_language(language):
    context = {"who": "Pia"}
    with translation.override(language):
        expected = (
            language_engine("django.templatetags.i18n")
            .get_template("page.html")
            .render(Context(context))
        )
        page = language_engine("tessera.core.templatetags.kept_i18n").get_template("page.html")
        assert page.render(Context(context)) == expected
        assert page.render(Context(context)) == expected
    outer = {"en": "Home", "sv": "Start", "nb": "Start"}[language]
    assert expected.split("|") == [
        outer,
        djangos("{% load i18n %}" + TAGS[0], language, context),
        "Start",
        "Logga ut/2 registreringar den här veckan",
        "Forside",
        "Välkommen, Pia",
        outer,
        djangos(LANGUAGE_TEMPLATES["part.html"], language, {}),
    ]


def test_the_language_is_asked_once_per_template_drawn(monkeypatch):
    asked = []
    monkeypatch.setattr(kept_i18n, "get_language", lambda: asked.append(1) or "sv")
    source = "{% load i18n %}" + TAGS[0] * 3 + '{% translate "Home" %}' * 3
    with translation.override("sv"):
        engines["django"].from_string(source).render({"who": "Pia"})
    assert len(asked) == 1


def test_one_context_drawn_again_in_another_language_draws_that_language():
    template = engines["django"].engine.from_string("{% load i18n %}" + TAGS[0])
    context = Context({"who": "Pia"})
    drawn = []
    for language in ["sv", "en", "sv"]:
        with translation.override(language):
            drawn.append(template.render(context))
    assert drawn == ["Välkommen, Pia", "Welcome, Pia", "Välkommen, Pia"]


NUMBERS = (
    "{% load i18n l10n %}"
    + TAGS[2]
    + "|{% blocktranslate with n=big %}{{ n }} and {{ unread }}{% endblocktranslate %}|"
    + "{% localize off %}{% blocktranslate with n=big %}{{ n }}{% endblocktranslate %}"
    + "{% endlocalize %}|"
    + "{% autoescape off %}{% blocktranslate with n=big %}{{ n }}{% endblocktranslate %}"
    + "{% endautoescape %}"
)


@pytest.mark.parametrize("language", ["en", "sv", "nb", "da", "nl"])
@pytest.mark.parametrize("grouped", [False, True])
def test_numbers_are_drawn_as_django_draws_them_localised_or_not(language, grouped):
    with override_settings(USE_THOUSAND_SEPARATOR=grouped):
        for big in [0, 7, 12345, -1234567, 10**12]:
            context = {"unread": 14, "big": big}
            expected = djangos(NUMBERS, language, context)
            assert kept(NUMBERS, language, context) == expected
            assert kept(NUMBERS, language, context) == expected
        if grouped and language == "sv":  # grouped, and not under {% localize off %}
            assert "|1\xa0000\xa0000\xa0000\xa0000 and 14|1000000000000|" in expected


def test_a_change_of_settings_forgets_the_numbers():
    context = {"unread": 14, "big": 12345}
    kept(NUMBERS, "sv", context)
    assert kept_i18n._NUMBERS
    with override_settings(USE_THOUSAND_SEPARATOR=True):
        assert not kept_i18n._NUMBERS
        assert kept(NUMBERS, "sv", context) == djangos(NUMBERS, "sv", context)
    assert kept(NUMBERS, "sv", context) == djangos(NUMBERS, "sv", context)
    assert "12345" in kept(NUMBERS, "sv", context)
