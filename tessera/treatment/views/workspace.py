"""The patient's modules: the plan, the module reader, and worksheets that keep drafts."""

from __future__ import annotations

from functools import partial, wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tessera.core import care_words
from tessera.core.actions import record_patient_read
from tessera.core.decorators import patient_required
from tessera.core.forms import action_error_texts
from tessera.core.models import Episode
from tessera.core.sent_forms import sent_by_a_script
from tessera.programs.markdown import crisis_for

from .. import diary, plans, worksheets
from ..actions import plans as plan_actions
from ..ending import patient_may_write
from ..models import PlanEntry, WorksheetAnswer


class ModuleNotOpen(Exception):
    """A module of the patient's own plan that is not open to them now: taken out of the
    plan, or closed again (its opening date moved on), while their page was open."""

    def __init__(self, entry: PlanEntry):
        super().__init__(entry.pk)
        self.entry = entry


def _open_entry(user, entry_id: int):
    """An open module of the episode the patient reads (after the end too, within the
    clinic's reading period), or of another open course of theirs (two at once:
    referred to another clinic while one is still open, decision 0158); writing in it is
    checked by the actions. A module of that plan that is not open (any more) raises
    ``ModuleNotOpen``; anything else 404."""
    episode = plans.patient_reading_episode(user)
    if episode is not None:
        found = _entry_of(episode, entry_id)
        if found is not None:
            return found
    # Not the course the pages show: another open course's (a query only then).
    other = plans.open_courses_of(user).filter(plan__pk=entry_id).first()
    if other is None:
        raise Http404
    return _entry_of(other, entry_id)


def _entry_of(episode, entry_id: int):
    """(episode, entry) when this open module is of the episode's plan; None when the
    plan does not hold it; ``ModuleNotOpen`` when it holds it closed."""
    for state in plans.episode_states(episode):
        if state.entry.pk == entry_id and state.is_open:
            return episode, state.entry
    entry = PlanEntry.objects.filter(episode=episode, pk=entry_id).first()
    if entry is None:
        return None
    raise ModuleNotOpen(entry)


def _not_open_text(entry: PlanEntry) -> str:
    if entry.removed_at is not None:
        return _("This module was taken out of your plan, so it can no longer be opened.")
    return _("This module is not open at the moment: your plan was changed.")


def _typed_back(entry: PlanEntry, position, data) -> list[tuple[str, str]]:
    """What the patient typed into a step's form, as (label, text), to copy: a
    worksheet's fields or a diary entry's, tables one row a line."""
    step = entry.module_version.steps.filter(position=position).first() if position else None
    if step is None or not step.fields:
        return []
    specs = diary.form_specs(step.fields) if step.kind == diary.HOMEWORK else step.fields
    typed = []
    for spec in specs:
        value = worksheets.read_values([spec], data).get(spec["key"], "")
        if isinstance(value, list):
            value = "\n".join(" · ".join(v for v in row.values() if v) for row in value)
        value = (value or "").strip()
        if value:
            typed.append((spec.get("label", spec["key"]), value[: worksheets.MAX_TEXT]))
    return typed


def module_still_open(view):
    """A page of the patient's module left open while the plan changed: reading it again
    goes to the plan with a word; a worksheet or diary entry sent from it is not saved,
    and what was typed is shown back to copy (it was Page not found, the text lost). An
    autosave gets the line in JSON (worksheet.js says it and stops retrying)."""

    @wraps(view)
    def wrapped(request, entry_id, *args, **kwargs):
        try:
            return view(request, entry_id, *args, **kwargs)
        except ModuleNotOpen as gone:
            text = _not_open_text(gone.entry)
            if request.method != "POST":
                messages.info(request, text)
                return redirect("my_plan")
            if request.headers.get("X-Autosave") == "1" or sent_by_a_script(request):
                return JsonResponse({"error": text, "fields": []}, status=409)
            position = kwargs.get("position", args[0] if args else None)
            context = {"text": text, "typed": _typed_back(gone.entry, position, request.POST)}
            return render(request, "treatment/module_not_open.html", context, status=409)

    return wrapped


def _other_courses(user, shown) -> list:
    """The patient's open courses other than ``shown``, each with its modules' states."""
    if shown is None or shown.status == Episode.Status.ENDED:
        return []
    others = [course for course in plans.open_courses_of(user) if course.pk != shown.pk]
    return [(course, plans.episode_states(course)) for course in others]


@patient_required
def my_plan(request: HttpRequest) -> HttpResponse:
    episode = plans.patient_reading_episode(request.user)
    states = plans.episode_states(episode) if episode else []
    ended = episode is not None and episode.status == Episode.Status.ENDED
    return render(
        request,
        "treatment/my_plan.html",
        {
            "episode": episode,
            "states": states,
            "next": None if ended else plans.next_step(states),
            "ended": ended,
            "may_write": episode is not None and patient_may_write(episode),
            "reading_until": plans.reading_until(episode) if episode else None,
            # An ended episode past its reading period: say so, not "not set up yet".
            "past": None if episode else plans.latest_episode(request.user),
            # Another open course's modules (two at once, decision 0158): before, they
            # were on no page, and its next module's link on the home page was not found.
            "others": _other_courses(request.user, episode),
        },
    )


