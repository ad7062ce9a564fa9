"""Feedback templates, personal and the clinic's: create, update, delete (audited)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from tessera.core import access, audit, submissions
from tessera.core.drawn import Drawn, refuse_if_changed

from ..models import FeedbackTemplate

TEMPLATE_FIELDS = ("title", "language", "body")


@transaction.atomic
def do_create_template(*, acting_user, clinic=None, **fields) -> FeedbackTemplate:
    """A personal template (no clinic) or a clinic's shared one (its supervisors and
    clinic managers only)."""
    if not access.may_use_feedback_templates(acting_user):
        raise PermissionDenied
    if clinic is not None and clinic.pk not in access.shared_template_clinic_ids(acting_user):
        raise PermissionDenied
    # The same template again (the form sent twice) is the one already saved: a list
    # of templates has no use for two alike (decision 0070).
    same = {k: fields[k] for k in ("title", "language", "body") if k in fields}
    owner = None if clinic else acting_user
    return submissions.made_once(
        FeedbackTemplate,
        None,
        lambda: _create_template(acting_user, clinic, fields),
        same=FeedbackTemplate.objects.filter(owner=owner, clinic=clinic, **same),
        lock=f"{acting_user.pk}:{getattr(clinic, 'pk', '')}",
    )


def _create_template(acting_user, clinic, fields) -> FeedbackTemplate:
    template = FeedbackTemplate(
        owner=None if clinic else acting_user,
        clinic=clinic,
        **{k: fields[k] for k in TEMPLATE_FIELDS if k in fields},
    )
    template.full_clean()
    template.save()
    audit.record_for_clinic(
        "feedback_template.created", template.clinic, acting_user, template, _about(template)
    )
    return template


@transaction.atomic
def do_update_template(
    template: FeedbackTemplate, *, acting_user, drawn: Drawn | None = None, **fields
) -> FeedbackTemplate:
    """``drawn``: what the form was drawn with; compared under the template's row lock,
    so a colleague's save at the same moment is refused, not saved over (0152)."""
    if not access.may_edit_template(acting_user, template):
        raise PermissionDenied
    locked = FeedbackTemplate.objects.select_for_update(no_key=True).get(pk=template.pk)
    refuse_if_changed(locked, drawn, fields)
    before = {k: getattr(template, k) for k in TEMPLATE_FIELDS}
    for key in TEMPLATE_FIELDS:
        if key in fields:
            setattr(template, key, fields[key])
    template.full_clean()
    template.save()
    changed = [k for k in TEMPLATE_FIELDS if before[k] != getattr(template, k)]
    audit.record_for_clinic(
        "feedback_template.changed",
        template.clinic,
        acting_user,
        template,
        {**_about(template), "changed": changed},
    )
    return template


@transaction.atomic
def do_delete_template(template: FeedbackTemplate, *, acting_user) -> None:
    if not access.may_edit_template(acting_user, template):
        raise PermissionDenied
    audit.record_for_clinic(
        "feedback_template.deleted", template.clinic, acting_user, template, _about(template)
    )
    template.delete()


def _about(template) -> dict:
    return {"title": template.title, "shared": template.is_shared}
