from .audit import AuditChainHead, AuditEvent, StaffSecurityEvent
from .episodes import Episode, episode_clinic_copy
from .jobs import JobRun
from .organisation import (
    Clinic,
    ClinicRole,
    CrisisContact,
    OnCallShift,
    Region,
    RegionAdministrator,
    StaffLeave,
)
from .people import IdentityVersion, Patient, User

__all__ = [
    "episode_clinic_copy",
    "AuditChainHead",
    "AuditEvent",
    "StaffSecurityEvent",
    "Clinic",
    "ClinicRole",
    "CrisisContact",
    "Episode",
    "IdentityVersion",
    "JobRun",
    "OnCallShift",
    "Patient",
    "Region",
    "RegionAdministrator",
    "StaffLeave",
    "User",
]
