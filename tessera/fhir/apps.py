from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FhirConfig(AppConfig):
    name = "tessera.fhir"
    label = "fhir"
    verbose_name = _("FHIR interface")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (letters to a registered record endpoint)
