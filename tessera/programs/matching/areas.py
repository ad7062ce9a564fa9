"""Which questionnaire points to which problem area, and from which score.

Pure data and lookups, no Django. An instrument "points to" its problem area when its
total reaches the threshold named here; the number itself is read from the instrument's
definition file (tessera/instruments/definitions/), where its source is written beside
it, so a cut-off lives in one place only.

Sources for the pairing of measure and problem area: NHS Talking Therapies manual
(problem-specific anxiety measures where one is set, GAD-7 otherwise; CLINICAL.md §2 ✓);
PHQ-9 for depression (Kroenke 2001 ✓); MADRS-S for depression (Svanborg & Åsberg 1994 ✓);
ISI for insomnia (Bastien 2001; Morin 2011); PDSS-SR for panic (Shear 2001); LSAS-SR for
social anxiety (Rytwinski 2009); PCL-5 for PTSD (Bovin 2016). SPIN and IES-R, which the
manual names for social anxiety and PTSD, are not shipped; LSAS-SR and PCL-5 stand in.
"""

from __future__ import annotations

from functools import cache

from tessera.instruments.scoring import UnknownInstrumentError, load_definition, normalise_code
from tessera.instruments.scoring.bands import find_band

from .text import _, pgettext

# instrument code: (problem area, ("caseness", rule code) or ("band", band code))
AREA_MEASURES: dict[str, tuple[str, tuple[str, str]]] = {
    "PHQ-9": ("depression", ("caseness", "phq9_at_least_10")),
    "MADRS-S": ("depression", ("band", "mild")),
    "GAD-7": ("worry", ("caseness", "gad7_at_least_10")),
    "PDSS-SR": ("panic", ("caseness", "pdsssr_at_least_9")),
    "ISI": ("insomnia", ("caseness", "isi_at_least_10")),
    "LSAS-SR": ("social_anxiety", ("caseness", "lsassr_at_least_30")),
    "PCL-5": ("ptsd", ("caseness", "pcl5_provisional_ptsd")),
}
TRANSDIAGNOSTIC = "transdiagnostic"

# AUDIT zones by their band codes in audit.json (WHO, Babor 2001: I 0-7, II 8-15,
# III 16-19, IV 20-40; CLINICAL.md §1 ✓).
AUDIT = "AUDIT"
AUDIT_ZONES = {"zone_1": 1, "zone_2": 2, "zone_3": 3, "zone_4": 4}


def area_label(area: str) -> str:
    labels = {
        "depression": _("depression"),
        "panic": _("panic disorder"),
        "insomnia": _("insomnia"),
        "social_anxiety": _("social anxiety"),
        "worry": _("worry and generalised anxiety"),
        "ptsd": _("post-traumatic stress"),
        "agoraphobia": _("agoraphobia"),
        "health_anxiety": _("health anxiety"),
        "ocd": _("obsessive-compulsive disorder"),
        "transdiagnostic": _("a transdiagnostic plan"),
        "other": _("other"),
    }
    return labels.get(area, area)


def language_name(code: str, *, in_sentence: bool = False) -> str:
    """The language's name; in_sentence: as it is written inside a sentence ("only in
    engelska" in Swedish, "alleen in het Engels" in Dutch)."""
    if in_sentence:
        names = {
            "en": pgettext("language inside a sentence", "English"),
            "sv": pgettext("language inside a sentence", "Swedish"),
            "nb": pgettext("language inside a sentence", "Norwegian"),
            "da": pgettext("language inside a sentence", "Danish"),
            "nl": pgettext("language inside a sentence", "Dutch"),
        }
        return names.get(code, code)
    names = {
        "en": _("English"),
        "sv": _("Swedish"),
        "nb": _("Norwegian"),
        "da": _("Danish"),
        "nl": _("Dutch"),
    }
    return names.get(code, code)


@cache
def _measures() -> dict[str, tuple[str, float]]:
    """{normalised code: (area, threshold)} for the instruments shipped."""
    found = {}
    for code, (area, (kind, name)) in AREA_MEASURES.items():
        definition = load_definition(code)
        if kind == "caseness":
            threshold = next(c.at_least for c in definition.caseness if c.code == name)
        else:
            threshold = next(b.min for b in definition.bands.ranges if b.code == name)
        found[normalise_code(code)] = (area, threshold)
    return found


def measure(code: str) -> tuple[str, float] | None:
    """(problem area, threshold) for an instrument that points to an area, else None."""
    return _measures().get(normalise_code(code))


@cache
def full_range(code: str) -> tuple[float, float] | None:
    """The lowest and highest total of a shipped instrument; None for one we do not ship."""
    try:
        definition = load_definition(code)
    except UnknownInstrumentError:
        return None
    return float(definition.min_total), float(definition.max_total)


@cache
def audit_zone(total: float) -> int | None:
    """The AUDIT zone (1-4) of a total, from the bands in audit.json."""
    band = find_band(load_definition(AUDIT).bands, total)
    return AUDIT_ZONES.get(band.code) if band else None
