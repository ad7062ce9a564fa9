"""What workload adds to the portal's pages (see ``tessera.core.contributions``).

The "Workload" menu entry: therapists see their own, supervisors and managers their
clinic's. Uses the roles the access policy has cached for the request (no query). The
"Time spent" section of the patient overview."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tessera.core import access
from tessera.core.contributions import Section

from . import summaries


def staff_nav(user) -> list:
    if access.has_workload(user):
        return [(reverse("my_workload"), _("Workload"))]
    return []


def load_time(request, episode) -> dict:
    return {"episode": episode, "per_staff": summaries.per_staff(episode)}


OVERVIEW = [
    Section(
        key="time",
        title=_("Time spent"),
        template="workload/overview_section.html",
        order=80,
        load=load_time,
    )
]
