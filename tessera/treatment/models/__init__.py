from .episodes import Episode
from .measures import DueMeasure, MeasureRule, Response, ResponseDraft, RiskThreshold

__all__ = [
    "DueMeasure",
    "Episode",
    "MeasureRule",
    "Response",
    "ResponseDraft",
    "RiskThreshold",
]
