"""Every change to a patient's plan and work in it: atomic, recorded, audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tessera.core import access, audit, submissions
from tessera.core.models import Episode
from tessera.programs.models import ModuleVersion
from tessera.programs.translations import modules_in_language

from .. import worksheets
from ..ending import patient_may_write
from ..models import PlanChange, PlanEntry, WorksheetAnswer
from . import episodes as episode_actions


def _change(episode, kind, acting_user, *, reason="", **details) -> PlanChange:
    change = PlanChange.objects.create(
        episode=episode, kind=kind, actor=acting_user, reason=reason, details=details
    )
    audit.record(
        f"plan.{kind}",
        actor=acting_user,
        clinic=episode.clinic,
        patient=episode.patient,
        obj=change,
        actor_role=access.actor_role_label(acting_user, episode.clinic_id),
        changes=details | ({"reason": reason} if reason else {}),
    )
    return change


def _next_position(episode) -> int:
    top = episode.plan.aggregate(top=Max("position"))["top"]
    return (top or 0) + 1


def _published_entries(programme_version):
    if not programme_version.is_published:
        raise ValidationError(gettext_lazy("Only a published programme can be used in a plan."))
    return list(
        programme_version.entries.select_related("module_version__module").order_by("position")
    )


def _in_patient_language(episode, items) -> list[ModuleVersion]:
    """The programme's module versions, each swapped for its translation in the
    patient's language (or the clinic's next language) where one is published."""
    return modules_in_language(
        [item.module_version for item in items],
        episode.patient.preferred_language,
        episode.clinic,
    )


@transaction.atomic
def do_seed_plan(episode: Episode, programme_version, *, acting_user, reason="") -> list[PlanEntry]:
    if episode.plan.exists():
        raise ValidationError(
            gettext_lazy("This episode already has a plan; switch programme instead.")
        )
    versions = _in_patient_language(episode, _published_entries(programme_version))
    rows = [
        PlanEntry(
            episode=episode,
            module_version=version,
            programme_version=programme_version,
            position=index,
        )
        for index, version in enumerate(versions, start=1)
    ]
    PlanEntry.objects.bulk_create(rows)
    Episode.objects.filter(pk=episode.pk).update(programme_version=programme_version)
    episode.programme_version = programme_version
    _change(
        episode,
        PlanChange.Kind.SEEDED,
        acting_user,
        reason=reason,
        programme=programme_version.programme.key,
        version=programme_version.number,
    )
    # Already in treatment: the programme's default measures fill the time points the
    # clinic has no rule for (before treatment starts, do_start_treatment does it).
    episode_actions.do_schedule_programme_measures(episode, acting_user=acting_user)
    return rows


@transaction.atomic
def do_add_module(episode, module_version, *, acting_user, reason="", unlock_on=None):
    if not module_version.is_published:
        raise ValidationError(gettext_lazy("Only a published module can be added to a plan."))
    if episode.plan.current().filter(module_version__module=module_version.module).exists():
        raise ValidationError(gettext_lazy("This module is already in the plan."))
    entry = PlanEntry.objects.create(
        episode=episode,
        module_version=module_version,
        position=_next_position(episode),
        unlock_on=unlock_on,
    )
    _change(
        episode,
        PlanChange.Kind.ADDED,
        acting_user,
        reason=reason,
        module=module_version.module.key,
        version=module_version.number,
        entry=entry.pk,
    )
    return entry


@transaction.atomic
def do_remove_module(entry: PlanEntry, *, acting_user, reason="") -> None:
    """Takes a module out of the plan; the patient's work in it is kept."""
    entry.removed_at = timezone.now()
    entry.save(update_fields=["removed_at"])
    _change(
        entry.episode,
        PlanChange.Kind.REMOVED,
        acting_user,
        reason=reason,
        module=entry.module_version.module.key,
        entry=entry.pk,
        had_work=entry.answers.exists() or entry.completed_at is not None,
    )


