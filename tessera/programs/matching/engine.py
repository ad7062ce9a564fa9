"""Programme matching: from a screening to ranked programme suggestions, in words.

Pure Python, no Django (texts go through ``text._``, which asks Django's gettext only
when Django is set up). ``match(screening, candidates)`` returns ``Suggestions``: a list
of ``Suggestion``, best first, with ``summary``, one sentence for the triage queue.

Ranking (docs/matching.md):

1. Programmes whose rules the screening meets come first; those it does not meet last,
   each with the reasons why not.
2. Among those that fit: programmes for a problem area the screening points to (an
   instrument of that area at or above its threshold, areas.py), the most severe first,
   severity being the score's place in the programme's range for it (or the
   instrument's whole range when the rules give none).
3. Then transdiagnostic programmes, when two or more problem areas show up.
4. Then the rest that fit the rules but that nothing in the screening points to.

Ties go by title and key, so the order never depends on the order of the input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tessera.instruments.scoring import normalise_code

from . import areas
from .checks import Finding, check_rules
from .rules import read_rules
from .text import _, join_or, show_number

FITS_INDICATED, FITS_TRANSDIAGNOSTIC, FITS_OTHER, DOES_NOT_FIT = range(4)


@dataclass(frozen=True)
class Score:
    """One questionnaire of the screening: its total (None when it could not be scored)
    and its band in words ("moderate")."""

    instrument: str
    total: float | None
    band: str = ""


@dataclass(frozen=True)
class ScreeningSummary:
    age: int | None
    language: str | None
    scores: tuple[Score, ...] = ()
    risk_flags: tuple[str, ...] = ()  # instruments with a risk answer ("PHQ-9")
    audit_zone: int | None = None  # 1-4; worked out from an AUDIT score when not given
    # A clinician's assessment of the risk ("low", "moderate", "high"), None until there
    # is one. A risk answer is a question for that assessment, not an exclusion: only a
    # risk assessed as high rules out a programme that excludes "high_risk" (CLINICAL.md
    # §5: a positive item 9 calls for further assessment, not exclusion from treatment).
    assessed_risk: str | None = None

    def score(self, instrument: str) -> Score | None:
        wanted = normalise_code(instrument)
        for score in self.scores:
            if normalise_code(score.instrument) == wanted:
                return score
        return None

    @property
    def high_risk(self) -> bool:
        """A risk assessed as high by a clinician (not a risk answer alone)."""
        return self.assessed_risk == "high"

    @property
    def needs_risk_assessment(self) -> bool:
        """A risk answer that no clinician has assessed yet."""
        return bool(self.risk_flags) and self.assessed_risk is None

    @property
    def zone(self) -> int | None:
        if self.audit_zone is not None:
            return self.audit_zone
        audit = self.score(areas.AUDIT)
        if audit is None or audit.total is None:
            return None
        return areas.audit_zone(audit.total)


@dataclass(frozen=True)
class Candidate:
    """A programme offered at the clinic, with the rules that hold there. ``ref`` is
    passed through untouched (the glue puts the programme version there)."""

    key: str
    title: str
    problem_area: str
    languages: tuple[str, ...]
    rules: Any
    ref: Any = None


@dataclass(frozen=True)
class Suggestion:
    key: str
    title: str
    problem_area: str
    tier: int
    severity: float | None
    reasons: tuple[Finding, ...]  # why it is suggested, or fits
    problems: tuple[Finding, ...]  # why it does not fit (empty when it fits)
    to_check: tuple[Finding, ...]  # what the screening could not settle
    ref: Any = None

    @property
    def fits(self) -> bool:
        return self.tier != DOES_NOT_FIT

    @property
    def suggested(self) -> bool:
        return self.tier in (FITS_INDICATED, FITS_TRANSDIAGNOSTIC)


class Suggestions(list):
    """The ranked suggestions, with the summary sentence and the screening line."""

    def __init__(
        self,
        items: Iterable[Suggestion] = (),
        *,
        summary: str = "",
        screening="",
        needs_risk_assessment: bool = False,
    ):
        super().__init__(items)
        self.summary = summary
        self.screening = screening
        self.needs_risk_assessment = needs_risk_assessment

    @property
    def nothing_fits(self) -> bool:
        return not any(s.fits for s in self)


def age_on(born: date | None, day: date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def indicated_areas(screening: ScreeningSummary) -> dict[str, list[Score]]:
    """{problem area: the scores that point to it}, for scores at their threshold."""
    found: dict[str, list[Score]] = {}
    for score in screening.scores:
        measure = areas.measure(score.instrument)
        if measure and score.total is not None and score.total >= measure[1]:
            found.setdefault(measure[0], []).append(score)
    return found


def _relative(score: Score, rules) -> float | None:
    """Where a total lies in the programme's range for it (0 at its lowest, 1 at its
    highest); the instrument's whole range fills in a missing end."""
    whole = areas.full_range(score.instrument) or (None, None)
    rule = next(
        (
            r
            for r in rules.scores
            if normalise_code(r.instrument) == normalise_code(score.instrument)
        ),
        None,
    )
    low = rule.min if rule and rule.min is not None else whole[0]
    high = rule.max if rule and rule.max is not None else whole[1]
    if low is None or high is None or high <= low or score.total is None:
        return None
    return max(0.0, min(1.0, (score.total - low) / (high - low)))


