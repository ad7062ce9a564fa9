"""What intake adds to the portal's pages (see ``tessera.core.contributions``): the menu
entry for the intake queue, and the overview's "How they came in" (decision 0138)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tessera.core import access
from tessera.core.contributions import Section

from .arrival import arrival_of


def staff_nav(user) -> list:
    if access.has_intake_queue(user):
        return [(reverse("intake_queue"), _("Intake queue"))]
    return []


def load_arrival(request, episode) -> dict:
    """The "How they came in" section, for the episode's care team only (the policy);
    the overview's own audited read covers it. One query when shown, none otherwise."""
    user = request.user
    if not access.may_read_how_they_came_in(user, episode):
        return {}
    arrival = arrival_of(episode)
    if arrival is None:
        return {}
    return {"arrival": arrival, "may_open": access.may_triage(user, arrival.application)}


OVERVIEW = [
    Section(
        key="arrival",
        title=_("How they came in"),
        template="intake/overview_arrival.html",
        order=5,
        load=load_arrival,
    )
]