def plan_order_digest(episode) -> str:
    """The digest of the plan's order as it is (``submissions.order_digest``)."""
    return submissions.order_digest(
        episode.plan.current().order_by("position", "id").values_list("pk", flat=True)
    )


def _lock_order(episode, drawn: str | None) -> None:
    """Wait for any other change to this plan's order, then refuse a form drawn with
    another order (a move sent twice)."""
    Episode.objects.select_for_update(no_key=True).filter(pk=episode.pk).first()
    if drawn is not None:
        submissions.check_order(
            drawn, episode.plan.current().order_by("position", "id").values_list("pk", flat=True)
        )


@transaction.atomic
def do_move_module(
    entry: PlanEntry, direction: int, *, acting_user, reason="", drawn: str | None = None
) -> None:
    """``drawn``: the digest of the order the form was drawn with; another order now (the
    same move sent twice) is refused with a ValidationError and nothing moves."""
    _lock_order(entry.episode, drawn)
    current = list(entry.episode.plan.current().order_by("position", "id"))
    index = next(i for i, e in enumerate(current) if e.pk == entry.pk)
    other = index + (1 if direction > 0 else -1)
    if not 0 <= other < len(current):
        return
    current[index], current[other] = current[other], current[index]
    for position, row in enumerate(current, start=1):
        if row.position != position:
            PlanEntry.objects.filter(pk=row.pk).update(position=position)
    _change(
        entry.episode,
        PlanChange.Kind.MOVED,
        acting_user,
        reason=reason,
        order=[row.module_version.module.key for row in current],
    )


@transaction.atomic
def do_reorder_plan(
    episode, positions: dict[int, int], *, acting_user, reason="", drawn: str | None = None
) -> bool:
    """Put the plan's modules in the order the therapist typed (``positions``: entry id
    to the number wanted; ties and modules without a number keep their order), as one
    change with one reason. Returns False when the order stays the same. ``drawn``: as
    for ``do_move_module``."""
    _lock_order(episode, drawn)
    current = list(episode.plan.current().select_related("module_version__module"))
    current.sort(key=lambda e: (e.position, e.pk))
    wanted = sorted(
        current,
        key=lambda e: (positions.get(e.pk, e.position), current.index(e)),
    )
    if [e.pk for e in wanted] == [e.pk for e in current]:
        return False
    for position, row in enumerate(wanted, start=1):
        if row.position != position:
            PlanEntry.objects.filter(pk=row.pk).update(position=position)
    _change(
        episode,
        PlanChange.Kind.MOVED,
        acting_user,
        reason=reason,
        order=[row.module_version.module.key for row in wanted],
    )
    return True


@transaction.atomic
def do_set_unlock_date(entry: PlanEntry, unlock_on, *, acting_user, reason="") -> bool:
    """Returns False, changing nothing, when the module already opens on that date (the
    form sent twice: a double click, back and send again)."""
    entry.unlock_on = PlanEntry.objects.select_for_update(no_key=True).get(pk=entry.pk).unlock_on
    if entry.unlock_on == unlock_on:
        return False
    before = entry.unlock_on.isoformat() if entry.unlock_on else None
    entry.unlock_on = unlock_on
    entry.save(update_fields=["unlock_on"])
    _change(
        entry.episode,
        PlanChange.Kind.UNLOCK,
        acting_user,
        reason=reason,
        module=entry.module_version.module.key,
        before=before,
        after=unlock_on.isoformat() if unlock_on else None,
    )
    return True


@transaction.atomic
def do_open_module_now(entry: PlanEntry, *, acting_user, reason="") -> bool:
    """Returns False, changing nothing, when it was opened already (sent twice)."""
    if PlanEntry.objects.select_for_update(no_key=True).get(pk=entry.pk).unlocked_at is not None:
        return False
    entry.unlocked_at = timezone.now()
    entry.save(update_fields=["unlocked_at"])
    _change(
        entry.episode,
        PlanChange.Kind.OPENED,
        acting_user,
        reason=reason,
        module=entry.module_version.module.key,
    )
    return True


