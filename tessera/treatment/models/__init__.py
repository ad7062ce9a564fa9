from .activity import EpisodeActivity
from .diary import DiaryEntry
from .measures import DueMeasure, MeasureRule, Response, ResponseDraft, RiskThreshold
from .plans import PlanChange, PlanEntry, WorksheetAnswer

__all__ = [
    "DiaryEntry",
    "EpisodeActivity",
    "DueMeasure",
    "MeasureRule",
    "PlanChange",
    "PlanEntry",
    "WorksheetAnswer",
    "Response",
    "ResponseDraft",
    "RiskThreshold",
]
