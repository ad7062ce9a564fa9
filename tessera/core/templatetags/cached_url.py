"""``{% url %}`` with the addresses kept per process (``core.reversing``, issue 16): a
template builtin (settings.TEMPLATES), so it stands in for Django's own tag in every
template. The same syntax and output; a call with keyword arguments, or arguments
other than ``int`` and ``str``, is Django's own."""

from __future__ import annotations

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from ..reversing import reverse_cached, url_base

register = template.Library()
_BASE = "tessera_url_base"


class CachedURLNode(URLNode):
    def render(self, context):
        if self.kwargs:
            return super().render(context)
        args = [arg.resolve(context) for arg in self.args]
        view_name = self.view_name.resolve(context)
        # The URLconf, script prefix and current application once per template drawn,
        # not once per link: the same for the whole request.
        kept = context.render_context.get(_BASE)
        if kept is None:
            kept = context.render_context[_BASE] = (url_base(), _current_app(context))
        base, current_app = kept
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
