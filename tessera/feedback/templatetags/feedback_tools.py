"""The context of the compose tools partial (feedback/compose_tools.html)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from tessera.core import access
from tessera.core.known_related import with_role_clinics

from ..models import FeedbackTemplate

register = template.Library()
PICKER_LIMIT = 200


@register.simple_tag(takes_context=True)
def feedback_compose_tools(context) -> dict:
    """Templates the user may use (one query), and the URLs of the fill and check
    endpoints for the episode and answer in the including page's context."""
    user = context["request"].user
    episode = context.get("episode")
    answer = context.get("quoted_answer")
    practice = context.get("practice_worksheet")
    query = {}
    if answer is not None:
        query["answer"] = answer.pk
    elif practice is not None:
        query["practice"] = practice.pk
    templates = list(
        with_role_clinics(FeedbackTemplate.objects.usable_by(user), user)[:PICKER_LIMIT]
    )
    # Templates in the patient's language first (a stable sort keeps the order within).
    language = episode.patient.preferred_language if episode is not None else None
    templates.sort(key=lambda t: t.language != language)
    suffix = f"?{urlencode(query)}" if query else ""
    return {
        "personal": [t for t in templates if t.clinic_id is None],
        "shared": [t for t in templates if t.clinic_id is not None],
        "query": query,
        "fill_url": reverse("feedback_fill", args=[episode.pk]),
        "fill_post_url": reverse("feedback_fill", args=[episode.pk]) + suffix,
        "check_url": reverse("feedback_check", args=[episode.pk]) + suffix,
        # Linked only for who may open it (an intake coordinator writes messages but
        # keeps no templates: the page would answer 403).
        "manage_url": reverse("feedback_templates")
        if access.may_use_feedback_templates(user)
        else "",
        "compose_form_id": context.get("compose_form_id", ""),
    }
