"""Modules: create, read, edit the draft, publish, start a new draft, preview."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tessera.core import access
from tessera.core.decorators import staff_required
from tessera.core.forms import add_action_errors, refused_as
from tessera.core.refusals import say_refused

from .. import actions
from ..forms import (
    AddStepForm,
    AddTranslationForm,
    LinkTranslationForm,
    ModuleCreateForm,
    ModuleDraftForm,
)
from ..matching.areas import language_name
from ..models import ProgrammeModule, Status
from ..translations import module_languages
from .common import (
    authorable_module,
    module_draft,
    posted,
    readable_module,
    readable_module_version,
    show_problems,
)
from .preview import preview_steps
from .translations import link_candidates, missing_translation_languages


@staff_required
@require_http_methods(["GET", "POST"])
def module_new(request: HttpRequest) -> HttpResponse:
    region_ids = access.authoring_region_ids(request.user)
    if not region_ids:
        raise PermissionDenied
    form = ModuleCreateForm(posted(request), region_ids=region_ids)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("region", None)
        try:
            module = actions.do_create_module(
                form.chosen_region(), acting_user=request.user, **data
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The module was created as a draft. Add its steps."))
            return redirect("library_module_draft", pk=module.pk)
    return render(
        request,
        "programs/form_page.html",
        {"form": form, "title": _("New module"), "submit": _("Create the module")},
    )


@staff_required
def module_detail(request: HttpRequest, pk: int) -> HttpResponse:
    module = readable_module(request.user, pk)
    may_author = module.region_id in access.authoring_region_ids(request.user)
    versions = module.versions.select_related("published_by")
    if not may_author:
        versions = versions.filter(status=Status.PUBLISHED)
    versions = list(versions)
    return render(
        request,
        "programs/module_detail.html",
        {
            "module": module,
            "versions": versions,
            "draft": next((v for v in versions if not v.is_published), None),
            "latest": next((v for v in versions if v.is_published), None),
            "may_author": may_author,
            "used_in": _used_in(module.pk, may_author),
            # A translation reaches patients through the programmes that pin the
            # module it translates (``translations``): they are its uses too.
            "used_through_original": (
                _used_in(module.translation_of_id, may_author) if module.translation_of_id else []
            ),
            "language_in_sentence": language_name(
                versions[0].language if versions else "", in_sentence=True
            ),
            "languages": module_languages(module),
            **(_translation_forms(module) if may_author else {}),
        },
    )


def _used_in(module_id: int, may_author: bool) -> list:
    """The programme versions that pin a version of the module (published ones only for
    a reader who does not author in its region)."""
    used_in = (
        ProgrammeModule.objects.filter(module_version__module_id=module_id)
        .select_related("programme_version__programme", "module_version")
        .order_by("programme_version__programme__key", "-programme_version__number")
    )
    if not may_author:
        used_in = used_in.filter(programme_version__status=Status.PUBLISHED)
    return list(used_in)


def _translation_forms(module) -> dict:
    return {
        "add_translation": AddTranslationForm(missing=missing_translation_languages(module)),
        "link_translation": LinkTranslationForm(candidates=link_candidates(module)),
    }


@staff_required
@require_POST
def module_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Editing a module works on its draft; a published-only module gets a new one."""
    module = authorable_module(request.user, pk)
    had_draft = module_draft(module) is not None
    draft = actions.do_new_module_draft(module, acting_user=request.user)
    if not had_draft:
        messages.success(
            request,
            _("Version %(n)s was started as a draft, a copy of the published version.")
            % {"n": draft.number},
        )
    return redirect("library_module_draft", pk=module.pk)


def _draft_or_redirect(request, module):
    draft = module_draft(module)
    if draft is None:
        messages.info(request, _("This module has no draft. Choose “Edit” to start one."))
    return draft


@staff_required
@require_http_methods(["GET", "POST"])
def module_draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    module = authorable_module(request.user, pk)
    draft = _draft_or_redirect(request, module)
    if draft is None:
        return redirect("library_module", pk=module.pk)
    which = request.POST.get("which") if request.method == "POST" else None
    meta = ModuleDraftForm(
        request.POST if which == "meta" else None,
        initial={
            **{n: getattr(draft, n) for n in actions.MODULE_FIELDS},
            "drawn": actions.module_draft_digest(draft),
        },
        prefix="meta",
    )
    add = AddStepForm(request.POST if which == "step" else None, prefix="step")
    status = 200
    if which == "meta" and meta.is_valid():
        try:
            actions.do_update_module_draft(draft, acting_user=request.user, **meta.cleaned_data)
        except ValidationError as exc:
            add_action_errors(meta, exc)
            if refused_as(exc, "draft_changed_meanwhile"):
                # What they typed stays in the form; "Save" again is theirs to choose,
                # over the draft as it is now (decision 0149).
                status = 409
                meta.data = meta.data.copy()
                fresh = type(draft).objects.get(pk=draft.pk)
                meta.data[meta.add_prefix("drawn")] = actions.module_draft_digest(fresh)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("library_module_draft", pk=module.pk)
    if which == "step" and add.is_valid():
        try:
            step = actions.do_add_step(draft, acting_user=request.user, **add.cleaned_data)
        except ValidationError as exc:
            add_action_errors(add, exc)
        else:
            if getattr(step, "sent_before", False):
                say_refused(request, _("This step was already added. Nothing was added twice."))
                return redirect("library_module_draft", pk=module.pk)
            messages.success(request, _("The step was added. Fill it in here."))
            return redirect("library_step_edit", pk=step.pk)
    steps = list(draft.steps.select_related("media"))
    return render(
        request,
        "programs/module_draft.html",
        {
            "module": module,
            "draft": draft,
            "meta": meta,
            "add": add,
            "steps": steps,
            "last_position": steps[-1].position if steps else 0,
            "order_drawn": actions.step_order_digest(draft),
        },
        status=status,
    )


@staff_required
@require_POST
def module_publish(request: HttpRequest, pk: int) -> HttpResponse:
    module = authorable_module(request.user, pk)
    draft = _draft_or_redirect(request, module)
    if draft is None:
        return redirect("library_module", pk=module.pk)
    try:
        actions.do_publish_module(draft, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _("The draft was not published. It needs some changes first:"))
        show_problems(request, exc)
        return redirect("library_module_draft", pk=module.pk)
    messages.success(request, _("Version %(n)s was published.") % {"n": draft.number})
    return redirect("library_module", pk=module.pk)


@staff_required
def module_preview(request: HttpRequest, pk: int) -> HttpResponse:
    version = readable_module_version(request.user, pk)
    steps = list(version.steps.select_related("media"))
    shown = steps
    only = request.GET.get("step", "")
    current = None
    if only.isdigit():
        shown = [s for s in steps if s.position == int(only)]
        if not shown:
            raise Http404
        current = shown[0].position
    positions = [s.position for s in steps]
    index = positions.index(current) if current is not None else None
    return render(
        request,
        "programs/preview.html",
        {
            "version": version,
            "module": version.module,
            "steps": preview_steps(
                shown, total=len(steps), user=request.user, region=version.module.region
            ),
            "current": current,
            "previous": positions[index - 1] if index else None,
            "next": positions[index + 1] if index is not None and index + 1 < len(steps) else None,
        },
    )
