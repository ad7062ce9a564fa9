from .audit import AuditChainHead, AuditEvent
from .organisation import Clinic, ClinicRole, CrisisContact, Region, RegionAdministrator
from .people import Patient, User

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "Clinic",
    "ClinicRole",
    "CrisisContact",
    "Patient",
    "Region",
    "RegionAdministrator",
    "User",
]
