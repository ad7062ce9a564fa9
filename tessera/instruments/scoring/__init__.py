"""Scoring engine for the instrument definitions. Pure Python: no Django here.

from tessera.instruments.scoring import load_definition, score
result = score(load_definition("PHQ-9"), {1: 2, 2: 1, ...}, risk_overrides={})
"""

from .change import (
    SUBSTANTIAL_IMPROVEMENT_PERCENT,
    ReliableChange,
    clinical_cutoff_c,
    clinically_significant_change,
    percent_change,
    reliable_change_for,
    reliable_change_index,
    reliable_change_points,
    s_diff,
    substantially_improved,
)
from .definitions import (
    load_all,
    load_definition,
    load_definition_file,
    missing_translations,
    normalise_code,
    parse_definition,
)
from .engine import score
from .errors import (
    DefinitionError,
    IncompleteAnswersError,
    InstrumentError,
    InvalidAnswersError,
    RiskOverrideError,
    ScoringError,
    UnknownInstrumentError,
)
from .model import Definition
from .results import (
    BandResult,
    ClusterCount,
    CriterionResult,
    RiskFlag,
    ScoreResult,
    SubscaleResult,
)

__all__ = [
    "SUBSTANTIAL_IMPROVEMENT_PERCENT",
    "BandResult",
    "ClusterCount",
    "CriterionResult",
    "Definition",
    "DefinitionError",
    "IncompleteAnswersError",
    "InstrumentError",
    "InvalidAnswersError",
    "ReliableChange",
    "RiskFlag",
    "RiskOverrideError",
    "ScoreResult",
    "ScoringError",
    "SubscaleResult",
    "UnknownInstrumentError",
    "clinical_cutoff_c",
    "clinically_significant_change",
    "load_all",
    "load_definition",
    "load_definition_file",
    "missing_translations",
    "normalise_code",
    "parse_definition",
    "percent_change",
    "reliable_change_for",
    "reliable_change_index",
    "reliable_change_points",
    "s_diff",
    "score",
    "substantially_improved",
]
