"""Evidence that the service works: outcome reports, the implementation dashboard and
exports, built on the outcome engine (tessera.outcomes)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "tessera.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (keeps the outcome table up to date)
