from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "tessera.research"
    label = "research"
    verbose_name = _("Research")

    def ready(self) -> None:
        from . import kept_at_end  # noqa: F401  (registers the study's measures)