@transaction.atomic
def do_move_to_newest_version(entry: PlanEntry, *, acting_user, reason="") -> bool:
    """Put the patient on the newest published version of a module. Their answers stay
    with the version they were given on; returns False when already on the newest."""
    newest = (
        ModuleVersion.objects.filter(module_id=entry.module_version.module_id, status="published")
        .order_by("-number")
        .first()
    )
    if newest is None or newest.pk == entry.module_version_id:
        return False
    before = entry.module_version.number
    entry.module_version = newest
    entry.save(update_fields=["module_version"])
    _change(
        entry.episode,
        PlanChange.Kind.VERSION,
        acting_user,
        reason=reason,
        module=newest.module.key,
        before=before,
        after=newest.number,
    )
    return True


def _untouched(entry: PlanEntry) -> bool:
    return not (entry.started_at or entry.completed_at or entry.answers.exists())


@transaction.atomic
def do_follow_language(episode: Episode, *, acting_user, reason="") -> list[tuple[str, str]]:
    """After the patient's language changed: each module of the plan not yet started is
    swapped for the newest published translation in the patient's content order (their
    language, the clinic's, English), where that is another module of its family.
    Started and completed modules stay as they are, with every answer. One plan change
    (kind "language") lists the swaps; returns them as (from key, to key) pairs."""
    entries = [
        e
        for e in episode.plan.current().select_related("module_version__module").order_by("pk")
        if _untouched(e)
    ]
    if not entries:
        return []
    chosen = modules_in_language(
        [e.module_version for e in entries],
        episode.patient.preferred_language,
        episode.clinic,
    )
    taken = set(episode.plan.current().values_list("module_version__module_id", flat=True))
    swaps = []
    for entry, version in zip(entries, chosen, strict=True):
        if version.pk == entry.module_version_id or version.module_id in taken:
            continue
        swaps.append((entry.module_version.module.key, version.module.key))
        taken.add(version.module_id)
        entry.module_version = version
        entry.save(update_fields=["module_version"])
    if swaps:
        _change(
            episode,
            PlanChange.Kind.LANGUAGE,
            acting_user,
            reason=reason,
            language=episode.patient.preferred_language,
            modules=[list(pair) for pair in swaps],
        )
    return swaps


@transaction.atomic
def do_switch_programme(
    episode: Episode, programme_version, *, acting_user, reason="", drawn: str | None = None
):
    """Move the plan to another programme. Modules already started or completed stay
    (with every answer); modules of the old programme not yet started are taken out;
    the new programme's modules not already in the plan are added after them. The new
    programme's measures are scheduled and the old one's future ones cancelled
    (``do_reschedule_for_switch``); the plan history says how many. Returns False,
    changing nothing, when the plan already follows that programme version (the form
    sent twice would take out the modules it had just added and add them again).
    ``drawn``: the programme version's id the form was drawn with ("0": none); the plan
    switched to another since (a second tab, a colleague) is refused, not undone."""
    current = Episode.objects.select_for_update(no_key=True).get(pk=episode.pk).programme_version_id
    if current == programme_version.pk:
        return False
    if drawn is not None and drawn != str(current or 0):
        raise ValidationError(
            gettext_lazy(
                "the plan was switched to another programme after this page was opened. "
                "The page shows the plan as it is now: choose again if you still want to "
                "switch."
            )
        )
    new_versions = _in_patient_language(episode, _published_entries(programme_version))
    now = timezone.now()
    kept_modules = set()
    for entry in episode.plan.current().select_related("module_version"):
        if not _untouched(entry) or entry.programme_version_id is None:
            kept_modules.add(entry.module_version.module_id)
        else:
            PlanEntry.objects.filter(pk=entry.pk).update(removed_at=now)
    position = _next_position(episode)
    added = []
    for version in new_versions:
        if version.module_id in kept_modules:
            continue
        added.append(
            PlanEntry(
                episode=episode,
                module_version=version,
                programme_version=programme_version,
                position=position,
            )
        )
        position += 1
    PlanEntry.objects.bulk_create(added)
    old = episode.programme_version
    Episode.objects.filter(pk=episode.pk).update(programme_version=programme_version)
    episode.programme_version = programme_version
    scheduled, cancelled = episode_actions.do_reschedule_for_switch(
        episode, old, acting_user=acting_user
    )
    _change(
        episode,
        PlanChange.Kind.SWITCHED,
        acting_user,
        reason=reason,
        before=old.programme.key if old else None,
        after=programme_version.programme.key,
        kept=len(kept_modules),
        added=len(added),
        measures_scheduled=scheduled,
        measures_cancelled=cancelled,
    )
    return True


