"""Saving a safety plan: the patient and the care team write it together.

Two people may edit at once (in a session, or the patient at home). A save states which
version it started from; if someone else saved in between, nothing is overwritten: the
save is refused with the other text shown, and what this person typed is kept in the
form. Every save is a revision, so nothing written is ever lost.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tessera.core import access, audit

from ..models import SAFETY_PLAN_KEYS, SafetyPlan, SafetyPlanRevision

MAX_PART = 4000


class EditedMeanwhile(Exception):
    def __init__(self, plan: SafetyPlan):
        super().__init__("the safety plan was saved by someone else meanwhile")
        self.plan = plan


def plan_for(episode) -> SafetyPlan:
    """The episode's plan; while a course has none yet, the patient's plan from their
    latest earlier course at the clinic, unsaved (``carried_from`` says which), so that a
    patient referred again does not lose sight of their plan until the new care team
    writes one (decision 0148). Saving it makes it this course's own."""
    plan = SafetyPlan.objects.filter(episode=episode).first()
    if plan is not None:
        return plan
    earlier = (
        SafetyPlan.objects.filter(
            episode__patient_id=episode.patient_id,
            episode__clinic_id=episode.clinic_id,
            episode__created_at__lt=episode.created_at,
        )
        .select_related("episode", "updated_by")
        .order_by("-episode__created_at")
        .first()
    )
    carried = SafetyPlan(episode=episode, parts={}, version=0)
    if earlier is not None and not earlier.is_empty:
        carried.parts = dict(earlier.parts)
        carried.updated_at, carried.updated_by = earlier.updated_at, earlier.updated_by
        carried.carried_from = earlier.episode
    return carried


@transaction.atomic
def do_save_safety_plan(episode, *, acting_user, parts: dict, based_on: int) -> SafetyPlan:
    cleaned = {key: (parts.get(key) or "").strip() for key in SAFETY_PLAN_KEYS}
    too_long = [key for key, text in cleaned.items() if len(text) > MAX_PART]
    if too_long:
        raise ValidationError(
            {key: _("Keep each part under %(n)s characters.") % {"n": MAX_PART} for key in too_long}
        )
    plan, _created = SafetyPlan.objects.select_for_update(no_key=True).get_or_create(
        episode=episode
    )
    if plan.parts == cleaned:
        # Nothing new: the same text sent twice (a double click, or the form sent
        # again from the browser's history) is no conflict and no second revision.
        return plan
    if plan.version != based_on:
        raise EditedMeanwhile(plan)
    plan.parts = cleaned
    plan.version += 1
    plan.updated_by = acting_user
    plan.save()
    SafetyPlanRevision.objects.create(
        plan=plan, version=plan.version, parts=cleaned, saved_by=acting_user
    )
    own = episode.patient.user_id == acting_user.pk
    audit.record(
        "safety_plan.saved",
        actor=acting_user,
        patient=episode.patient,
        clinic=episode.clinic,
        obj=plan,
        purpose="self" if own else "care",
        changes={"version": plan.version, "parts": [k for k in SAFETY_PLAN_KEYS if cleaned[k]]},
        actor_role=access.actor_role_label(acting_user, episode.clinic_id),
    )
    return plan
