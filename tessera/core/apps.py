from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tessera.core"
    label = "core"
    verbose_name = _("Organisation, people and audit")

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (registers checks and receivers)
