"""Forms of the module library: authoring (modules, programmes, steps, measures) and
a clinic's eligibility rules. Re-exported here for ``from tessera.programs.forms import ...``.
"""

from .authoring import (
    JSON_TEXTAREA,
    TEXTAREA,
    AddStepForm,
    BaseMeasureFormSet,
    MeasureForm,
    MeasureFormSet,
    ModuleCreateForm,
    ModuleDraftForm,
    ProgrammeCreateForm,
    ProgrammeDraftForm,
    ProgrammeModulesForm,
    RegionChoiceMixin,
    StepForm,
    as_json,
    parse_json,
)
from .eligibility import (
    TRY_INSTRUMENTS,
    ClinicEligibilityForm,
    TryForm,
)
from .translations import (
    AddTranslationForm,
    LinkTranslationForm,
    ProgrammeTranslationForm,
)

__all__ = [
    "AddTranslationForm",
    "LinkTranslationForm",
    "ProgrammeTranslationForm",
    "TEXTAREA",
    "JSON_TEXTAREA",
    "parse_json",
    "as_json",
    "RegionChoiceMixin",
    "ModuleCreateForm",
    "ModuleDraftForm",
    "AddStepForm",
    "StepForm",
    "ProgrammeCreateForm",
    "ProgrammeDraftForm",
    "MeasureForm",
    "BaseMeasureFormSet",
    "MeasureFormSet",
    "ProgrammeModulesForm",
    "TRY_INSTRUMENTS",
    "ClinicEligibilityForm",
    "TryForm",
]
