"""What fhir adds to the portal's pages (see ``tessera.core.contributions``): the
patient's menu entry to their own record, and the overview section from which staff
download an episode for another record system."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from tessera.core import access
from tessera.core.contributions import Section
from tessera.core.reversing import reverse_cached

# The menu's label, made once (translated when the menu is drawn).
YOUR_RECORD = gettext_lazy("Your record")


def patient_nav(user, base=None) -> list[tuple[str, str]]:
    return [(reverse_cached("my_record", base=base), YOUR_RECORD)]


def overview_record(request, episode) -> dict:
    return {"episode": episode, "may_export": access.may_export_episode(request.user, episode)}


OVERVIEW = [
    Section(
        key="health_record",
        title=gettext_lazy("Health record exchange"),
        template="fhir/overview_section.html",
        order=90,
        load=overview_record,
    )
]
