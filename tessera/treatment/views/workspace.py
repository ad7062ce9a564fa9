"""The patient's modules: the plan, the module reader, and worksheets that keep drafts."""

from __future__ import annotations

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

from .. import diary, plans, worksheets
from ..actions import plans as plan_actions
from ..ending import patient_may_write
from ..models import WorksheetAnswer


def _open_entry(user, entry_id: int):
    """An open module of the episode the patient reads (after the end too, within the
    clinic's reading period); writing in it is checked by the actions."""
    episode = plans.patient_reading_episode(user)
    if episode is None:
        raise Http404
    for state in plans.episode_states(episode):
        if state.entry.pk == entry_id and state.is_open:
            return episode, state.entry
    raise Http404


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
        },
    )


@patient_required
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
            "body": worksheets.render_markdown(step.body, episode.care_model),
            "transcript": worksheets.render_markdown(step.transcript, episode.care_model),
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
def worksheet_save(request: HttpRequest, entry_id: int, position: int) -> HttpResponse:
    """Save (autosave or button) or send a worksheet. Autosave answers JSON."""
    episode, entry = _open_entry(request.user, entry_id)
    step = entry.module_version.steps.filter(position=position).first()
    if step is None or not step.fields:
        raise Http404
    values = worksheets.read_values(step.fields, request.POST)
    autosave = request.headers.get("X-Autosave") == "1"
    try:
        if "send" in request.POST and not autosave:
            plan_actions.do_submit_worksheet(entry, step, values, acting_user=request.user)
            messages.success(request, care_words.worksheet_sent_message(episode))
        else:
            answer = plan_actions.do_save_worksheet(entry, step, values, acting_user=request.user)
            if autosave:
                return JsonResponse({"saved_at": answer.updated_at.isoformat()})
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
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{request.path.rsplit('/steps/', 1)[0]}/?step={position}")


@patient_required
@require_POST
def module_complete(request: HttpRequest, entry_id: int) -> HttpResponse:
    _episode_, entry = _open_entry(request.user, entry_id)
    try:
        plan_actions.do_complete_module(entry, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Well done: the module is marked as completed."))
    return redirect("my_plan")
