from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "tessera.safety"
    label = "safety"
    verbose_name = _("Safety")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (opens alerts on risk answers)
