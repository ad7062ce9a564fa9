"""What the module library adds to the portal's pages (see ``tessera.core.contributions``).

A content author's home shows their work in the library of the regions they author
(decision 0161): the drafts of modules and of programmes not yet published, the drafts
of translations, and the published modules that lack a translation into a language the
region's clinics work in, each a count with a link to the library, which lists them.
Five queries for an author (the regions they author among them), the same for one draft
or many; none for anyone else."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from tessera.core import access
from tessera.core.contributions import Section
from tessera.core.models import Clinic

from .models import ModuleVersion, ProgrammeVersion, Status


def _wanted_languages(region_ids) -> dict[int, set[str]]:
    """The languages each region's clinics work in (one query)."""
    wanted: dict[int, set[str]] = {pk: set() for pk in region_ids}
    for region_id, languages in Clinic.objects.filter(region_id__in=region_ids).values_list(
        "region_id", "languages"
    ):
        wanted[region_id].update(languages or [])
    return wanted


def untranslated_count(region_ids) -> int:
    """Published modules (not translations) of these regions whose family (the module
    and its translations) has no published version in a language of the region's
    clinics (``translations.module_languages`` says which, module by module): two
    queries."""
    wanted = _wanted_languages(region_ids)
    have: dict[int, set[str]] = {}
    originals: dict[int, int] = {}  # a published original's id: its region
    published = (
        ModuleVersion.objects.filter(status=Status.PUBLISHED, module__region_id__in=region_ids)
        .values_list("module_id", "module__translation_of_id", "module__region_id", "language")
        .distinct()
    )
    for module_id, root_id, region_id, language in published:
        have.setdefault(root_id or module_id, set()).add(language)
        if root_id is None:
            originals[module_id] = region_id
    return sum(1 for pk, region_id in originals.items() if wanted[region_id] - have[pk])


def author_work(request, user) -> dict | None:
    """A content author's drafts and translations to do; None, and no query, for anyone
    who authors no region's library."""
    region_ids = access.authoring_region_ids(user)
    if not region_ids:
        return None
    drafts = ModuleVersion.objects.filter(
        status=Status.DRAFT, module__region_id__in=region_ids
    ).aggregate(
        modules=Count("pk", filter=Q(module__translation_of__isnull=True)),
        translations=Count("pk", filter=Q(module__translation_of__isnull=False)),
    )
    return {
        "module_drafts": drafts["modules"],
        "translation_drafts": drafts["translations"],
        "programme_drafts": ProgrammeVersion.objects.filter(
            status=Status.DRAFT, programme__region_id__in=region_ids
        ).count(),
        "untranslated": untranslated_count(region_ids),
    }


STAFF_HOME = [
    Section(
        "library_work", _("Your work in the library"), "programs/_home_work.html", 10, author_work
    )
]
