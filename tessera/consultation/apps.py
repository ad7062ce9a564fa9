from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "tessera.consultation"
    label = "consultation"
    verbose_name = _("Consultation and supervision")

    def ready(self) -> None:
        from tessera.core.context_processors import STAFF_NAV

        from . import overview
        from .nav import staff_nav

        overview.register()
        if staff_nav not in STAFF_NAV:
            STAFF_NAV.append(staff_nav)
