"""Programmes as the public pages describe them, in plain language."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, partial

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tessera.core.care_words import only_unguided
from tessera.programs.markdown import crisis_for, render
from tessera.programs.matching.areas import language_name
from tessera.programs.models import ProgrammeVersion, Status
from tessera.programs.translations import programme_languages, programme_text


@dataclass
class PublicProgramme:
    key: str
    title: str
    description: SafeString
    professional: SafeString
    who_for: str
    weeks: int
    evidence: str
    care_model: str
    # The language of title and description, and of the rest (the language the programme
    # is written in), for ``lang`` where they differ from the page's.
    text_language: str = ""
    written_language: str = ""
    languages: str = ""


def _who_for(version) -> str:
    rules = version.eligibility or {}
    low, high = rules.get("min_age"), rules.get("max_age")
    if low and high:
        return _("Adults aged %(low)s to %(high)s.") % {"low": low, "high": high}
    if low:
        return _("People aged %(low)s or older.") % {"low": low}
    if high:
        return _("People up to %(high)s years old.") % {"high": high}
    return _("Anyone the clinic assesses as suitable.")


def public_programmes(clinic, language: str) -> list[PublicProgramme]:
    """The newest published version of each programme of the clinic's region, those in
    the reader's language first, each with its title and description in the reader's
    language where it has them (else the clinic's next language). One query."""
    versions = ProgrammeVersion.objects.filter(
        programme__region_id=clinic.region_id, status=Status.PUBLISHED
    ).order_by("programme_id", "-number")
    newest = {}
    for version in versions.select_related("programme"):
        newest.setdefault(version.programme_id, version)
    texts = {v.pk: programme_text(v, language, clinic) for v in newest.values()}
    # a self-help service's page reads the descriptions' self-help blocks (issue 14)
    care_model = "unguided" if only_unguided(clinic) else None
    # a crisis block shows this clinic's contacts (read once, and only if one is there)
    crisis = cache(partial(crisis_for, clinic, language))
    chosen = sorted(
        newest.values(),
        key=lambda v: (language not in programme_languages(v), texts[v.pk].title.lower()),
    )
    return [
        PublicProgramme(
            key=v.programme.key,
            title=texts[v.pk].title,
            description=render(
                texts[v.pk].description_patient, care_model=care_model, crisis=crisis
            ),
            professional=render(v.description_professional, crisis=crisis),
            who_for=_who_for(v),
            weeks=v.weeks,
            evidence=v.evidence,
            care_model=v.get_care_model_display(),
            text_language=texts[v.pk].language,
            written_language=(v.languages or ["en"])[0],
            languages=", ".join(language_name(code) for code in programme_languages(v)),
        )
        for v in chosen
    ]
