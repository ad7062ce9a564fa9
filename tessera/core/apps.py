from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tessera.core"
    label = "core"
    verbose_name = _("Organisation, people and audit")

    def ready(self) -> None:
        # checks and signals register checks and receivers as they are imported
        from django.db.backends.signals import connection_created

        from . import (  # noqa: F401
            checks,
            choice_labels,
            converters,
            lookups,
            signals,
            sqlite_text,
            timestamps,
        )

        converters.register()  # <id:…> in paths (before any URL module is read)
        lookups.register()  # keys past 64 bits match no row (not a 500 on SQLite)
        # PostgreSQL's timestamps read by datetime's C parser (decision 0072).
        connection_created.connect(timestamps.install, dispatch_uid="tessera.core.timestamps")
        # Every letter compared and sorted without regard to case on SQLite (0156).
        connection_created.connect(sqlite_text.install, dispatch_uid="tessera.core.sqlite_text")
        # get_FOO_display() translates the label it returns, not every label (issue 16).
        choice_labels.install()
