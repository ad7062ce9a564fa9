"""Content packages in the browser: import for content authors, export for library readers."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tessera.core import access
from tessera.core.decorators import staff_required
from tessera.core.models import Region

from ..models import Programme, Status
from ..packages import ExportError, PackageRejected, do_import_package, export_programme
from ..packages.reader import size


class PackageImportForm(forms.Form):
    region = forms.ModelChoiceField(
        queryset=Region.objects.none(), label=gettext_lazy("Import into region"), empty_label=None
    )
    package = forms.FileField(
        label=gettext_lazy("Content package"),
        help_text=gettext_lazy("A .zip file exported from Tessera."),
        widget=forms.FileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def __init__(self, *args, regions: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.only_region = regions[0] if len(regions) == 1 else None
        if self.only_region is not None:
            del self.fields["region"]

    def clean(self):
        cleaned = super().clean()
        if self.only_region is not None:
            cleaned["region"] = self.only_region
        return cleaned

    def clean_package(self):
        package = self.cleaned_data["package"]
        limit = settings.TESSERA_PACKAGE_MAX_BYTES
        if package.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the largest package accepted is %(limit)s.")
                % {"size": size(package.size), "limit": size(limit)}
            )
        return package


@staff_required
@require_http_methods(["GET", "POST"])
def package_import(request: HttpRequest) -> HttpResponse:
    region_ids = access.authoring_region_ids(request.user)
    if not region_ids:
        raise PermissionDenied
    regions = Region.objects.filter(pk__in=region_ids).order_by("name")
    problems: list[str] = []
    if request.method == "POST":
        form = PackageImportForm(request.POST, request.FILES, regions=regions)
        if form.is_valid():
            upload = form.cleaned_data["package"]
            try:
                result = do_import_package(
                    upload.read(), region=form.cleaned_data["region"], acting_user=request.user
                )
            except PackageRejected as rejected:
                problems = rejected.problems
            else:
                messages.success(request, result.describe())
                return redirect("package_import")
    else:
        form = PackageImportForm(regions=regions)
    return render(
        request,
        "programs/packages/import.html",
        {
            "form": form,
            "problems": problems,
            "regions": regions,
            "limit": size(settings.TESSERA_PACKAGE_MAX_BYTES),
        },
    )


@staff_required
def programme_export(request: HttpRequest, pk: int) -> HttpResponse:
    region_ids = access.authoring_region_ids(request.user) | access.library_region_ids(request.user)
    programme = Programme.objects.filter(pk=pk, region_id__in=region_ids).first()
    version = (
        programme.versions.filter(status=Status.PUBLISHED).order_by("-number").first()
        if programme
        else None
    )
    if version is None:
        raise Http404
    try:
        data = export_programme(version)
    except ExportError as error:
        return render(
            request,
            "programs/packages/export_failed.html",
            {"programme": programme, "version": version, "problems": error.problems},
            status=409,
        )
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="{programme.key}-v{version.number}.zip"'
    )
    return response
