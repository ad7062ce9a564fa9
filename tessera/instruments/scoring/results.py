"""What the engine returns. Plain frozen dataclasses, safe to store as JSON via to_dict()."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import IncompleteAnswersError
from .model import LocalText

Score = int | float


@dataclass(frozen=True)
class BandResult:
    code: str
    label: LocalText
    source: str

    def label_in(self, lang: str) -> str | None:
        return self.label.get(lang)


@dataclass(frozen=True)
class SubscaleResult:
    code: str
    score: Score | None
    min: int
    max: int
    band: BandResult | None


@dataclass(frozen=True)
class RiskFlag:
    code: str
    value: Score
    threshold: int
    severity: str
    label: LocalText
    source: str
    item: int | None = None
    scale: str | None = None
    overridden: bool = False  # the clinic changed the published threshold
    acknowledge_within_hours: int | None = None  # the rule's own window, if it has one


@dataclass(frozen=True)
class ClusterCount:
    code: str
    count: int
    required: int
    met: bool


@dataclass(frozen=True)
class CriterionResult:
    code: str
    met: bool | None  # None when an item it needs is unanswered
    clusters: tuple[ClusterCount, ...]
    source: str


@dataclass(frozen=True)
class ScoreResult:
    instrument: str
    version: str
    total: Score | None  # None when the missing-answer rule refused to score
    min_total: int
    max_total: int  # lower than the published maximum when an optional item was left out
    band: BandResult | None
    subscales: Mapping[str, SubscaleResult]
    risk_flags: tuple[RiskFlag, ...]
    caseness: Mapping[str, bool]
    criteria: Mapping[str, CriterionResult]
    missing_items: tuple[int, ...]  # scored items with no answer, before any rule
    missing_handling: tuple[
        str, ...
    ]  # "skip_rule", "optional_item_excluded", "prorated", "refused"
    imputed: Mapping[int, int]  # items filled in by a skip rule, with the value used
    notes: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return self.total is not None

    @property
    def prorated(self) -> bool:
        return "prorated" in self.missing_handling

    def require_complete(self) -> ScoreResult:
        """Return self, or raise IncompleteAnswersError (which still carries the risk flags)."""
        if self.total is None:
            raise IncompleteAnswersError(
                "; ".join(self.notes) or "incomplete answers",
                self.missing_items,
                self.risk_flags,
            )
        return self

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, for storing beside the response or printing."""

        def band(b: BandResult | None) -> dict[str, Any] | None:
            return None if b is None else {"code": b.code, "label": dict(b.label)}

        return {
            "instrument": self.instrument,
            "version": self.version,
            "total": self.total,
            "min_total": self.min_total,
            "max_total": self.max_total,
            "band": band(self.band),
            "subscales": {
                code: {"score": s.score, "min": s.min, "max": s.max, "band": band(s.band)}
                for code, s in self.subscales.items()
            },
            "risk_flags": [
                {
                    "code": f.code,
                    "item": f.item,
                    "scale": f.scale,
                    "value": f.value,
                    "threshold": f.threshold,
                    "severity": f.severity,
                    "overridden": f.overridden,
                }
                for f in self.risk_flags
            ],
            "caseness": dict(self.caseness),
            "criteria": {
                code: {
                    "met": c.met,
                    "clusters": {k.code: [k.count, k.required] for k in c.clusters},
                }
                for code, c in self.criteria.items()
            },
            "missing_items": list(self.missing_items),
            "missing_handling": list(self.missing_handling),
            "imputed": {str(k): v for k, v in self.imputed.items()},
            "notes": list(self.notes),
        }