def _points_to(score: Score, area: str) -> Finding:
    band = f" ({score.band})" if score.band else ""
    return Finding(
        "points_to_area",
        lambda: (
            _("%(instrument)s %(total)s%(band)s points to %(area)s.")
            % {
                "instrument": score.instrument,
                "total": show_number(score.total),
                "band": band,
                "area": areas.area_label(area),
            }
        ),
    )


def _rank(candidate: Candidate, screening: ScreeningSummary, indicated) -> Suggestion:
    rules = read_rules(candidate.rules)
    reasons, problems, to_check = check_rules(candidate, rules, screening)
    reasons = list(reasons)
    severity = None
    if problems:
        tier = DOES_NOT_FIT
    elif candidate.problem_area in indicated:
        tier = FITS_INDICATED
        scores = indicated[candidate.problem_area]
        severity = max((_relative(s, rules) or 0.0) for s in scores)
        reasons = [_points_to(s, candidate.problem_area) for s in scores] + reasons
    elif candidate.problem_area == areas.TRANSDIAGNOSTIC and len(indicated) >= 2:
        tier = FITS_TRANSDIAGNOSTIC
        scores = [s for found in indicated.values() for s in found]
        severity = max((_relative(s, rules) or 0.0) for s in scores)
        reasons.insert(
            0,
            Finding(
                "several_areas",
                lambda: (
                    _("More than one problem area shows up: %(areas)s.")
                    % {"areas": ", ".join(areas.area_label(a) for a in sorted(indicated))}
                ),
            ),
        )
    else:
        tier = FITS_OTHER
        reasons.insert(
            0,
            Finding(
                "fits_rules_only",
                lambda: (
                    _("Fits the rules, but nothing in the screening points to %(area)s.")
                    % {"area": areas.area_label(candidate.problem_area)}
                ),
            ),
        )
    return Suggestion(
        key=candidate.key,
        title=candidate.title,
        problem_area=candidate.problem_area,
        tier=tier,
        severity=severity,
        reasons=tuple(reasons) if tier != DOES_NOT_FIT else (),
        problems=tuple(problems),
        to_check=tuple(to_check),
        ref=candidate.ref,
    )


def screening_line(screening: ScreeningSummary) -> str:
    parts = []
    for score in screening.scores:
        total = _("not scored") if score.total is None else show_number(score.total)
        band = f", {score.band}" if score.band and score.total is not None else ""
        parts.append(f"{score.instrument} {total}{band}")
    if screening.risk_flags:
        parts.append(
            _("a risk answer (%(instruments)s)") % {"instruments": ", ".join(screening.risk_flags)}
        )
    if screening.assessed_risk:
        level = risk_word(screening.assessed_risk)
        parts.append(_("risk assessed as %(level)s") % {"level": level})
    return "; ".join(parts) if parts else _("no screening scores")


def risk_word(level: str) -> str:
    return {"low": _("low"), "moderate": _("moderate"), "high": _("high")}.get(level, level)


def _tail(ranked: list[Suggestion]) -> str:
    suggested = [s for s in ranked if s.suggested]
    if suggested:
        names: list[str] = []
        for s in suggested:
            label = areas.area_label(s.problem_area)
            if label not in names:
                names.append(label)
        return _("suggest %(names)s") % {"names": join_or(names)}
    fitting = [s for s in ranked if s.fits]
    if fitting:
        return _("the scores point to no programme; these fit the rules: %(titles)s") % {
            "titles": ", ".join(s.title for s in fitting)
        }
    return _nothing_fits(ranked)


def _nothing_fits(ranked: list[Suggestion]) -> str:
    if not ranked:
        return _("nothing fits: the clinic offers no published programme")
    shared = set.intersection(*({p.text for p in s.problems} for s in ranked))
    if shared:
        text = next(p.text for p in ranked[0].problems if p.text in shared)
        return _("nothing fits, for every programme: %(reason)s") % {"reason": _plain(text)}
    each = "; ".join(f"{s.title}: {_plain(s.problems[0].text)}" for s in ranked)
    return _("nothing fits: %(reasons)s") % {"reasons": each}


def _plain(text: str) -> str:
    """A sentence as part of another: no full stop, no capital unless an acronym."""
    text = text.rstrip(".")
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _order(s: Suggestion) -> tuple:
    return (s.tier, -(s.severity or 0.0), s.title, s.key)


def match(screening: ScreeningSummary, candidates: Iterable[Candidate]) -> Suggestions:
    """Every candidate, ranked, with the reasons in words and a summary sentence."""
    indicated = indicated_areas(screening)
    ranked = sorted((_rank(c, screening, indicated) for c in candidates), key=_order)
    line = screening_line(screening)
    tail = _tail(ranked)
    if screening.needs_risk_assessment:
        tail = _("needs a risk assessment before a programme is chosen; then %(rest)s") % {
            "rest": tail
        }
    return Suggestions(
        ranked,
        summary=f"{line}; {tail}",
        screening=line,
        needs_risk_assessment=screening.needs_risk_assessment,
    )


def summary_from(
    *,
    age: int | None,
    language: str | None,
    scores: Iterable[Mapping[str, Any] | Score] = (),
    risk_flags: Iterable[str] = (),
    assessed_risk: str | None = None,
) -> ScreeningSummary:
    """A ScreeningSummary from plain values (dicts with instrument, total, band)."""
    built = tuple(
        s if isinstance(s, Score) else Score(s["instrument"], s.get("total"), s.get("band", ""))
        for s in scores
    )
    return ScreeningSummary(
        age, language, built, tuple(dict.fromkeys(risk_flags)), assessed_risk=assessed_risk
    )
