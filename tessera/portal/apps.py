"""The portal: the top layer, where pages gather what many apps contribute."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "tessera.portal"
    label = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (tells the therapist of session requests)