# --- The patient's work in a module ---------------------------------------------------


def mark_started(entry: PlanEntry, *, acting_user=None) -> bool:
    """The first time the patient opens or works in a module: note when, and schedule
    the clinic's "before each module" questionnaires for it. True if it was the first."""
    now = timezone.now()
    with transaction.atomic():
        first = (
            PlanEntry.objects.filter(pk=entry.pk, started_at__isnull=True).update(started_at=now)
            == 1
        )
        if first:
            entry.started_at = now
            episode_actions.do_schedule_before_module(entry, acting_user=acting_user)
    return first


def record_step_seen(entry: PlanEntry, position: int, *, acting_user=None) -> None:
    """Progress through a module: which steps the patient has opened (not audited: the
    module view itself is). The first step seen starts the module (mark_started)."""
    if entry.started_at is None:
        mark_started(entry, acting_user=acting_user)
    if position not in entry.seen_steps:
        entry.seen_steps = sorted({*entry.seen_steps, position})
        entry.save(update_fields=["seen_steps"])


def require_writable(entry: PlanEntry) -> None:
    """Refuse the patient's writes in an ended episode past its writing period."""
    if not patient_may_write(entry.episode):
        raise ValidationError(
            gettext_lazy("Your treatment has ended and your answers are now read-only.")
        )


# Refused when the answers were saved from another window (or device) after this one drew
# its page: before, the last save won without a word (decision 0161).
ANSWERS_CHANGED_MEANWHILE = gettext_lazy(
    "These answers were changed in another window after you opened this one, so what you "
    "typed here was not saved. It is still here: copy what you want to keep, then open the "
    "page again to see the other answers."
)


def _locked_answer(entry: PlanEntry, step) -> WorksheetAnswer | None:
    return (
        WorksheetAnswer.objects.select_for_update(no_key=True)
        .filter(entry=entry, step=step)
        .first()
    )


@transaction.atomic
def do_save_worksheet(
    entry: PlanEntry, step, values: dict, *, acting_user, drawn: str | None = None
) -> WorksheetAnswer:
    """Save the patient's answers (a draft until sent). ``drawn``: the answers'
    ``version`` the page was drawn with ("" when there were none yet), which each
    autosave of that page is given back; answers saved since from another window are
    not overwritten: a ValidationError (``changed_meanwhile``), nothing changed. The
    same values sent again find their own save. None: not checked (decision 0161)."""
    require_writable(entry)
    too_long = worksheets.check_lengths(step.fields, values)
    if too_long:  # refused whole, never shortened: the view shows the text back
        raise ValidationError(too_long)
    answer = _locked_answer(entry, step)
    created = False
    if answer is None:
        answer, created = WorksheetAnswer.objects.get_or_create(entry=entry, step=step)
        if not created:  # made by another request at the same moment
            answer = _locked_answer(entry, step)
    if answer.submitted_at is not None:
        raise ValidationError(
            gettext_lazy("These answers have been sent and can no longer be changed.")
        )
    if not created and drawn is not None and drawn != answer.version and answer.values != values:
        raise ValidationError(ANSWERS_CHANGED_MEANWHILE, code="changed_meanwhile")
    answer.values = values
    answer.save(update_fields=["values", "updated_at"])
    if entry.started_at is None:
        mark_started(entry, acting_user=acting_user)
    return answer


