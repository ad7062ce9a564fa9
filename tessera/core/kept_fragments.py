"""Django's ``cache`` template library, with the fragments kept in the process's own
memory taken from a dict (issue 16, decision 0077).

The engine's ``libraries`` option (settings.TEMPLATES) names this module ``cache``, so
every ``{% load cache %}`` loads it: Django's ``{% cache %}`` tag, unchanged, except
that ``{% cache None name vary… using="fragments" %}`` (no expiry, in the ``fragments``
cache: each process's memory, for parts of pages that hold no one's data) is looked up
in a dict of this process. Django's tag does the same work through the cache API on
every page: the cache looked up by alias, an MD5 key made and checked character by
character for memcached, a lock taken, the fragment unpickled; about 15 µs a fragment,
a tenth of ``base.html``'s own drawing.

The key is what Django's is made of: the fragment's name and the text (``str``) of each
value it varies on. The fragment is drawn by Django's node the first time, so it is
exactly what Django's tag shows. Nothing expires (as with ``None`` in the ``fragments``
cache); at most ``LIMIT`` fragments are kept, then all are dropped and drawn again;
``setting_changed`` (a test) drops them too. Any other ``{% cache %}`` is Django's.
"""

from __future__ import annotations

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags import cache as django_cache

register = template.Library()
register.tags.update(django_cache.register.tags)
register.filters.update(django_cache.register.filters)

KEPT_IN_PROCESS = '"fragments"'
LIMIT = 5_000
_KEPT: dict[tuple, str] = {}


class KeptFragmentNode(django_cache.CacheNode):
    def __init__(self, *args):
        super().__init__(*args)
        self.in_process = (
            self.cache_name is not None
            and self.cache_name.token == KEPT_IN_PROCESS
            and self.expire_time_var.token == "None"
        )

    def render(self, context):
        if not self.in_process:
            return super().render(context)
        key = (self.fragment_name, *(str(var.resolve(context)) for var in self.vary_on))
        found = _KEPT.get(key)
        if found is None:
            found = self.nodelist.render(context)
            if len(_KEPT) >= LIMIT:
                _KEPT.clear()
            _KEPT[key] = found
        return found


@register.tag("cache")
def do_cache(parser, token):
    node = django_cache.do_cache(parser, token)
    return KeptFragmentNode(
        node.nodelist, node.expire_time_var, node.fragment_name, node.vary_on, node.cache_name
    )


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    _KEPT.clear()
