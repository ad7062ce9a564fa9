"""Forms of safety: risk alerts (``alerts``) and the safety plan (``plans``).
Re-exported here for ``from tessera.safety.forms import ...``.
"""

from .alerts import (
    ConcernForm,
    ResolveForm,
)
from .plans import (
    SafetyPlanForm,
)

__all__ = [
    "ResolveForm",
    "ConcernForm",
    "SafetyPlanForm",
]
