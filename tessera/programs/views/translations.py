"""Translations: start a module's translation, link a module as one, and a programme
draft's patient text per language. Only the region's content authors (``authorable_*``);
each write is an audited action."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tessera.core import drawn as drawn_values
from tessera.core.decorators import staff_required
from tessera.core.forms import add_action_errors

from .. import actions
from ..actions.translations import family_languages
from ..content_rules import LANGUAGES
from ..forms import AddTranslationForm, LinkTranslationForm, ProgrammeTranslationForm
from ..models import Module
from .common import authorable_module, authorable_programme, programme_draft, show_problems


def missing_translation_languages(module: Module) -> list[str]:
    """The interface's languages the module's family has no module in."""
    root = module.translation_of or module
    have = family_languages(root)
    return [code for code in LANGUAGES if code not in have]


def link_candidates(module: Module):
    """Modules of the region that stand alone: neither a translation nor translated."""
    root = module.translation_of or module
    translated = Module.objects.filter(translation_of__isnull=False).values("translation_of")
    return (
        Module.objects.filter(region_id=root.region_id, translation_of__isnull=True)
        .exclude(pk=root.pk)
        .exclude(pk__in=translated)
        .order_by("key")
    )


@staff_required
@require_POST
def module_translation_new(request: HttpRequest, pk: int) -> HttpResponse:
    module = authorable_module(request.user, pk)
    form = AddTranslationForm(request.POST, missing=missing_translation_languages(module))
    if not form.is_valid():
        messages.error(request, _("Choose a language the module has no version in yet."))
        return redirect("library_module", pk=module.pk)
    try:
        translation = actions.do_create_module_translation(
            module, acting_user=request.user, language=form.cleaned_data["language"]
        )
    except ValidationError as exc:
        show_problems(request, exc)
        return redirect("library_module", pk=module.pk)
    messages.success(
        request,
        _(
            "A draft translation was started as a copy of the module. Translate each step, "
            "then publish it: patients get it only once it is published."
        ),
    )
    return redirect("library_module_draft", pk=translation.pk)


@staff_required
@require_POST
def module_translation_link(request: HttpRequest, pk: int) -> HttpResponse:
    module = authorable_module(request.user, pk)
    form = LinkTranslationForm(request.POST, candidates=link_candidates(module))
    if not form.is_valid():
        messages.error(request, _("Choose a module of this region that stands alone."))
        return redirect("library_module", pk=module.pk)
    try:
        actions.do_link_module_translation(
            module, form.cleaned_data["other"], acting_user=request.user
        )
    except ValidationError as exc:
        show_problems(request, exc)
    else:
        messages.success(request, _("The module was linked as a translation."))
    return redirect("library_module", pk=module.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def programme_translation(request: HttpRequest, pk: int) -> HttpResponse:
    programme = authorable_programme(request.user, pk)
    draft = programme_draft(programme)
    if draft is None:
        messages.info(request, _("This programme has no draft. Choose “Edit” to start one."))
        return redirect("library_programme", pk=programme.pk)
    written = (draft.languages or ["en"])[0]
    languages = [code for code in LANGUAGES if code != written]
    chosen = request.GET.get("language") if request.GET.get("language") in languages else None
    existing = (draft.translations or {}).get(chosen, {}) if chosen else {}
    form = ProgrammeTranslationForm(
        request.POST if request.method == "POST" else None,
        languages=languages,
        initial={
            "language": chosen,
            **existing,
            "drawn": drawn_values.translations_digest(draft.translations),
        },
    )
    refused = False
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_programme_translation(
                draft, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            draft.refresh_from_db(fields=["translations"])
            refused = form.refused_meanwhile(exc, draft.translations)  # another's kept (0152)
            if not refused:
                add_action_errors(form, exc)
        else:
            messages.success(request, _("The translation was saved in the draft."))
            return redirect("library_programme", pk=programme.pk)
    return render(
        request,
        "programs/programme_translation.html",
        {
            "programme": programme,
            "draft": draft,
            "form": form,
            "translations": sorted((draft.translations or {}).items()),
        },
        status=409 if refused else 200,
    )
