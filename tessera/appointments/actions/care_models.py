"""Changing an episode's care model within the episode, with a reason (audited)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tessera.core import audit
from tessera.core.models import Episode

from ..models import CareModelChange


@transaction.atomic
def do_change_care_model(episode, *, acting_user, to_model: str, reason: str) -> CareModelChange:
    """Move the patient to another way of working (e.g. from guided online care to face
    to face) within the same episode: the plan, answers and scores stay as they are."""
    reason = (reason or "").strip()
    errors = {}
    if to_model not in Episode.CareModel.values:
        errors["to_model"] = _("Choose a care model.")
    if not reason:
        errors["reason"] = _("Say why the care model changes.")
    elif len(reason) > CareModelChange._meta.get_field("reason").max_length:  # never cut
        errors["reason"] = _("Use at most %(limit)d characters.") % {
            "limit": CareModelChange._meta.get_field("reason").max_length
        }
    if errors:
        raise ValidationError(errors)
    locked = (
        Episode.objects.select_for_update(no_key=True)
        .select_related("patient", "clinic")
        .get(pk=episode.pk)
    )
    if locked.status == Episode.Status.ENDED:  # a page left open while it ended
        raise ValidationError(
            _("Nothing was changed: %(reason)s")
            % {"reason": _("the treatment has ended, so its care model can no longer change.")}
        )
    if locked.care_model == to_model:
        raise ValidationError({"to_model": _("The patient already has this care model.")})
    change = CareModelChange.objects.create(
        episode=locked,
        from_model=locked.care_model,
        to_model=to_model,
        reason=reason,
        actor=acting_user,
    )
    locked.care_model = to_model
    locked.save(update_fields=["care_model"])
    episode.care_model = to_model
    audit.record_for_episode(
        "episode.care_model_changed",
        locked,
        obj=locked,
        actor=acting_user,
        changes={"care_model": [change.from_model, to_model]},
    )
    return change
