"""Who may read or author which module and programme, for the views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from tessera.core import access

from ..models import Module, ModuleVersion, Programme, ProgrammeVersion, Status


def readable(user, obj, versions) -> None:
    """404 unless the user reads the library of the object's region. Those who do not
    author there read only what has been published."""
    if obj.region_id not in access.library_region_ids(user):
        raise Http404
    if obj.region_id not in access.authoring_region_ids(user):
        if not versions.filter(status=Status.PUBLISHED).exists():
            raise Http404


def authorable(user, obj, versions) -> None:
    """403 for those who read what is published of it but do not author there; 404 for
    everyone else (so that a module never published stays unknown to readers)."""
    if obj.region_id in access.authoring_region_ids(user):
        return
    if obj.region_id in access.library_region_ids(user):
        if versions.filter(status=Status.PUBLISHED).exists():
            raise PermissionDenied
    raise Http404


def posted(request):
    """The POST data for a form, or None (unbound) for any other method; an empty POST
    still binds the form, so that it is validated."""
    return request.POST if request.method == "POST" else None


def readable_module(user, pk: int) -> Module:
    module = get_object_or_404(Module.objects.select_related("region"), pk=pk)
    readable(user, module, module.versions)
    return module


def authorable_module(user, pk: int) -> Module:
    module = get_object_or_404(Module.objects.select_related("region"), pk=pk)
    authorable(user, module, module.versions)
    return module


def readable_module_version(user, pk: int) -> ModuleVersion:
    version = get_object_or_404(ModuleVersion.objects.select_related("module__region"), pk=pk)
    module = version.module
    if not version.is_published:
        authorable(user, module, module.versions)
    else:
        readable(user, module, module.versions)
    return version


def readable_programme(user, pk: int) -> Programme:
    programme = get_object_or_404(Programme.objects.select_related("region"), pk=pk)
    readable(user, programme, programme.versions)
    return programme


def authorable_programme(user, pk: int) -> Programme:
    programme = get_object_or_404(Programme.objects.select_related("region"), pk=pk)
    authorable(user, programme, programme.versions)
    return programme


def module_draft(module: Module) -> ModuleVersion | None:
    return module.versions.filter(status=Status.DRAFT).first()


def programme_draft(programme: Programme) -> ProgrammeVersion | None:
    return programme.versions.filter(status=Status.DRAFT).first()


def show_problems(request, exc) -> None:
    """Each problem of a ValidationError from an action as its own message."""
    for message in exc.messages:
        messages.error(request, message)
