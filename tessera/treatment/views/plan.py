"""The therapist's view of a patient's plan: tailor it, and read its history."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tessera.core import access
from tessera.core.actions import record_patient_read
from tessera.core.decorators import staff_required
from tessera.core.forms import form_error_texts
from tessera.core.known_related import with_role_clinics
from tessera.core.middleware import restoring_typed_text
from tessera.core.models import Episode
from tessera.core.refusals import say_refused
from tessera.core.submissions import order_digest
from tessera.programs.models import ModuleVersion, ProgrammeModule, ProgrammeVersion

from .. import actions, plans
from ..actions import plans as plan_actions
from ..forms.plans import (
    AddModuleForm,
    ReasonForm,
    StartTreatmentForm,
    SwitchProgrammeForm,
    UnlockDateForm,
)
from ..models import DiaryEntry, PlanEntry, WorksheetAnswer

DIARY_PER_PAGE = 20


def _episode(user, patient_pk: int) -> Episode:
    patient = access.get_visible_patient(user, patient_pk)
    episode = (
        with_role_clinics(Episode.objects.visible_to(user), user)
        .filter(patient=patient)
        .open()
        .select_related("patient", "programme_version__programme")
        .first()
    )
    if episode is None:
        raise Http404
    return episode


def _library_choices(user, episode, in_plan: set[int] | None = None):
    """Choices for adding a module and switching programme. Modules (issue 20): the
    newest published version of each, in the patient's language (all languages when
    none is in theirs), leaving out those already in the plan (``in_plan``: their
    module ids, when the caller has read the plan), grouped under the programme they
    belong to (the first by title), then "Other modules"."""
    regions = access.library_region_ids(user) & {episode.clinic.region_id}
    # Tuples, not model instances: a region's library is some sixty module versions
    # read for a few fields each (issue 16: CPU per request).
    modules = (
        ModuleVersion.objects.filter(module__region_id__in=regions, status="published")
        .order_by("title", "-number")
        .values_list("pk", "module_id", "title", "number", "language")
    )
    if in_plan is None:
        in_plan = set(episode.plan.current().values_list("module_version__module_id", flat=True))
    newest, seen = [], set()
    for version in modules:  # the newest published version of each module
        module_id = version[1]
        if module_id not in seen:
            seen.add(module_id)
            if module_id not in in_plan:
                newest.append(version)
    language = (episode.patient.preferred_language or "")[:2]
    theirs = [v for v in newest if v[4][:2] == language]
    newest = theirs or newest
    programmes = (
        ProgrammeVersion.objects.filter(programme__region_id__in=regions, status="published")
        .order_by("title", "-number")
        .values_list("pk", "programme_id", "title", "number")
    )
    seen, programme_choices, latest = set(), [], []
    for pk, programme_id, title, number in programmes:
        if programme_id not in seen:
            seen.add(programme_id)
            latest.append(pk)
            programme_choices.append((str(pk), f"{title} (v{number})"))
    home: dict[int, str] = {}
    for module_id, title in (
        ProgrammeModule.objects.filter(programme_version__in=latest)
        .order_by("programme_version__title", "position")
        .values_list("module_version__module_id", "programme_version__title")
    ):
        home.setdefault(module_id, title)
    groups: dict[str, list] = {}
    for pk, module_id, title, number, version_language in newest:
        group = home.get(module_id, "")
        groups.setdefault(group, []).append((str(pk), f"{title} (v{number}, {version_language})"))
    module_choices = [(title, groups[title]) for title in sorted(t for t in groups if t)]
    if "" in groups:
        module_choices.append((_("Other modules"), groups[""]))
    return module_choices, programme_choices


@staff_required
def plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        episode = _open_or_ended(request.user, pk)
    except TreatmentEnded as ended:
        # The plan page left open (or bookmarked) while the course ended: its plan is on
        # the episode's page, read-only (it was a Page not found).
        say_refused(
            request,
            _("This treatment has ended, so its plan can no longer be changed. It is shown here."),
        )
        url = reverse("episode_overview", kwargs={"episode_id": ended.episode.pk})
        return redirect(f"{url}#plan")
    record_patient_read(request.user, episode.patient, "plan", obj=episode, clinic=episode.clinic)
    # The plan's entries, current and removed, in one read of the episode's range; their
    # sent answers by the runs of those ids, each given its entry (issue 16, decision
    # 0083): joined, the answers were one descent of the index per entry and the
    # modules (not shown) one descent of their key per entry.
    plan = list(episode.plan.select_related("module_version").order_by("position", "id"))
    entries = [entry for entry in plan if entry.removed_at is None]
    removed = [entry for entry in plan if entry.removed_at is not None]
    rule = episode.programme_version.unlock_rule if episode.programme_version else "manual"
    module_choices, programme_choices = _library_choices(
        request.user, episode, in_plan={entry.module_version.module_id for entry in entries}
    )
    sent = list(
        WorksheetAnswer.objects.of_entries(entry.pk for entry in plan)
        .filter(submitted_at__isnull=False)
        .select_related("step")
        .order_by("-submitted_at")[:20]
    )
    by_id = {entry.pk: entry for entry in plan}
    for answer in sent:
        answer.entry = by_id[answer.entry_id]
    diary_page = Paginator(
        DiaryEntry.objects.filter(entry__episode=episode)
        .select_related("step", "entry__module_version")
        .order_by("-for_date", "-created_at", "-id"),
        DIARY_PER_PAGE,
    ).get_page(request.GET.get("diary"))
    if diary_page.object_list:
        record_patient_read(
            request.user, episode.patient, "diary", obj=episode, clinic=episode.clinic
        )
    return render(
        request,
        "treatment/plan.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "states": plans.states(
                entries,
                unlock_rule=rule,
                started_on=episode.started_on,
                today=plans.clinic_today(episode.clinic),
            ),
            "sent": sent,
            "start_form": StartTreatmentForm(
                initial={"start_on": plans.clinic_today(episode.clinic)}
            ),
            "removed": removed,
            "diary_page": diary_page,
            "history": episode.plan_changes.select_related("actor")[:50],
            "may_tailor": access.may_tailor_plan(request.user, episode),
            "order_drawn": order_digest(
                e.pk for e in sorted(entries, key=lambda e: (e.position, e.pk))
            ),
            "add_form": AddModuleForm(choices=module_choices, prefix="add"),
            "switch_form": SwitchProgrammeForm(
                choices=programme_choices,
                prefix="switch",
                initial={"drawn": str(episode.programme_version_id or 0)},
            ),
        },
    )


class TreatmentEnded(Exception):
    """A change to the plan sent about a course that has ended meanwhile (a page left
    open while the patient was discharged)."""

    def __init__(self, episode):
        super().__init__(episode.pk)
        self.episode = episode


def _latest_ended(user, patient) -> Episode | None:
    return (
        Episode.objects.visible_to(user)
        .filter(patient=patient, status=Episode.Status.ENDED)
        .order_by("-ended_on", "-pk")
        .first()
    )


def _open_or_ended(user, pk) -> Episode:
    """The patient's open episode; ``TreatmentEnded`` with the one that ended last when
    none is open; 404 when the patient is not visible or has no episode."""
    try:
        return _episode(user, pk)
    except Http404:
        ended = _latest_ended(user, access.get_visible_patient(user, pk))
        if ended is None:
            raise
        raise TreatmentEnded(ended) from None


def _tailoring(request, pk):
    episode = _open_or_ended(request.user, pk)
    if not access.may_tailor_plan(request.user, episode):
        raise PermissionDenied
    return episode


def _done(request, pk, error=None):
    if error:
        messages.error(request, _("Nothing was changed: %(reason)s") % {"reason": error})
        # The refused form's reason and choice are put back on the plan page (idle.js).
        return restoring_typed_text(redirect("plan", pk=pk), refused=True)
    messages.success(request, _("The plan was changed."))
    return redirect("plan", pk=pk)


def _ended(request, episode) -> HttpResponse:
    """Nothing changed, said on the episode's page (the plan page is gone with the
    course): the same voice as the other forms sent after the end."""
    messages.error(
        request,
        _("Nothing was changed: %(reason)s")
        % {"reason": _("the treatment has ended, so the plan can no longer be changed.")},
    )
    return redirect("episode_overview", episode_id=episode.pk)


def tailoring(view):
    """A plan change about a course that ended meanwhile goes to the episode's page with
    a word (it was a Page not found with a message about something removed)."""

    @wraps(view)
    def wrapped(request, pk, *args, **kwargs):
        try:
            return view(request, pk, *args, **kwargs)
        except TreatmentEnded as ended:
            return _ended(request, ended.episode)

    return wrapped


def _errors(form) -> str:
    return " ".join(form_error_texts(form))


@staff_required
@require_POST
@tailoring
def plan_add(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _tailoring(request, pk)
    form = AddModuleForm(
        request.POST, choices=_library_choices(request.user, episode)[0], prefix="add"
    )
    if not form.is_valid():
        return _done(request, pk, _errors(form))
    version = ModuleVersion.objects.get(pk=form.cleaned_data["module_version"])
    try:
        plan_actions.do_add_module(
            episode, version, acting_user=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        return _done(request, pk, " ".join(exc.messages))
    return _done(request, pk)


@staff_required
@require_POST
@tailoring
def plan_switch(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _tailoring(request, pk)
    form = SwitchProgrammeForm(
        request.POST, choices=_library_choices(request.user, episode)[1], prefix="switch"
    )
    if not form.is_valid():
        return _done(request, pk, _errors(form))
    version = ProgrammeVersion.objects.get(pk=form.cleaned_data["programme_version"])
    try:
        if episode.plan.exists():
            if not plan_actions.do_switch_programme(
                episode,
                version,
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
                drawn=form.cleaned_data["drawn"] or None,
            ):
                return _done(request, pk, _("the plan already follows this programme."))
        else:
            plan_actions.do_seed_plan(
                episode, version, acting_user=request.user, reason=form.cleaned_data["reason"]
            )
    except ValidationError as exc:
        return _done(request, pk, " ".join(exc.messages))
    return _done(request, pk)


ENTRY_OPERATIONS = {"up", "down", "remove", "unlock", "open", "newest"}


@staff_required
@require_POST
@tailoring
def plan_entry(request: HttpRequest, pk: int, entry_id: int, operation: str) -> HttpResponse:
    episode = _tailoring(request, pk)
    entry = PlanEntry.objects.filter(pk=entry_id, episode=episode, removed_at__isnull=True).first()
    gone = PlanEntry.objects.filter(pk=entry_id, episode=episode)
    if entry is None and operation == "remove" and gone.exists():
        # "Remove" sent again: a plan this person tailors, the module taken out already.
        return _done(request, pk, _("this module was already taken out of the plan."))
    if entry is None or operation not in ENTRY_OPERATIONS:
        raise Http404
    form = (UnlockDateForm if operation == "unlock" else ReasonForm)(request.POST)
    if not form.is_valid():
        return _done(request, pk, _errors(form))
    reason = form.cleaned_data["reason"]
    user = request.user
    if operation in {"up", "down"}:
        try:
            plan_actions.do_move_module(
                entry,
                -1 if operation == "up" else 1,
                acting_user=user,
                reason=reason,
                drawn=request.POST.get("drawn_order") or None,
            )
        except ValidationError as exc:  # sent twice: the first moved it already
            return _done(request, pk, " ".join(exc.messages))
    elif operation == "remove":
        plan_actions.do_remove_module(entry, acting_user=user, reason=reason)
    elif operation == "newest":
        if not plan_actions.do_move_to_newest_version(entry, acting_user=user, reason=reason):
            return _done(request, pk, _("this is already the newest published version."))
    elif operation == "unlock":
        if not plan_actions.do_set_unlock_date(
            entry, form.cleaned_data["unlock_on"], acting_user=user, reason=reason
        ):
            return _done(request, pk, _("the module already opens on that date."))
    elif not plan_actions.do_open_module_now(entry, acting_user=user, reason=reason):
        return _done(request, pk, _("the module is already open."))
    return _done(request, pk)


@staff_required
@require_POST
@tailoring
def plan_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    """Several moves at once: a number for each module, and one reason for the lot."""
    episode = _tailoring(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _done(request, pk, _errors(form))
    positions = {}
    for entry_id in episode.plan.current().values_list("pk", flat=True):
        raw = (request.POST.get(f"position-{entry_id}") or "").strip()
        if raw:
            try:
                positions[entry_id] = int(raw)
            except ValueError:
                return _done(request, pk, _("give each module a whole number."))
    try:
        changed = plan_actions.do_reorder_plan(
            episode,
            positions,
            acting_user=request.user,
            reason=form.cleaned_data["reason"],
            drawn=request.POST.get("drawn_order") or None,
        )
    except ValidationError as exc:  # drawn before another move: it would undo that one
        return _done(request, pk, " ".join(exc.messages))
    if not changed:
        return _done(request, pk, _("the order is the same as before."))
    return _done(request, pk)


@staff_required
@require_POST
@tailoring
def plan_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start treatment: the episode becomes active, modules open by the programme's rule
    from this date, and the clinic's questionnaires are scheduled."""
    episode = _tailoring(request, pk)
    if episode.status == Episode.Status.ACTIVE and episode.started_on:
        return _done(request, pk, _("treatment has already started."))
    form = StartTreatmentForm(request.POST)
    if not form.is_valid():
        return _done(request, pk, _errors(form))
    weeks = episode.programme_version.weeks if episode.programme_version else None
    actions.do_start_treatment(
        episode,
        acting_user=request.user,
        start_on=form.cleaned_data["start_on"],
        **({"weeks": weeks} if weeks else {}),
    )
    return _done(request, pk)
