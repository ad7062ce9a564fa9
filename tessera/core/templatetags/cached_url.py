"""``{% url %}`` with the addresses kept per process (``core.reversing``, issue 16): a
template builtin (settings.TEMPLATES), so it stands in for Django's own tag in every
template. The same syntax and output; a call with keyword arguments, or arguments
other than ``int`` and ``str``, is Django's own."""

from __future__ import annotations

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_resolver
from django.utils.html import conditional_escape

from ..reversing import reverse_cached, url_base

register = template.Library()
_BASE = "tessera_url_base"


class CachedURLNode(URLNode):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A literal name without arguments (``{% url 'home' %}``, most links): its last
        # address drawn is kept on the node with what it depends on (the resolver,
        # script prefix, current application and escaping).
        self.literal = (
            not self.args
            and not self.kwargs
            and self.asvar is None
            and not self.view_name.is_var
            and not self.view_name.filters
        )
        self.drawn = None

    def render(self, context):
        if self.kwargs:
            return super().render(context)
        # The URLconf, script prefix and current application once per template drawn,
        # not once per link: the same for the whole request.
        kept = context.render_context.get(_BASE)
        if kept is None:
            kept = context.render_context[_BASE] = (url_base(), _current_app(context))
        base, current_app = kept
        if self.literal:
            key = (get_resolver(base[0]), base[1], current_app, context.autoescape)
            drawn = self.drawn
            if drawn is not None and drawn[0] == key:
                return drawn[1]
            url = self._draw(context, [], base, current_app)
            self.drawn = (key, url)
            return url
        return self._draw(context, [arg.resolve(context) for arg in self.args], base, current_app)

    def _draw(self, context, args, base, current_app):
        view_name = self.view_name.resolve(context)
        url = ""
        try:
            url = reverse_cached(view_name, args, current_app, base)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


def _current_app(context):
    try:
        return context.request.current_app
    except AttributeError:
        try:
            return context.request.resolver_match.namespace
        except AttributeError:
            return None


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