@transaction.atomic
def do_submit_worksheet(
    entry: PlanEntry, step, values: dict, *, acting_user, drawn: str | None = None
):
    """Send the answers to the care team. The same answers sent again (a double click
    on "Send", back and send again) are the ones already sent: before, the second was
    told they "can no longer be changed", after the first had gone (decision 0152)."""
    sent = (
        WorksheetAnswer.objects.select_for_update(no_key=True)
        .filter(entry=entry, step=step, submitted_at__isnull=False)
        .first()
    )
    if sent is not None and sent.values == values:
        return sent
    answer = do_save_worksheet(entry, step, values, acting_user=acting_user, drawn=drawn)
    answer.submitted_at = timezone.now()
    answer.save(update_fields=["submitted_at"])
    audit.record(
        "worksheet.submitted",
        actor=acting_user,
        clinic=entry.episode.clinic,
        patient=entry.episode.patient,
        obj=answer,
        purpose="self",
        actor_role=access.actor_role_label(acting_user, entry.episode.clinic_id),
        changes={"step": step.pk, "module": entry.module_version.module.key},
    )
    return answer


@transaction.atomic
def do_complete_module(entry: PlanEntry, *, acting_user) -> None:
    require_writable(entry)
    if entry.completed_at is None:
        entry.completed_at = timezone.now()
        entry.save(update_fields=["completed_at"])
        audit.record(
            "module.completed",
            actor=acting_user,
            clinic=entry.episode.clinic,
            patient=entry.episode.patient,
            obj=entry,
            purpose="self",
            actor_role=access.actor_role_label(acting_user, entry.episode.clinic_id),
            changes={"module": entry.module_version.module.key},
        )


@transaction.atomic
def do_complete_modules(entries: list[PlanEntry], *, acting_user) -> list[PlanEntry]:
    """Complete several modules of one episode at once, each exactly as
    ``do_complete_module`` would (its time, its save, its ``module.completed`` event, in
    the entries' order), with the events written in bulk (``audit.record_many``): for
    the demo's history, where a course completes most of its plan (decision 0034).
    Entries completed already are left alone. Returns the entries completed."""
    if not entries:
        return []
    episode = entries[0].episode
    if any(entry.episode_id != episode.pk for entry in entries):
        raise ValueError("do_complete_modules takes the entries of one episode")
    done = []
    for entry in entries:
        entry.episode = episode
        require_writable(entry)
        if entry.completed_at is None:
            entry.completed_at = timezone.now()
            entry.save(update_fields=["completed_at"])
            done.append(entry)
    audit.record_many(
        "module.completed",
        [
            {
                "clinic": episode.clinic,
                "patient": episode.patient,
                "obj": entry,
                "purpose": "self",
                "changes": {"module": entry.module_version.module.key},
            }
            for entry in done
        ],
        actor=acting_user,
        actor_role=access.actor_role_label(acting_user, episode.clinic_id),
    )
    return done


def do_mark_module_answered(episode, *, acting_user, at) -> PlanEntry | None:
    """A message from the responsible therapist answers the module completed last (if
    it is not answered yet): one answer covers at most one module, and only a module
    completed before it (docs/decisions/0010). Called inside the message's transaction;
    the message's own audit row records it. Returns the entry marked, or None."""
    if acting_user is None or episode.therapist_id != acting_user.pk:
        return None
    entry = (
        PlanEntry.objects.current()
        .filter(episode=episode, completed_at__isnull=False, completed_at__lte=at)
        .order_by("-completed_at", "-pk")
        .first()
    )
    if entry is None or entry.answered_at is not None:
        return None
    entry.answered_at = at
    entry.save(update_fields=["answered_at"])
    return entry