@patient_required
@module_still_open
def module_reader(request: HttpRequest, entry_id: int) -> HttpResponse:
    episode, entry = _open_entry(request.user, entry_id)
    steps = list(entry.module_version.steps.select_related("media").order_by("position"))
    if not steps:
        raise Http404
    try:
        index = max(0, min(len(steps) - 1, int(request.GET.get("step", 1)) - 1))
    except ValueError:
        index = 0
    return _reader(request, episode, entry, steps, index)


def _reader(request, episode, entry, steps, index, *, typed=None, errors=None) -> HttpResponse:
    """The module reader at one step; ``typed`` and ``errors`` show a refused worksheet
    post back as it was typed, beside the messages (answered 400)."""
    step = steps[index]
    may_write = patient_may_write(episode)
    # reading after the end starts nothing; a refused post was seen already
    if episode.status != Episode.Status.ENDED and typed is None:
        plan_actions.record_step_seen(entry, step.position, acting_user=request.user)
    record_patient_read(request.user, episode.patient, "module", obj=entry)
    homework = step.kind == "homework" and bool(step.fields)
    answer = None if homework else WorksheetAnswer.objects.filter(entry=entry, step=step).first()
    extra = {"next": request.get_full_path()}
    # what a crisis block in the text shows: the clinic's contacts, read only if one is there
    crisis = partial(crisis_for, episode.clinic)
    if homework:
        extra.update(diary.diary_context(entry, step, today=plans.clinic_today(episode.clinic)))
    return render(
        request,
        "treatment/module_reader.html",
        {
            **extra,
            "homework": homework,
            "before_module": diary.before_module_due(episode, entry),
            "entry": entry,
            "step": step,
            "number": index + 1,
            "count": len(steps),
            "body": worksheets.render_markdown(step.body, episode.care_model, crisis),
            "transcript": worksheets.render_markdown(step.transcript, episode.care_model, crisis),
            "fields": []
            if homework
            else worksheets.field_views(
                step.fields,
                typed if typed is not None else (answer.values if answer else {}),
                errors=errors,
            ),
            "answer": answer,
            "is_last": index == len(steps) - 1,
            "may_write": may_write,
            "episode": episode,
            "reading_until": plans.reading_until(episode),
        },
        status=400 if errors else 200,
    )


@patient_required
@require_POST
@module_still_open
def worksheet_save(request: HttpRequest, entry_id: int, position: int) -> HttpResponse:
    """Save (autosave or button) or send a worksheet. Autosave answers JSON."""
    episode, entry = _open_entry(request.user, entry_id)
    step = entry.module_version.steps.filter(position=position).first()
    if step is None or not step.fields:
        raise Http404
    values = worksheets.read_values(step.fields, request.POST)
    autosave = request.headers.get("X-Autosave") == "1"
    # The answers' version the page was drawn with (or its last autosave was given):
    # answers saved since from another window are not overwritten (decision 0161). A
    # page drawn before this sends none: not checked.
    drawn = request.POST.get("drawn")
    try:
        if "send" in request.POST and not autosave:
            plan_actions.do_submit_worksheet(
                entry, step, values, acting_user=request.user, drawn=drawn
            )
            messages.success(request, care_words.worksheet_sent_message(episode))
        else:
            answer = plan_actions.do_save_worksheet(
                entry, step, values, acting_user=request.user, drawn=drawn
            )
            if autosave:  # its next save is drawn from this one (worksheet.js)
                return JsonResponse(
                    {"saved_at": answer.updated_at.isoformat(), "drawn": answer.version}
                )
            messages.success(request, _("Saved."))
    except ValidationError as exc:
        field_errors = getattr(exc, "error_dict", None)
        if autosave:  # worksheet.js shows the message and keeps the text on the device
            return JsonResponse(
                {"error": " ".join(exc.messages), "fields": sorted(field_errors or [])},
                status=400 if field_errors else 409,
            )
        if field_errors:  # refused values (too long): shown back as typed, nothing lost
            steps = list(entry.module_version.steps.select_related("media").order_by("position"))
            index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
            messages.error(request, _("Not saved: see the message beside the field."))
            errors = action_error_texts(exc, default=step.fields[0]["key"])
            return _reader(request, episode, entry, steps, index, typed=values, errors=errors)
        if exc.code == "changed_meanwhile":  # what was typed stays in the form
            steps = list(entry.module_version.steps.select_related("media").order_by("position"))
            index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
            messages.error(request, " ".join(exc.messages))
            response = _reader(request, episode, entry, steps, index, typed=values)
            response.status_code = 409
            return response
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{request.path.rsplit('/steps/', 1)[0]}/?step={position}")


@patient_required
@require_POST
@module_still_open
def module_complete(request: HttpRequest, entry_id: int) -> HttpResponse:
    _episode_, entry = _open_entry(request.user, entry_id)
    try:
        plan_actions.do_complete_module(entry, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Well done: the module is marked as completed."))
    return redirect("my_plan")
