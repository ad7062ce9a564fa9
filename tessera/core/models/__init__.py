from .audit import AuditChainHead, AuditEvent
from .episodes import Episode
from .organisation import Clinic, ClinicRole, CrisisContact, Region, RegionAdministrator
from .people import Patient, User

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "Clinic",
    "ClinicRole",
    "CrisisContact",
    "Episode",
    "Patient",
    "Region",
    "RegionAdministrator",
    "User",
]
