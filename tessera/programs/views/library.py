"""The library index and the media files of steps."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import CharField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from tessera.core import access
from tessera.core.decorators import staff_required

from ..models import MediaFile, Module, ModuleVersion, Programme, ProgrammeVersion, Status

PAGE_SIZE = 25


def _annotated(model, version_model, owner: str, region_ids, authoring_ids):
    """Modules or programmes with their latest published version and any draft, in one
    query; those who do not author a region see only what has been published there."""
    versions = version_model.objects.filter(**{owner: OuterRef("pk")})
    published = versions.filter(status=Status.PUBLISHED).order_by("-number")
    draft = versions.filter(status=Status.DRAFT)
    rows = model.objects.filter(region_id__in=region_ids).annotate(
        published_number=Subquery(published.values("number")[:1]),
        published_title=Subquery(published.values("title")[:1]),
        draft_number=Subquery(draft.values("number")[:1]),
        has_draft=Exists(draft),
    )
    rows = rows.annotate(
        title=Coalesce("published_title", Subquery(draft.values("title")[:1]))
    ).filter(Q(region_id__in=authoring_ids) | Q(published_number__isnull=False))
    return rows.select_related("region").order_by("title", "key", "pk")


def _page(request, rows, param: str, authoring_ids):
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get(param))
    for row in page.object_list:
        row.editable = row.region_id in authoring_ids
    return page


@staff_required
def library_index(request: HttpRequest) -> HttpResponse:
    region_ids = access.library_region_ids(request.user)
    if not region_ids:
        raise PermissionDenied
    authoring_ids = access.authoring_region_ids(request.user)
    modules = _annotated(Module, ModuleVersion, "module", region_ids, authoring_ids)
    # Each module's language (its latest published version's, else its draft's), shown
    # and set as lang on the title: translations sit beside their originals.
    in_module = ModuleVersion.objects.filter(module=OuterRef("pk"))
    modules = modules.annotate(
        content_language=Coalesce(
            Subquery(
                in_module.filter(status=Status.PUBLISHED).order_by("-number").values("language")[:1]
            ),
            Subquery(in_module.filter(status=Status.DRAFT).values("language")[:1]),
        )
    )
    programmes = _annotated(Programme, ProgrammeVersion, "programme", region_ids, authoring_ids)
    # A programme's title is in its first language (``ProgrammeVersion.title_language``).
    in_programme = ProgrammeVersion.objects.filter(programme=OuterRef("pk"))
    first = KT("languages__0")
    programmes = programmes.annotate(
        content_language=Coalesce(
            Subquery(
                in_programme.filter(status=Status.PUBLISHED)
                .order_by("-number")
                .annotate(first=first)
                .values("first")[:1]
            ),
            Subquery(
                in_programme.filter(status=Status.DRAFT).annotate(first=first).values("first")[:1]
            ),
            Value("en"),
            output_field=CharField(),
        )
    )
    return render(
        request,
        "programs/library.html",
        {
            "modules": _page(request, modules, "modules_page", authoring_ids),
            "programmes": _page(request, programmes, "programmes_page", authoring_ids),
            "may_author": bool(authoring_ids),
        },
    )


@login_required
def media_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A step's image, audio or video: for staff who read the region's library, and for
    patients treated at a clinic of that region."""
    media = get_object_or_404(MediaFile, pk=pk)
    user = request.user
    if media.region_id not in access.library_region_ids(user) | access.patient_region_ids(user):
        raise Http404
    try:
        handle = media.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=media.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response
