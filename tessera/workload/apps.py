"""Time spent on each patient, caseloads and the share of the week online."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkloadConfig(AppConfig):
    name = "tessera.workload"
    label = "workload"
    verbose_name = _("Time and workload")

    def ready(self) -> None:
        from tessera.core.context_processors import STAFF_NAV
        from tessera.treatment import overview

        from . import nav, summaries

        overview.register(
            overview.Section(
                key="time",
                title=_("Time spent"),
                template="workload/overview_section.html",
                order=80,
                load=lambda request, episode: {
                    "episode": episode,
                    "per_staff": summaries.per_staff(episode),
                },
            )
        )
        if nav.entries not in STAFF_NAV:
            STAFF_NAV.append(nav.entries)
