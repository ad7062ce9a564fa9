"""Django's ``i18n`` template library with the constant ``{% translate %}`` kept per
process (issue 16, decision 0073).

The engine's ``libraries`` option (settings.TEMPLATES) names this module ``i18n``, so
every ``{% load i18n %}`` loads it: all of Django's tags and filters, unchanged, and a
``{% translate "text" %}`` whose text is a literal (no variable, no filter, no
``context``, no ``as``, not ``noop``) drawn once per language and escaping, then taken
from memory: the same output, without going through the catalog chain each time (a
patient's home draws fourteen of these, one in seven of its drawing time).

What the output depends on is in the key: the active language, whether the template
escapes, and the text. The catalogs of a language do not change in a running process
(a new one is a restart); a test that changes the languages, locale paths or apps
(``setting_changed``) empties what is kept, as Django empties its own catalogs then.
Any other ``{% translate %}`` is Django's own.

``{% blocktranslate %}`` (decision 0075) keeps its message and its translation: the
message Django builds from the tag's text (``render_token_list``) once per node, its
translation once per (language, message, plural, count) in the same memory; the values
are put in as Django puts them (``render_value_in_context``, the engine's
``string_if_invalid``), in the same order; an ``int`` (the count) drawn once per
language, localisation and escaping. A tag with a ``context``, a count that is not
an ``int``, or a translation that does not fit its values is drawn by Django's own
``render``; tests/core/test_kept_translations.py compares every branch with it and
fails if Django's ``render`` changes.

Both ask the active language once per template drawn (``drawn_language``), and
``{% language %}`` (Django's, which switches it for its block) makes them ask again
inside and after its block. A tag of the project that changed the language for content
drawn with the page's context would have to do the same; none does.
"""

from __future__ import annotations

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import render_value_in_context
from django.templatetags import i18n as django_i18n
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)

# (language, escaping, text) -> output. Bounded by the literal texts of the templates
# times the languages (times two for escaping), a few thousand short strings at most;
# LIMIT keeps a process safe from a template built at run time from the outside.
_KEPT: dict[tuple, str] = {}
# (language, message, plural, count) -> its translation, for {% blocktranslate %}: the
# counts a page shows are small numbers; LIMIT again.
_MESSAGES: dict[tuple, str] = {}
# (language, use_l10n, escaping, int) -> the number as Django draws it in a template
# (localised: ``number_format`` asks the language and three formats, three times the
# cost of a string). Its settings (separators, grouping) change only in tests: any
# setting_changed empties it.
_NUMBERS: dict[tuple, str] = {}
LIMIT = 20_000
_LANGUAGE = "tessera_drawn_language"


def drawn_language(context) -> str:
    """The active language, asked once per template drawn (``get_language`` reads a
    context-local, about 1.5 µs; a page asked it 32 times). Kept in the render context,
    which Django makes new for each template drawn (an include too) and drops after it;
    ``{% language %}`` (below) forgets it for its block and after it."""
    dicts = context.render_context.dicts
    if len(dicts) == 1:  # a node drawn outside a template (Django's own tests do)
        return get_language()
    kept = dicts[-1]
    language = kept.get(_LANGUAGE)
    if language is None:
        language = kept[_LANGUAGE] = get_language()
    return language


def _translation(language: str, singular: str, plural: str | None, count: int | None) -> str:
    key = (language, singular, plural, count)
    found = _MESSAGES.get(key)
    if found is None:
        if plural is None:
            found = translation.gettext(singular)
        else:
            found = translation.ngettext(singular, plural, count)
        if len(_MESSAGES) >= LIMIT:
            _MESSAGES.clear()
        _MESSAGES[key] = found
    return found


