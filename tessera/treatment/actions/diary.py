"""Writes of diary entries (homework registered during the week): atomic and audited.

Each registration is checked against the step's fields by worksheets.check_values; a
refused one raises ValidationError with a message per field and writes nothing, so the
form can show it again with everything the patient typed."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tessera.core import access, audit

from .. import diary, plans, worksheets
from ..models import DiaryEntry, PlanEntry
from . import plans as plan_actions


def _described(entry: PlanEntry, diary_entry: DiaryEntry) -> dict:
    """What the audit row says about a diary entry."""
    return {
        "step": diary_entry.step_id,
        "module": entry.module_version.module.key,
        "for_date": diary_entry.for_date.isoformat(),
    }


def _check(entry: PlanEntry, step, values: dict, for_date, today) -> None:
    if step.kind != diary.HOMEWORK or step.module_version_id != entry.module_version_id:
        raise ValidationError(_("This part of the module is not homework to register."))
    problems = worksheets.check_values(step.fields, values)
    if for_date not in diary.allowed_dates(today):
        problems["for_date"] = _("Choose today or one of the six days before.")
    if not problems and not any(v not in ("", [], None) for v in values.values()):
        problems["entry"] = _("The entry is empty: fill in at least one field.")
    if problems:
        raise ValidationError(problems)


def do_register_diary_entry(
    entry: PlanEntry, step, values: dict, *, acting_user, submission_key, for_date=None
) -> tuple[DiaryEntry, bool]:
    """Register one entry. The same submission key twice returns the first entry and
    False (a double click or a resend never makes two)."""
    submission_key = uuid.UUID(str(submission_key))
    plan_actions.require_writable(entry)
    existing = DiaryEntry.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        if existing.entry_id != entry.pk:
            raise ValidationError(_("This form has already been used. Please start again."))
        return existing, False
    today = plans.clinic_today(entry.episode.clinic)
    for_date = for_date or today
    _check(entry, step, values, for_date, today)
    try:
        with transaction.atomic():
            created = DiaryEntry.objects.create(
                entry=entry,
                step=step,
                values=values,
                for_date=for_date,
                submission_key=submission_key,
            )
            if entry.started_at is None:
                plan_actions.mark_started(entry, acting_user=acting_user)
            audit.record_for_episode(
                "diary.registered",
                entry.episode,
                actor=acting_user,
                obj=created,
                changes=_described(entry, created),
            )
    except IntegrityError:  # the same key raced in from a second request
        return DiaryEntry.objects.get(submission_key=submission_key), False
    return created, True


@transaction.atomic
def do_correct_diary_entry(
    diary_entry: DiaryEntry, values: dict, *, acting_user, drawn: str | None = None
) -> DiaryEntry:
    """Correct an entry registered for today (earlier ones stay as they were).
    ``drawn``: the entry's ``version`` the form was drawn with; an entry saved since
    (the same correction from another tab or device) is not overwritten: a
    ValidationError (``corrected_meanwhile``), nothing changed. Before, the last save
    won without a word (decision 0152)."""
    locked = (
        DiaryEntry.objects.select_for_update(no_key=True)
        .select_related("step")
        .get(pk=diary_entry.pk)
    )
    entry = diary_entry.entry
    plan_actions.require_writable(entry)
    today = plans.clinic_today(entry.episode.clinic)
    if not access.may_correct_diary_entry(locked, today):
        raise ValidationError(_("Only today's entries can be corrected."))
    if drawn is not None and drawn != locked.version:
        if locked.values == values:
            return locked  # sent twice (a double click, back and send): saved already
        raise ValidationError(
            _(
                "This entry was corrected in another window after you opened it, so your "
                "correction was not saved. What you typed is still in the form: save it "
                "again to replace the other correction, or go back to see it first."
            ),
            code="corrected_meanwhile",
        )
    _check(entry, locked.step, values, locked.for_date, today)
    locked.values = values
    locked.save(update_fields=["values", "updated_at"])
    audit.record_for_episode(
        "diary.corrected",
        entry.episode,
        actor=acting_user,
        obj=locked,
        changes=_described(entry, locked),
    )
    return locked
