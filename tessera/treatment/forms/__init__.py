"""Forms of treatment: the clinic's measurement schedule (``schedule``) and the plan
(``plans``). Re-exported here for ``from tessera.treatment.forms import ...``.
"""

from .plans import (
    REASON,
    AddModuleForm,
    ReasonForm,
    StartTreatmentForm,
    SwitchProgrammeForm,
    UnlockDateForm,
)
from .schedule import (
    MeasureRuleForm,
    RiskThresholdForm,
)

__all__ = [
    "MeasureRuleForm",
    "RiskThresholdForm",
    "REASON",
    "ReasonForm",
    "AddModuleForm",
    "SwitchProgrammeForm",
    "StartTreatmentForm",
    "UnlockDateForm",
]
