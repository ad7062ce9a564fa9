"""``{% time_tracking episode %}``: measures the time a staff member spends on a page of
an episode. It renders a hidden element that ``workload/time_tracking.js`` finds; the
script sends a heartbeat while the page is visible and in use. Given a patient instead
of an episode, it picks the patient's open episode that the user may see (one query).
Patients and staff who may not see the episode get nothing."""

from __future__ import annotations

from django import template
from django.urls import reverse

from tessera.core.models import Episode, Patient

register = template.Library()


@register.inclusion_tag("workload/time_tracking.html", takes_context=True)
def time_tracking(context, subject) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff_member:
        return {"url": None}
    episode = subject if isinstance(subject, Episode) else None
    if isinstance(subject, Patient):
        episode = (
            Episode.objects.visible_to(user)
            .open()
            .filter(patient=subject)
            .order_by("-created_at", "-id")
            .first()
        )
    if episode is None:
        return {"url": None}
    return {"url": reverse("time_heartbeat", args=[episode.pk]), "episode_id": episode.pk}
