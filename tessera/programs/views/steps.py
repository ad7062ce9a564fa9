"""One step of a module draft: edit it (with its file), move it, remove it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tessera.core.decorators import staff_required
from tessera.core.forms import add_action_errors, refused_as

from .. import actions
from ..forms import StepForm
from ..models import Step
from .common import authorable, posted


def _draft_step(request, pk: int) -> tuple[Step, bool]:
    """The step, if the user authors its region; and whether its version is a draft."""
    step = get_object_or_404(Step.objects.select_related("module_version__module", "media"), pk=pk)
    module = step.module_version.module
    authorable(request.user, module, module.versions)
    if step.module_version.is_published:
        messages.error(
            request,
            _(
                "This step belongs to a published version, which cannot change. "
                "Choose “Edit” on the module to start a new draft."
            ),
        )
        return step, False
    return step, True


def _back(step: Step, *, published: bool = False) -> HttpResponse:
    target = "library_module" if published else "library_module_draft"
    return redirect(target, pk=step.module_version.module_id)


def _save_step(request, step: Step, form: StepForm) -> bool:
    """The new file (if any) and the step's fields, together or not at all."""
    changes = form.step_changes()
    upload = form.cleaned_data.get("upload")
    try:
        with transaction.atomic():
            if upload:
                changes["media"] = actions.do_store_media(
                    step.module_version.module.region, acting_user=request.user, upload=upload
                )
            drawn = form.cleaned_data.get("drawn") or None
            actions.do_update_step(step, acting_user=request.user, drawn=drawn, **changes)
    except ValidationError as exc:
        add_action_errors(form, exc)
        if refused_as(exc, "step_changed_meanwhile"):
            # What they typed stays in the form; "Save" again is theirs to choose, over
            # the step as it is now.
            form.data = form.data.copy()
            form.data["drawn"] = Step.objects.get(pk=step.pk).content_digest()
        return False
    return True


@staff_required
@require_http_methods(["GET", "POST"])
def step_edit(request: HttpRequest, pk: int) -> HttpResponse:
    step, is_draft = _draft_step(request, pk)
    if not is_draft:
        return _back(step, published=True)
    form = StepForm(posted(request), request.FILES if request.method == "POST" else None, step=step)
    if request.method == "POST" and form.is_valid() and _save_step(request, step, form):
        messages.success(request, _("The step was saved."))
        if "preview" in request.POST:
            return redirect(f"{_preview_url(step)}?step={step.position}")
        return _back(step)
    return render(
        request,
        "programs/step_edit.html",
        {
            "step": step,
            "module": step.module_version.module,
            "version": step.module_version,
            "form": form,
            "preview_url": f"{_preview_url(step)}?step={step.position}",
        },
    )


def _preview_url(step: Step) -> str:
    return reverse("library_module_preview", args=[step.module_version_id])


@staff_required
@require_POST
def step_move(request: HttpRequest, pk: int) -> HttpResponse:
    step, is_draft = _draft_step(request, pk)
    if is_draft:
        direction = request.POST.get("direction")
        if direction in ("up", "down"):
            try:
                actions.do_move_step(
                    step,
                    acting_user=request.user,
                    direction=direction,
                    drawn=request.POST.get("drawn_order") or None,
                )
            except ValidationError as exc:  # sent twice: the first moved it already
                messages.error(
                    request,
                    _("Nothing was changed: %(reason)s") % {"reason": " ".join(exc.messages)},
                )
    return _back(step, published=not is_draft)


@staff_required
@require_POST
def step_delete(request: HttpRequest, pk: int) -> HttpResponse:
    step, is_draft = _draft_step(request, pk)
    if is_draft:
        actions.do_delete_step(step, acting_user=request.user)
        messages.success(request, _("The step “%(title)s” was removed.") % {"title": step.title})
    return _back(step, published=not is_draft)
