from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "tessera.letters"
    label = "letters"
    verbose_name = _("Letters")

    def ready(self) -> None:
        from .actions import receipts  # noqa: F401  (the receipt notice's text, for the outbox)
