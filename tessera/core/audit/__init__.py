"""The audit trail: writing it (``record``, ``record_many``, ``record_for_episode``,
``record_for_clinic``), verifying its chain,
and the registry of event codes (``Event``) with their purposes and their labels for
patients (``label``) and for staff (``staff_label``).

Callers use ``from tessera.core import audit`` and ``audit.record(...)``.
"""

from .events import CODES, Event, event, label, staff_label
from .trail import (
    GENESIS,
    Break,
    ChainCheck,
    chain_heads,
    changed_fields,
    check_chains,
    missing_heads,
    newest_event,
    record,
    record_for_clinic,
    record_for_episode,
    record_many,
    verify_chain,
)

__all__ = [
    "CODES",
    "GENESIS",
    "Break",
    "ChainCheck",
    "Event",
    "chain_heads",
    "check_chains",
    "changed_fields",
    "missing_heads",
    "event",
    "label",
    "newest_event",
    "record",
    "record_many",
    "record_for_episode",
    "record_for_clinic",
    "staff_label",
    "verify_chain",
]
