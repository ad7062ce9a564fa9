"""Programmes: create, read, edit the draft and its modules, publish, start a new draft."""

from __future__ import annotations

from functools import cache, partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tessera.core import access
from tessera.core.decorators import staff_required
from tessera.core.forms import add_action_errors, refused_as
from tessera.core.models.organisation import LANGUAGE_CHOICES
from tessera.instruments.time_points import TimePoint

from .. import actions, markdown
from ..forms import (
    MeasureFormSet,
    ProgrammeCreateForm,
    ProgrammeDraftForm,
    ProgrammeModulesForm,
    as_json,
)
from ..models import ModuleVersion, ProgrammeVersion, Status
from ..translations import missing_languages, programme_languages, region_languages
from .common import authorable_programme, posted, programme_draft, readable_programme, show_problems


@staff_required
@require_http_methods(["GET", "POST"])
def programme_new(request: HttpRequest) -> HttpResponse:
    region_ids = access.authoring_region_ids(request.user)
    if not region_ids:
        raise PermissionDenied
    form = ProgrammeCreateForm(posted(request), region_ids=region_ids)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("region", None)
        try:
            programme = actions.do_create_programme(
                form.chosen_region(), acting_user=request.user, **data
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The programme was created as a draft."))
            return redirect("library_programme_draft", pk=programme.pk)
    return render(
        request,
        "programs/form_page.html",
        {"form": form, "title": _("New programme"), "submit": _("Create the programme")},
    )


@staff_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = readable_programme(request.user, pk)
    may_author = programme.region_id in access.authoring_region_ids(request.user)
    versions = programme.versions.all()
    if not may_author:
        versions = versions.filter(status=Status.PUBLISHED)
    versions = list(versions)
    shown = versions[0] if versions else None
    if "version" in request.GET:
        shown = next((v for v in versions if str(v.number) == request.GET["version"]), shown)
    entries = shown.entries.select_related("module_version__module") if shown else []
    facts = _facts(shown) if shown else {}
    # a crisis block shows the reader's own clinic's contacts (read once, if there is one)
    crisis = cache(partial(markdown.crisis_for_staff, request.user, programme.region))
    return render(
        request,
        "programs/programme_detail.html",
        {
            "programme": programme,
            "versions": versions,
            "shown": shown,
            "entries": entries,
            "draft": next((v for v in versions if not v.is_published), None),
            "may_author": may_author,
            "published": any(v.is_published for v in versions),
            **facts,
            "description_patient": markdown.render(
                shown.description_patient if shown else "",
                crisis=crisis,
            ),
            "description_professional": markdown.render(
                shown.description_professional if shown else "", crisis=crisis
            ),
        },
    )


def _facts(version: ProgrammeVersion) -> dict:
    """What the detail page says about a version, in words rather than codes."""
    names = dict(LANGUAGE_CHOICES)
    points = dict(TimePoint.choices)
    rules = dict(version.eligibility or {})
    low, high = rules.pop("min_age", None), rules.pop("max_age", None)
    return {
        "language_names": [str(names.get(code, code)) for code in version.languages],
        # The patient text's translations, and the region's languages it lacks.
        "text_language_names": [
            str(names.get(code, code)) for code in programme_languages(version)
        ],
        "text_missing_names": [
            str(names.get(code, code))
            for code in missing_languages(
                programme_languages(version), region_languages(version.programme.region)
            )
        ],
        "measures": [
            (m.get("instrument", ""), points.get(m.get("time_point"), m.get("time_point")))
            for m in version.default_measures
            if isinstance(m, dict)
        ],
        "min_age": low,
        "max_age": high,
        "other_rules": as_json(rules),
    }


@staff_required
@require_POST
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = authorable_programme(request.user, pk)
    had_draft = programme_draft(programme) is not None
    draft = actions.do_new_programme_draft(programme, acting_user=request.user)
    if not had_draft:
        messages.success(
            request,
            _("Version %(n)s was started as a draft, a copy of the published version.")
            % {"n": draft.number},
        )
    return redirect("library_programme_draft", pk=programme.pk)


def _draft_or_none(request, programme) -> ProgrammeVersion | None:
    draft = programme_draft(programme)
    if draft is None:
        messages.info(request, _("This programme has no draft. Choose “Edit” to start one."))
    return draft


@staff_required
@require_http_methods(["GET", "POST"])
def programme_draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = authorable_programme(request.user, pk)
    draft = _draft_or_none(request, programme)
    if draft is None:
        return redirect("library_programme", pk=programme.pk)
    data = request.POST if request.method == "POST" else None
    initial = {
        **ProgrammeDraftForm.initial_for(draft),
        "drawn": actions.programme_draft_digest(draft),
    }
    form = ProgrammeDraftForm(data, initial=initial)
    measures = MeasureFormSet(data, initial=draft.default_measures or None, prefix="measure")
    status = 200
    if data is not None and form.is_valid() and measures.is_valid():
        try:
            actions.do_update_programme_draft(
                draft,
                acting_user=request.user,
                drawn=form.cleaned_data["drawn"] or None,
                default_measures=measures.measures(),
                **form.programme_changes(),
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
            if refused_as(exc, "draft_changed_meanwhile"):
                # What they typed stays in the form; "Save" again is theirs to choose,
                # over the draft as it is now (decision 0149).
                status = 409
                form.data = form.data.copy()
                fresh = ProgrammeVersion.objects.get(pk=draft.pk)
                form.data["drawn"] = actions.programme_draft_digest(fresh)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("library_programme", pk=programme.pk)
    return render(
        request,
        "programs/programme_draft.html",
        {"programme": programme, "draft": draft, "form": form, "measures": measures},
        status=status,
    )


def _module_choices(programme, draft):
    """The latest published version of each module of the region, and any version the
    draft already pins."""
    published = ModuleVersion.objects.filter(status=Status.PUBLISHED)
    latest = published.filter(module=OuterRef("module")).order_by("-number").values("number")
    pinned = draft.entries.values("module_version_id")
    return (
        published.filter(module__region_id=programme.region_id)
        .filter(Q(number=Subquery(latest[:1])) | Q(pk__in=pinned))
        .select_related("module")
        .order_by("title", "module__key", "-number")
    )


@staff_required
@require_http_methods(["GET", "POST"])
def programme_modules(request: HttpRequest, pk: int) -> HttpResponse:
    programme = authorable_programme(request.user, pk)
    draft = _draft_or_none(request, programme)
    if draft is None:
        return redirect("library_programme", pk=programme.pk)
    current = dict(draft.entries.values_list("module_version_id", "position"))
    form = ProgrammeModulesForm(
        posted(request),
        choices=_module_choices(programme, draft),
        current=current,
        initial={"drawn": actions.programme_modules_digest(draft)},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_programme_modules(
                draft,
                acting_user=request.user,
                module_version_ids=form.cleaned_data["module_version_ids"],
                drawn=form.cleaned_data["drawn"] or None,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
            if refused_as(exc, "modules_changed_meanwhile"):
                # Their ticks stay in the form; "Save" again is theirs to choose, over
                # the list as it is now (decision 0152).
                status = 409
                form.data = form.data.copy()
                form.data["drawn"] = actions.programme_modules_digest(draft)
        else:
            messages.success(request, _("The programme's modules were saved."))
            return redirect("library_programme", pk=programme.pk)
    return render(
        request,
        "programs/programme_modules.html",
        {"programme": programme, "draft": draft, "form": form},
        status=status,
    )


@staff_required
@require_POST
def programme_publish(request: HttpRequest, pk: int) -> HttpResponse:
    programme = authorable_programme(request.user, pk)
    draft = _draft_or_none(request, programme)
    if draft is None:
        return redirect("library_programme", pk=programme.pk)
    try:
        actions.do_publish_programme(draft, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _("The draft was not published. It needs some changes first:"))
        show_problems(request, exc)
    else:
        messages.success(request, _("Version %(n)s was published.") % {"n": draft.number})
    return redirect("library_programme", pk=programme.pk)
