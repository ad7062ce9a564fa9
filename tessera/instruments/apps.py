from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstrumentsConfig(AppConfig):
    """The Django side of the instruments: wording a clinic enters under its own licence.

    The definitions and the scoring engine (``scoring/``, ``batch.py``) stay free of
    Django; only models.py, actions.py, wording.py, forms.py and views.py use it."""

    name = "tessera.instruments"
    label = "instruments"
    verbose_name = _("Questionnaires")
