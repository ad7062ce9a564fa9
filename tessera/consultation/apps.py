from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "tessera.consultation"
    label = "consultation"
    verbose_name = _("Consultation and supervision")

    def ready(self) -> None:
        from . import notify  # noqa: F401  (the text of the mail the outbox sends)
