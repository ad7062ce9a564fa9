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
"""

from __future__ import annotations

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags import i18n as django_i18n
from django.utils.translation import get_language

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)

# (language, escaping, text) -> output. Bounded by the literal texts of the templates
# times the languages (times two for escaping), a few thousand short strings at most;
# LIMIT keeps a process safe from a template built at run time from the outside.
_KEPT: dict[tuple, str] = {}
LIMIT = 20_000


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
        key = (get_language(), context.autoescape, self.filter_expression.var.literal)
        found = _KEPT.get(key)
        if found is None:
            found = super().render(context)
            if len(_KEPT) >= LIMIT:
                _KEPT.clear()
            _KEPT[key] = found
        return found


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = django_i18n.do_translate(parser, token)
    return KeptTranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)


@receiver(setting_changed)
def forget_translations(*, setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS", "USE_I18N"}:
        _KEPT.clear()
