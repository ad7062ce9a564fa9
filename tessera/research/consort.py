"""The CONSORT flow of a study, counted from the data, and drawn as SVG.

Boxes (CONSORT 2010, Schulz KF, Altman DG, Moher D. BMJ 2010;340:c332, figure 1):
assessed for eligibility → excluded (with reasons) → randomised → allocated per arm →
received the allocated intervention (treatment started in the episode) → lost to
follow-up / discontinued (with reasons; a withdrawal counts as discontinued) → analysed
(the allocated, less those who asked to be removed from exports).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tessera.instruments.time_points import TimePoint

from .models import Participant, ResearchMeasure, Study


@dataclass
class ArmFlow:
    code: str
    label: str
    allocated: int = 0
    received: int = 0
    lost: int = 0
    discontinued: int = 0
    withdrawn: int = 0
    analysed: int = 0


@dataclass
class Flow:
    assessed: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    pending: int = 0
    randomised: int = 0
    arms: list[ArmFlow] = field(default_factory=list)

    @property
    def excluded_total(self) -> int:
        return sum(self.excluded.values())


def flow(study: Study) -> Flow:
    """Two queries, whatever the number of participants."""
    rows = Participant.objects.filter(study=study)
    overall = rows.aggregate(
        assessed=Count("pk"),
        randomised=Count("pk", filter=Q(randomised_at__isnull=False)),
        pending=Count("pk", filter=Q(randomised_at__isnull=True, excluded_at__isnull=True)),
    )
    result = Flow(overall["assessed"], {}, overall["pending"], overall["randomised"])
    labels = dict(Participant.Exclusion.choices)
    for code, n in (
        rows.filter(excluded_at__isnull=False, randomised_at__isnull=True)
        .values_list("exclusion")
        .annotate(n=Count("pk"))
        .order_by("exclusion")
    ):
        result.excluded[str(labels.get(code, code))] = n
    per_arm = (
        rows.filter(randomised_at__isnull=False)
        .values("arm")
        .annotate(
            allocated=Count("pk"),
            received=Count("pk", filter=Q(episode__started_on__isnull=False)),
            lost=Count("pk", filter=Q(discontinuation=Participant.Discontinuation.LOST)),
            discontinued=Count(
                "pk", filter=Q(discontinuation=Participant.Discontinuation.DISCONTINUED)
            ),
            withdrawn=Count("pk", filter=Q(withdrawn_at__isnull=False)),
            removed=Count("pk", filter=Q(withdrawal=Participant.Withdrawal.REMOVE_FROM_EXPORTS)),
        )
    )
    counts = {row["arm"]: row for row in per_arm}
    for arm in study.arms.order_by("code"):
        row = counts.get(arm.pk, {})
        allocated = row.get("allocated", 0)
        result.arms.append(
            ArmFlow(
                arm.code,
                arm.label,
                allocated,
                row.get("received", 0),
                row.get("lost", 0),
                row.get("discontinued", 0),
                row.get("withdrawn", 0),
                allocated - row.get("removed", 0),
            )
        )
    return result


@dataclass
class Completion:
    """One research measure in one arm: occasions due by now, and how many answered."""

    arm: str
    instrument: str
    time_point: str
    due: int
    answered: int

    @property
    def time_point_label(self) -> str:
        """The time point in words of the active language (the code if unknown)."""
        try:
            return str(TimePoint(self.time_point).label)
        except ValueError:
            return self.time_point

    @property
    def percent(self) -> int | None:
        return round(100 * self.answered / self.due) if self.due else None


def completion(study: Study, now=None) -> list[Completion]:
    """Completion of the research measures per arm, counting occasions already due (and
    not cancelled by a withdrawal). One query."""
    now = now or timezone.now()
    rows = (
        ResearchMeasure.objects.filter(participant__study=study, due__due_at__lte=now)
        .exclude(due__cancelled=True, due__completed_at__isnull=True)
        .values("participant__arm__label", "measure__instrument", "measure__time_point")
        .annotate(
            n_due=Count("pk"), n_answered=Count("pk", filter=Q(due__completed_at__isnull=False))
        )
        .order_by(
            "measure__days_after_randomisation", "measure__instrument", "participant__arm__label"
        )
    )
    return [
        Completion(
            r["participant__arm__label"],
            r["measure__instrument"],
            r["measure__time_point"],
            r["n_due"],
            r["n_answered"],
        )
        for r in rows
    ]


BOX_W, BOX_H, GAP = 260, 64, 36


def _box(x: int, y: int, lines: list[str]) -> str:
    text = "".join(
        f'<text x="{x + 10}" y="{y + 22 + 18 * i}" font-size="14">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    return (
        f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" fill="#fff" '
        f'stroke="#1a1a1a" stroke-width="1.5"/>{text}'
    )


def _arrow(x1: int, y1: int, x2: int, y2: int) -> str:
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#1a1a1a" '
        f'stroke-width="1.5" marker-end="url(#arrow)"/>'
    )


def svg(result: Flow) -> str:
    """The diagram as an SVG element (no script, no inline style: it passes the CSP).
    The table beside it on the page carries the same numbers for screen readers."""
    arms = result.arms or [ArmFlow("", "")]
    width = max(2 * BOX_W + GAP * 3, len(arms) * (BOX_W + GAP) + GAP)
    centre = width // 2 - BOX_W // 2
    parts = [
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#1a1a1a"/>'
        "</marker></defs>"
    ]
    y = GAP // 2
    parts.append(_box(centre, y, [_("Assessed for eligibility"), f"n = {result.assessed}"]))
    excluded = ", ".join(f"{k}: {v}" for k, v in result.excluded.items())
    ex_x = centre + BOX_W + GAP
    if ex_x + BOX_W > width:
        ex_x = width - BOX_W - 4
    parts.append(_box(ex_x, y + BOX_H + GAP // 2, [_("Excluded"), f"n = {result.excluded_total}"]))
    if excluded:
        parts.append(
            f'<text x="{ex_x}" y="{y + 2 * BOX_H + GAP // 2 + 16}" font-size="12">'
            f"{escape(excluded)}</text>"
        )
    parts.append(
        _arrow(centre + BOX_W // 2, y + BOX_H, centre + BOX_W // 2, y + 2 * BOX_H + 2 * GAP)
    )
    y += 2 * BOX_H + 2 * GAP
    parts.append(_box(centre, y, [_("Randomised"), f"n = {result.randomised}"]))
    rows = [
        (_("Allocated"), "allocated"),
        (_("Received intervention"), "received"),
        (_("Lost to follow-up"), "lost"),
        (_("Discontinued or withdrew"), None),
        (_("Analysed"), "analysed"),
    ]
    top = y + BOX_H + GAP
    for i, arm in enumerate(arms):
        x = GAP + i * (BOX_W + GAP)
        parts.append(_arrow(centre + BOX_W // 2, y + BOX_H, x + BOX_W // 2, top))
        for j, (label, attr) in enumerate(rows):
            value = getattr(arm, attr) if attr else arm.discontinued + arm.withdrawn
            by = top + j * (BOX_H + GAP // 2)
            parts.append(_box(x, by, [f"{label}: {arm.label}", f"n = {value}"]))
            if j:
                parts.append(_arrow(x + BOX_W // 2, by - GAP // 2, x + BOX_W // 2, by))
    height = top + len(rows) * (BOX_H + GAP // 2) + GAP
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="consort-title">'
        f'<title id="consort-title">{escape(_("CONSORT flow diagram"))}</title>'
        + "".join(parts)
        + "</svg>"
    )
