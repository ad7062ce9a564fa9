"""Writes of translations: a module in another language, started by an author as a draft
copy of the module it translates, or an existing module linked as one; a programme
draft's patient text in another language.

A translation is a module of its own (tessera/programs/translations.py) that points at
the module it translates; it is written, reviewed and published like any module, and
patients get it only once it is published.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tessera.core import audit
from tessera.core.drawn import CHANGED_MEANWHILE, translations_digest
from tessera.core.validation import CONTENT_MAX_LENGTH

from ..models import Module, ModuleVersion, ProgrammeVersion, Status
from .common import _check_language
from .modules import _clean_module_version, _copy_steps
from .programmes import _locked_programme_draft

PROGRAMME_TEXT_LIMITS = {"title": 200, "description_patient": CONTENT_MAX_LENGTH}


def _root(module: Module) -> Module:
    return module.translation_of if module.translation_of_id else module


def _newest(module: Module) -> ModuleVersion | None:
    """The module's latest published version, else its draft."""
    versions = module.versions.order_by("-number")
    return versions.filter(status=Status.PUBLISHED).first() or versions.first()


def family_languages(root: Module) -> dict[str, Module]:
    """The language of each module of the family (the root and its translations, drafts
    included), by language: the language of the module's newest version."""
    found: dict[str, Module] = {}
    for member in [root, *Module.objects.filter(translation_of=root).order_by("pk")]:
        version = _newest(member)
        if version is not None:
            found.setdefault(version.language, member)
    return found


def _free_key(region, base: str) -> str:
    base = slugify(base)[:74] or "module"
    key, n = base, 1
    while Module.objects.filter(region=region, key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key


def _refuse_taken(root: Module, language: str) -> None:
    taken = family_languages(root).get(language)
    if taken is not None:
        raise ValidationError(
            {
                "language": _("This module already has a version in that language (“%(key)s”).")
                % {"key": taken.key}
            }
        )


@transaction.atomic
def do_create_module_translation(module: Module, *, acting_user, language: str) -> Module:
    """A new module translating ``module`` (or the module it translates) into
    ``language``: its first version a draft copying the source's newest version (title,
    summary, steps, worksheet fields) for the author to translate."""
    _check_language(language)
    root = Module.objects.select_for_update(no_key=True).get(pk=_root(module).pk)
    _refuse_taken(root, language)
    source = _newest(root)
    if source is None:
        raise ValidationError(_("The module has no version to translate yet."))
    translation = Module(
        region=root.region,
        key=_free_key(root.region, f"{root.key}-{language}"),
        translation_of=root,
    )
    translation.full_clean()
    translation.save()
    draft = ModuleVersion(
        module=translation,
        number=1,
        title=source.title,
        summary=source.summary,
        language=language,
        estimated_minutes=source.estimated_minutes,
        created_by=acting_user,
    )
    _clean_module_version(draft)
    draft.save()
    _copy_steps(source, draft)
    audit.record_for_clinic(
        "module.translation_started",
        None,
        acting_user,
        translation,
        {"of": root.key, "language": language, "from_version": source.pk, "version": draft.pk},
    )
    return translation


@transaction.atomic
def do_link_module_translation(module: Module, other: Module, *, acting_user) -> Module:
    """Mark ``other`` (a module of the same region, in another language, not part of a
    family yet) as a translation of ``module`` (or of the module it translates)."""
    root = Module.objects.select_for_update(no_key=True).get(pk=_root(module).pk)
    other = Module.objects.select_for_update(no_key=True).get(pk=other.pk)
    if other.region_id != root.region_id:
        raise ValidationError({"other": _("Only a module of the same region can be linked.")})
    if other.pk == root.pk or other.translation_of_id is not None:
        raise ValidationError({"other": _("That module is already part of this family.")})
    if other.translations.exists():
        raise ValidationError(
            {"other": _("That module has translations of its own; link them from it instead.")}
        )
    version = _newest(other)
    if version is None:
        raise ValidationError({"other": _("That module has no version yet.")})
    _refuse_taken(root, version.language)
    Module.objects.filter(pk=other.pk).update(translation_of=root)
    other.translation_of = root
    audit.record_for_clinic(
        "module.translation_linked",
        None,
        acting_user,
        other,
        {"of": root.key, "language": version.language},
    )
    return other


@transaction.atomic
def do_set_programme_translation(
    version: ProgrammeVersion,
    *,
    acting_user,
    language: str,
    title: str,
    description_patient: str,
    drawn: str | None = None,
) -> ProgrammeVersion:
    """Set (or, with both texts empty, remove) a programme draft's patient-facing title
    and description in ``language``. Published with the draft. ``drawn``:
    ``translations_digest`` of the draft's translations as the page drew them; another
    author's save since (any language) is refused (``changed_meanwhile``), compared under
    the draft's row lock; the same texts sent twice are not (decision 0152's follow-up)."""
    _check_language(language)
    version = _locked_programme_draft(version)
    written = (version.languages or ["en"])[0]
    if language == written:
        raise ValidationError(
            {"language": _("The programme is written in this language; edit its own text.")}
        )
    for name, value in (("title", title), ("description_patient", description_patient)):
        if len(value) > PROGRAMME_TEXT_LIMITS[name]:
            raise ValidationError({name: _("This text is too long.")})
    translations = dict(version.translations or {})
    before = language in translations
    if title.strip() or description_patient.strip():
        translations[language] = {
            "title": title.strip(),
            "description_patient": description_patient,
        }
    else:
        translations.pop(language, None)
    now = translations_digest(version.translations)
    if drawn and drawn != now and translations_digest(translations) != now:
        raise ValidationError(CHANGED_MEANWHILE, code="changed_meanwhile")
    version.translations = translations
    version.save(update_fields=["translations"])
    audit.record_for_clinic(
        "programme.translation_changed",
        None,
        acting_user,
        version,
        {"language": language, "before": before, "after": language in translations},
    )
    return version
