"""The audit trail: writing it (``record``, ``record_for_episode``,
``record_for_clinic``), verifying its chain,
and the registry of event codes (``Event``) with their labels and purposes.

Callers use ``from tessera.core import audit`` and ``audit.record(...)``.
"""

from .events import CODES, Event, event, label
from .trail import (
    GENESIS,
    Break,
    changed_fields,
    newest_event,
    record,
    record_for_clinic,
    record_for_episode,
    verify_chain,
)

__all__ = [
    "CODES",
    "GENESIS",
    "Break",
    "Event",
    "changed_fields",
    "event",
    "label",
    "newest_event",
    "record",
    "record_for_episode",
    "record_for_clinic",
    "verify_chain",
]
