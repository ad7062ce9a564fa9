from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreatmentConfig(AppConfig):
    name = "tessera.treatment"
    label = "treatment"
    verbose_name = _("Episodes of care")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (plans follow a patient's new language)