def _values(context, names, language: str) -> dict[str, str]:
    """The message's values drawn as Django's ``render`` draws them."""
    invalid = context.template.engine.string_if_invalid
    data = {}
    dicts = context.dicts[::-1]
    for name in names:
        # ``context[name]`` if ``name in context``, looked up once (the context has a
        # dict per processor, loop and ``with``: two walks of them were a third of this).
        for d in dicts:
            if name in d:
                value = d[name]
                break
        else:
            value = invalid % name if "%s" in invalid else invalid
        if type(value) is int:  # the count, mostly: kept, as Django draws it
            data[name] = _number(value, context, language)
        else:
            data[name] = render_value_in_context(value, context)
    return data


def _number(value: int, context, language: str) -> str:
    key = (language, context.use_l10n, context.autoescape, value)
    found = _NUMBERS.get(key)
    if found is None:
        found = render_value_in_context(value, context)
        if len(_NUMBERS) >= LIMIT:
            _NUMBERS.clear()
        _NUMBERS[key] = found
    return found


class KeptLanguageNode(django_i18n.LanguageNode):
    def render(self, context):
        kept = context.render_context.dicts[-1]
        kept.pop(_LANGUAGE, None)
        try:
            return super().render(context)
        finally:
            kept.pop(_LANGUAGE, None)


class KeptTranslateNode(django_i18n.TranslateNode):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        var = self.filter_expression.var
        # A literal: Django's TranslateNode has made it a Variable of the quoted text.
        self.literal = (
            isinstance(var, template.Variable)
            and var.lookups is None
            and isinstance(var.literal, str)
            and not self.filter_expression.filters
            and not self.noop
            and self.asvar is None
            and self.message_context is None
        )

    def render(self, context):
        if not self.literal:
            return super().render(context)
        key = (drawn_language(context), context.autoescape, self.filter_expression.var.literal)
        found = _KEPT.get(key)
        if found is None:
            found = super().render(context)
            if len(_KEPT) >= LIMIT:
                _KEPT.clear()
            _KEPT[key] = found
        return found


class KeptBlockTranslateNode(django_i18n.BlockTranslateNode):
    def render(self, context, nested=False):
        if nested or self.message_context is not None:
            return super().render(context, nested)
        message = self.__dict__.get("_message")
        if message is None:
            # Django's own message, the same for every draw of this node.
            message = self._message = self._built()
        singular, plural, names = message
        context.update({var: val.resolve(context) for var, val in self.extra_context.items()})
        count = None
        if plural is not None:
            count = self.counter.resolve(context)
            if type(count) is not int:  # a float, Decimal, bool or not a number
                context.pop()
                return super().render(context)
            context[self.countervar] = count
        language = drawn_language(context)
        result = _translation(language, singular, plural, count)
        data = _values(context, names, language)
        context.pop()
        try:
            result %= data
        except (KeyError, ValueError):
            # A translation that does not fit: Django's own (it draws the source text).
            return super().render(context)
        if self.asvar:
            context[self.asvar] = SafeString(result)
            return ""
        return result

    def _built(self):
        singular, names = self.render_token_list(self.singular)
        if not (self.plural and self.countervar and self.counter):
            return singular, None, tuple(names)
        plural, plural_names = self.render_token_list(self.plural)
        return singular, plural, tuple(names + plural_names)


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = django_i18n.do_translate(parser, token)
    return KeptTranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)


@register.tag("blocktranslate")
@register.tag("blocktrans")
def do_block_translate(parser, token):
    node = django_i18n.do_block_translate(parser, token)
    return KeptBlockTranslateNode(
        node.extra_context,
        node.singular,
        node.plural,
        node.countervar,
        node.counter,
        node.message_context,
        trimmed=node.trimmed,
        asvar=node.asvar,
        tag_name=node.tag_name,
    )


@register.tag("language")
def language(parser, token):
    node = django_i18n.language(parser, token)
    return KeptLanguageNode(node.nodelist, node.language)


@receiver(setting_changed)
def forget_translations(*, setting, **kwargs):
    _NUMBERS.clear()
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS", "USE_I18N"}:
        _KEPT.clear()
        _MESSAGES.clear()
