"""Content held per language: a module and its translations, a programme's patient text.

A translated module is a module of its own (its own key, versions and steps, so a
patient's worksheet answers stay with the steps they answered) that points at the module
it translates (``Module.translation_of``). A programme pins modules in one language; when
a plan is seeded, each module is swapped for its newest published translation in the
patient's language, or the next language of the clinic's fallback order
(``tessera.core.languages.content_order``). A programme version holds its patient-facing
title and description per language in ``translations``.

Content shown in another language than the page is marked with ``lang`` by the templates
(the module's ``language``; ``ProgrammeText.language``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from tessera.core.languages import content_order
from tessera.core.models import Clinic

from .models import Module, ModuleVersion, Status

PROGRAMME_TEXT_FIELDS = ("title", "description_patient")


def _root_id(module: Module) -> int:
    return module.translation_of_id or module.pk


def _newest_by_module(roots) -> dict[int, ModuleVersion]:
    """The newest published version of each module of the families of ``roots`` (the
    modules themselves and their translations), by module id. One query."""
    roots = list(roots)
    newest: dict[int, ModuleVersion] = {}
    versions = (
        ModuleVersion.objects.filter(status=Status.PUBLISHED)
        .filter(Q(module_id__in=roots) | Q(module__translation_of_id__in=roots))
        .select_related("module")
        .order_by("module_id", "-number")
    )
    for version in versions:
        newest.setdefault(version.module_id, version)
    return newest


def family_versions(module: Module) -> dict[int, ModuleVersion]:
    """The newest published version of the module, the module it translates and each of
    their translations, by module id. One query."""
    return _newest_by_module([_root_id(module)])


def _best(version: ModuleVersion, family, rank: dict[str, int]) -> ModuleVersion:
    chosen, best = version, rank.get(version.language, len(rank))
    for other in family:
        if other.module_id != version.module_id and rank.get(other.language, len(rank)) < best:
            chosen, best = other, rank[other.language]
    return chosen


def module_in_language(version: ModuleVersion, order: list[str]) -> ModuleVersion:
    """The version to give a reader whose languages are ``order`` (best first): the
    pinned version when it is in a language as good as any translation's, else the newest
    published translation in the best language there is."""
    rank = {code: i for i, code in enumerate(order)}
    return _best(version, family_versions(version.module).values(), rank)


def modules_in_language(versions: list[ModuleVersion], language: str | None, clinic):
    """``module_in_language`` for each of the versions, in the patient's content order
    (``content_order``). One query for them all."""
    rank = {code: i for i, code in enumerate(content_order(language, clinic))}
    roots = {v.module_id: _root_id(v.module) for v in versions}
    newest = _newest_by_module(set(roots.values()))
    families: dict[int, list[ModuleVersion]] = {}
    for other in newest.values():
        families.setdefault(_root_id(other.module), []).append(other)
    return [_best(v, families.get(roots[v.module_id], []), rank) for v in versions]


def languages_of(module: Module) -> dict[str, ModuleVersion]:
    """The module's family by language: the newest published version in each."""
    found: dict[str, ModuleVersion] = {}
    for version in family_versions(module).values():
        found.setdefault(version.language, version)
    return found


def missing_languages(have, wanted) -> list[str]:
    """The wanted languages (in their order) that ``have`` lacks."""
    have = set(have)
    return [code for code in dict.fromkeys(wanted) if code not in have]


@dataclass(frozen=True)
class ProgrammeText:
    title: str
    description_patient: str
    language: str


def programme_text(version, language: str | None, clinic=None) -> ProgrammeText:
    """The programme's patient-facing title and description in the reader's language,
    else the clinic's next language that has them, else as written. ``language`` of the
    result is the language the text is in (the programme's first when as written)."""
    written = version.title_language
    translations = version.translations or {}
    for code in content_order(language, clinic):
        if code == written:
            break  # the language the programme is written in: its own text
        text = translations.get(code)
        if text:
            return ProgrammeText(
                text.get("title") or version.title,
                text.get("description_patient") or version.description_patient,
                code,
            )
    return ProgrammeText(version.title, version.description_patient, written)


def programme_languages(version) -> list[str]:
    """The languages the programme's patient text is offered in: its own, then its
    translations'."""
    return list(dict.fromkeys([*(version.languages or []), *(version.translations or {})]))


def region_languages(region) -> list[str]:
    """The languages the region's clinics work in, in the order of settings.LANGUAGES:
    the languages a module or programme should have. One query."""
    used = {
        code
        for languages in Clinic.objects.filter(region=region).values_list("languages", flat=True)
        for code in languages or []
    }
    return [code for code, _name in settings.LANGUAGES if code in used]


@dataclass(frozen=True)
class LanguageRow:
    language: str
    version: ModuleVersion | None  # None: missing


def module_languages(module: Module) -> list[LanguageRow]:
    """For the library: each language the region's clinics work in (and any other the
    module has), with the module's newest published version in it or None when it is
    missing. Two queries."""
    have = languages_of(module)
    wanted = region_languages(module.region)
    codes = list(dict.fromkeys([*wanted, *sorted(have)]))
    return [LanguageRow(code, have.get(code)) for code in codes]
