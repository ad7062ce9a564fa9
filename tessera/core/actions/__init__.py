"""Every write that matters to organisation and patient records.

Each action is atomic and leaves an audit row in the same transaction. Views, commands
and tests call these; nothing else saves these models.

One module per concept; the functions are re-exported here, so
``from tessera.core import actions`` then ``actions.do_...`` reads as before.
"""

from .clinics import (  # noqa: F401
    _VALUE_FREE_FIELDS,
    _describe_changes,
    do_add_crisis_contact,
    do_create_clinic,
    do_create_region,
    do_remove_crisis_contact,
    do_set_clinic_rate_limits,
    do_update_clinic_settings,
)
from .languages import do_set_language  # noqa: F401
from .leave import do_change_leave, do_end_leave, do_record_leave, do_remove_leave  # noqa: F401
from .on_call import (  # noqa: F401
    do_add_on_call_shifts,
    do_remove_on_call_shift,
)
from .patients import (  # noqa: F401
    PATIENT_DETAIL_FIELDS,
    do_create_patient,
    do_update_patient_details,
    record_patient_read,
)
from .roles import (  # noqa: F401
    do_grant_role,
    do_make_region_admin,
)
from .staff import (  # noqa: F401
    do_hand_over_caseload,
    do_invite_staff,
    do_offboard_staff,
    do_remove_role,
    do_update_role,
)

__all__ = [
    "PATIENT_DETAIL_FIELDS",
    "do_create_region",
    "do_create_clinic",
    "do_set_clinic_rate_limits",
    "do_update_clinic_settings",
    "do_add_crisis_contact",
    "do_remove_crisis_contact",
    "do_add_on_call_shifts",
    "do_record_leave",
    "do_end_leave",
    "do_change_leave",
    "do_remove_leave",
    "do_remove_on_call_shift",
    "do_grant_role",
    "do_make_region_admin",
    "do_invite_staff",
    "do_update_role",
    "do_remove_role",
    "do_offboard_staff",
    "do_hand_over_caseload",
    "do_create_patient",
    "do_update_patient_details",
    "do_set_language",
    "record_patient_read",
]
