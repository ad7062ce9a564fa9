"""Each measure's latest score for a set of episodes, with its band, the trend against
the previous score and the reliable change since the "before treatment" score.

Shared by the caseload (``inbox.caseload``) and the supervision pages (``consultation``):
one query for any number of episodes (``latest_scores``). The template
``treatment_tags.latest_scores_list`` draws one episode's list.

Reliable change is the instrument's own rule (``instruments.scoring.reliable_change_for``:
Jacobson & Truax 1991 RCI, or the points rule its definition cites), from the "before
treatment" score when there is one (``baseline``), else the first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tessera.core.id_lists import in_ids, rows_for_ids
from tessera.instruments.scoring import (
    UnknownInstrumentError,
    load_definition,
    reliable_change_for,
)

from .models import DueMeasure, Response

UP, DOWN, SAME = "up", "down", "same"
NONE_ON_FILE = "none_on_file"
TREND_SIGNS = {UP: "↑", DOWN: "↓", SAME: "→"}
TREND_WORDS = {UP: _("rising"), DOWN: _("falling"), SAME: _("unchanged")}
CHANGE_WORDS = {
    "improved": _("reliable improvement"),
    "deteriorated": _("reliable deterioration"),
    "no_reliable_change": _("no reliable change"),
    # The instrument's definition gives no reliable-change value, and says why in its
    # reliable_change_note (e.g. MADRS-S): said, never left blank (issue 12, point 5).
    NONE_ON_FILE: _("no reliable-change value on file"),
}


@dataclass
class Score:
    code: str
    total: int
    band: str  # the band's label in the page's language, "" when none
    at: dt.datetime
    trend: str = ""  # against the previous score: UP, DOWN or SAME; "" for a first score
    previous: int | None = None
    baseline: int | None = None
    # "improved", "deteriorated", "no_reliable_change"; NONE_ON_FILE when the instrument
    # has no reliable-change value; "" for a first score
    change: str = ""

    @property
    def trend_sign(self) -> str:
        return TREND_SIGNS.get(self.trend, "")

    @property
    def trend_word(self):
        return TREND_WORDS.get(self.trend, "")

    @property
    def change_word(self):
        return CHANGE_WORDS.get(self.change, "")


def baseline(scores):
    """The "before treatment" score when there is one, else the first."""
    for response in scores:
        if hasattr(response, "pre_rank"):  # annotated (``deteriorations``): no due row read
            if response.pre_rank == 0:
                return response
        elif response.due is not None and response.due.time_point == "pre":
            return response
    return scores[0]


def _language() -> str:
    return (get_language() or "en")[:2]


def band_label(definition, code: str, language: str) -> str:
    if not code or not definition.bands:
        return ""
    for band in definition.bands.ranges:
        if band.code == code:
            return band.label.get(language) or band.label.get("en") or band.code
    return code


def _responses(episode_ids, ids_list: bool = True):
    """The episodes' answers with a score, as tuples in the order of their series, each
    marked 0 when it answered the "before treatment" due (the baseline).

    Which answers are "before treatment": the episodes' "pre" dues read once, from
    their partial index (``due_pre_by_episode``), not each answer's due row by its key, a
    level deeper as the country's dues grew (issue 16: the caseload page read 1,029
    pages for it at 1,000 patients; supervision 27 → 36 at 100,000). Plain tuples, not
    model instances: a caseload of thirty reads some three hundred answers and keeps
    three of each series (issue 16: CPU per request)."""
    among = in_ids("episode", episode_ids) if ids_list else Q(episode__in=episode_ids)
    pre = DueMeasure.objects.filter(among, time_point="pre").values("pk")
    return (
        Response.objects.filter(among, total__isnull=False)
        .annotate(
            pre_rank=Case(
                When(due_id__in=pre, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("episode_id", "instrument", "submitted_at", "id")
        .values_list("episode_id", "instrument", "id", "total", "band", "submitted_at", "pre_rank")
    )


def latest_scores(episode_ids, language: str | None = None) -> dict[int, list[Score]]:
    """Per episode id, each measure's latest score, sorted by instrument code (one query;
    ``episode_ids`` a list or a values("pk") queryset)."""
    language = language or _language()
    # Which answers are "before treatment" (the baseline): the episodes' "pre" dues read
    # once, from their partial index (``due_pre_by_episode``), not each answer's due
    # row by its key, a level deeper as the country's dues grew (issue 16: the caseload
    # page read 1,029 pages for it at 1,000 patients; supervision 27 → 36 at 100,000).
    if isinstance(episode_ids, list | tuple):
        # The SQL built once per process, run with the next list (``rows_for_ids``).
        responses = rows_for_ids("latest_scores.responses", _responses, episode_ids)
    else:
        responses = _responses(episode_ids, ids_list=False)
    series: dict[tuple[int, str], list] = defaultdict(list)
    for row in responses:
        series[(row[0], row[1])].append(row)
    definitions: dict[str, object] = {}
    found: dict[int, list[Score]] = defaultdict(list)
    for (episode_id, code), answers in series.items():
        _, _, latest_id, total, band, at, _ = answers[-1]
        if code not in definitions:
            try:
                definitions[code] = load_definition(code)
            except UnknownInstrumentError:
                definitions[code] = None
        definition = definitions[code]
        score = Score(
            code=definition.code if definition else code,
            total=total,
            band=band_label(definition, band, language) if definition else "",
            at=at,
        )
        if len(answers) > 1:
            previous = answers[-2][3]
            score.previous = previous
            score.trend = UP if total > previous else DOWN if total < previous else SAME
            # The "before treatment" answer when there is one, else the first (as
            # ``baseline``).
            first = next((answer for answer in answers if answer[6] == 0), answers[0])
            if first[2] != latest_id and definition is not None:
                score.baseline = first[3]
                change = reliable_change_for(definition, first[3], total)
                score.change = change.direction if change else NONE_ON_FILE
        found[episode_id].append(score)
    for scores in found.values():
        scores.sort(key=lambda s: s.code)
    return found
