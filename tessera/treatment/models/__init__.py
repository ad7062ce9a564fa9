from .diary import DiaryEntry
from .episodes import Episode
from .measures import DueMeasure, MeasureRule, Response, ResponseDraft, RiskThreshold
from .plans import PlanChange, PlanEntry, WorksheetAnswer

__all__ = [
    "DiaryEntry",
    "DueMeasure",
    "Episode",
    "MeasureRule",
    "PlanChange",
    "PlanEntry",
    "WorksheetAnswer",
    "Response",
    "ResponseDraft",
    "RiskThreshold",
]
