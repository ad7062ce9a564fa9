from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "tessera.inbox"
    label = "inbox"
    verbose_name = _("Inbox")

    def ready(self) -> None:
        from tessera.core.context_processors import STAFF_NAV

        from . import nav, sections

        sections.register()
        if nav.entries not in STAFF_NAV:
            STAFF_NAV.append(nav.entries)
