"""A programme's primary measure, and the outcome rules a clinic can choose for it.

Pure Python, no Django. Sources are given beside each rule; marks as in CLINICAL.md
(✓ confirmed in the source, ~ secondary or partial).

The primary measure is the disorder-specific questionnaire a programme's outcome is read
on. A programme names its problem area, and the area gives the default measure
(``PRIMARY_BY_PROBLEM``); staff may choose another when building the programme.

A clinic reads outcomes by one of two rules (``Clinic.outcome_rule``):

- ``national``: the NHS Talking Therapies rules (caseness, recovery, reliable change on
  PHQ-9 paired with the problem's anxiety measure; ``talking_therapies.py``), and, for the
  primary measure, its caseness cut-off and reliable-change value where its definition
  has them.
- ``swedish``: Internetpsykiatri Stockholm's reporting rule, reported to SibeR:
  "substantially improved" (avsevärt förbättrad) is a fall from the first score of at
  least 40 % (depression: MADRS-S; insomnia: ISI; panic: PDSS-SR) or 30 % (health
  anxiety: SHAI; IBS: GSRS-IBS; social anxiety: LSAS-SR). CLINICAL.md §2: ✓ for the
  percentages, ~ for the instrument per condition. A measure the rule does not name
  (PHQ-9, GAD-7 ...) gets no Swedish label: the letter shows its scores only.
"""

from __future__ import annotations

from dataclasses import dataclass

from .change import percent_change, reliable_change_for, substantially_improved
from .definitions import load_definition, normalise_code
from .errors import UnknownInstrumentError

NATIONAL = "national"
SWEDISH = "swedish"
OUTCOME_RULES = (NATIONAL, SWEDISH)

_TT = (
    "NHS Talking Therapies manual: the problem-specific measure per problem, Clark 2018 "
    "Table 2 (CLINICAL.md §2 ✓ for the measure per problem)"
)


@dataclass(frozen=True)
class PrimaryMeasure:
    code: str
    source: str


# Problem area (tessera.programs.models.ProblemArea) -> its default primary measure.
PRIMARY_BY_PROBLEM: dict[str, PrimaryMeasure] = {
    # PHQ-9: the national depression measure (NHS Talking Therapies, CLINICAL.md §2 ✓).
    "depression": PrimaryMeasure("PHQ-9", "NHS Talking Therapies: depression PHQ-9 ✓"),
    # PDSS for panic (NHS Talking Therapies ✓); also the Swedish rule's panic measure (~).
    "panic": PrimaryMeasure("PDSS-SR", _TT + "; Internetpsykiatri: panic PDSS-SR ~"),
    # SPIN for social anxiety (NHS Talking Therapies ✓). The Swedish rule uses LSAS-SR,
    # which staff can choose instead.
    "social_anxiety": PrimaryMeasure("SPIN", _TT),
    # GAD-7 for generalised anxiety (NHS Talking Therapies: the default anxiety measure ✓).
    "worry": PrimaryMeasure("GAD-7", "NHS Talking Therapies: GAD-7, the default ✓"),
    # IES-R for PTSD (Clark 2018 Table 2 ✓; whether the current manual uses PCL-5 instead
    # is unconfirmed, CLINICAL.md §2: staff can choose PCL-5).
    "ptsd": PrimaryMeasure("IES-R", _TT + "; PCL-5 may replace it in the current manual ?"),
    # Mobility Inventory (alone) for agoraphobia, the short HAI for health anxiety, the OCI
    # for OCD (NHS Talking Therapies, Clark 2018 Table 2 ✓). Shipped as MI, SHAI (the
    # 18-item short HAI) and OCI-R; all structure only.
    "agoraphobia": PrimaryMeasure("MI", _TT),
    "health_anxiety": PrimaryMeasure("SHAI", _TT + "; also the Swedish rule's measure ~"),
    "ocd": PrimaryMeasure("OCI-R", _TT + " (OCI; the shipped revision is OCI-R)"),
    # ISI for insomnia: the Swedish rule's insomnia measure (Internetpsykiatri, CLINICAL.md
    # §2 ~); ISI bands Bastien 2001 / Morin 2011 (isi.json). Not a national measure.
    "insomnia": PrimaryMeasure("ISI", "Internetpsykiatri Stockholm: insomnia ISI ~"),
    # No single disorder: this service's choice (a house rule, not a published one) of the
    # national depression measure, paired with GAD-7 as the national rules do.
    "transdiagnostic": PrimaryMeasure("PHQ-9", "house rule: PHQ-9 paired with GAD-7"),
    "other": PrimaryMeasure("PHQ-9", "house rule: PHQ-9 paired with GAD-7"),
}

