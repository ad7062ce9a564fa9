"""``{% static %}`` with the addresses kept per process (issue 16): ``base.html`` draws
six on every page. Load it instead of ``static`` (``{% load cached_static %}``): the
same syntax and output. Kept on the static files storage object itself, so a new
storage (another ``STORAGES`` in a test) starts afresh. A template's literal path is a
``SafeString`` (the same text): kept as well (decision 0060: before, it never was)."""

from __future__ import annotations

from django import template
from django.apps import apps
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import StaticNode
from django.utils.functional import empty
from django.utils.safestring import SafeString

register = template.Library()
_ATTRIBUTE = "_tessera_static_urls"
_TEXT = (str, SafeString)  # a template's literal path is a SafeString


class CachedStaticNode(StaticNode):
    @classmethod
    def handle_simple(cls, path):
        if type(path) not in _TEXT:
            return super().handle_simple(path)
        from django.contrib.staticfiles.storage import staticfiles_storage

        # What is kept first: ``apps.is_installed`` walks every app (a few µs, six times
        # a page); a change of the installed apps forgets what is kept (below).
        storage = staticfiles_storage._wrapped
        if storage is not empty:
            found = storage.__dict__.get(_ATTRIBUTE, {}).get(path)
            if found is not None:
                return found
        if not apps.is_installed("django.contrib.staticfiles"):
            return super().handle_simple(path)
        if staticfiles_storage._wrapped is empty:
            staticfiles_storage._setup()
        kept = staticfiles_storage._wrapped.__dict__.setdefault(_ATTRIBUTE, {})
        found = kept.get(path)
        if found is None:
            found = kept[path] = super().handle_simple(path)
        return found


@receiver(setting_changed)
def forget_addresses(*, setting, **kwargs):
    """A test that installs other apps (perhaps without staticfiles) starts afresh; a
    new storage (``STORAGES``, ``STATIC_URL``) is a new object, with nothing kept."""
    if setting == "INSTALLED_APPS":
        from django.contrib.staticfiles.storage import staticfiles_storage

        if staticfiles_storage._wrapped is not empty:
            staticfiles_storage._wrapped.__dict__.pop(_ATTRIBUTE, None)


@register.tag("static")
def do_static(parser, token):
    return CachedStaticNode.handle_token(parser, token)
