from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "tessera.safety"
    label = "safety"
    verbose_name = _("Safety")

    def ready(self) -> None:
        from tessera.core.context_processors import STAFF_NAV

        from . import receivers  # noqa: F401  (opens alerts on risk answers)
        from .navigation import staff_entries

        if staff_entries not in STAFF_NAV:
            STAFF_NAV.append(staff_entries)