# The Swedish rule, per instrument (CLINICAL.md §2: percentages ✓, instrument per
# condition ~). GSRS-IBS is not shipped as a definition; its row is kept for clinics that
# enter it as a structure-only instrument later.
SWEDISH_PERCENT: dict[str, float] = {
    "MADRS-S": 40.0,  # depression
    "ISI": 40.0,  # insomnia
    "PDSS-SR": 40.0,  # panic
    "SHAI": 30.0,  # health anxiety
    "GSRS-IBS": 30.0,  # IBS
    "LSAS-SR": 30.0,  # social anxiety
}
SWEDISH_SOURCE = (
    "Internetpsykiatri Stockholm's reporting rule to SibeR (CLINICAL.md §2: 40 %/30 % ✓, "
    "instrument per condition ~)"
)

# Which caseness rule of a definition counts for outcomes: the national one where the
# definition has one (its code ends so), else its first.
_NATIONAL_SUFFIX = "_talking_therapies"


def default_primary(problem_area: str | None) -> str:
    """The default primary measure's code for a problem area ("" for an unknown area)."""
    found = PRIMARY_BY_PROBLEM.get(problem_area or "")
    return found.code if found else ""


def primary_for(problem_area: str | None, chosen: str = "") -> str:
    """The programme's primary measure: the one staff chose, else the area's default."""
    return chosen or default_primary(problem_area)


def swedish_percent(code: str) -> float | None:
    """The Swedish rule's threshold for a measure, or None where the rule names none."""
    wanted = normalise_code(code)
    for name, percent in SWEDISH_PERCENT.items():
        if normalise_code(name) == wanted:
            return percent
    return None


@dataclass(frozen=True)
class PrimaryOutcome:
    """One course on its primary measure, labelled by the clinic's rule.

    Labels are None where the rule does not apply (no cut-off, no reliable-change value,
    no Swedish threshold for the measure, or a first score of 0)."""

    code: str
    rule: str
    first: float
    last: float
    percent_change: float | None  # negative = fell
    caseness_first: bool | None
    caseness_last: bool | None
    cutoff: float | None
    reliable_change: str | None  # "improved" | "deteriorated" | "no_reliable_change"
    swedish_percent: float | None
    substantially_improved: bool | None

    @property
    def fall_percent(self) -> int | None:
        """The fall from the first score in whole percent (negative: a rise)."""
        return None if self.percent_change is None else round(-self.percent_change)

    @property
    def has_label(self) -> bool:
        if self.rule == SWEDISH:
            return self.substantially_improved is not None
        return self.caseness_first is not None or self.reliable_change is not None


def cutoff_for(code: str) -> float | None:
    """The caseness cut-off used for outcomes: the definition's national one, else its
    first (each with its source in the definition file); None if it has none."""
    try:
        definition = load_definition(code)
    except UnknownInstrumentError:
        return None
    rules = list(definition.caseness)
    national = [r for r in rules if r.code.endswith(_NATIONAL_SUFFIX)]
    chosen = (national or rules or [None])[0]
    return None if chosen is None else float(chosen.at_least)


def primary_outcome(
    code: str, first: float, last: float, *, rule: str = NATIONAL
) -> PrimaryOutcome:
    """Label a course on its primary measure by ``rule`` (national or swedish)."""
    if rule not in OUTCOME_RULES:
        raise ValueError(f"unknown outcome rule {rule!r}")
    cutoff = cutoff_for(code)
    try:
        change = reliable_change_for(load_definition(code), first, last)
    except UnknownInstrumentError:
        change = None
    percent = swedish_percent(code)
    return PrimaryOutcome(
        code=code,
        rule=rule,
        first=first,
        last=last,
        percent_change=percent_change(first, last),
        caseness_first=None if cutoff is None else first >= cutoff,
        caseness_last=None if cutoff is None else last >= cutoff,
        cutoff=cutoff,
        reliable_change=change.direction if change else None,
        swedish_percent=percent,
        substantially_improved=(
            None
            if percent is None
            else substantially_improved(first, last, threshold_percent=percent)
        ),
    )
