"""Every app's contribution to the portal's pages, gathered in one explicit list.

Each app that adds to pages it does not own has one module, ``sections.py`` (the shape
is described in ``tessera.core.contributions``). The portal imports them here, by name,
in the order their menu entries appear; nothing is registered at start-up. To add an
app's contribution: write its ``sections.py`` and add it to ``MODULES``.
"""

from __future__ import annotations

from importlib import import_module

from tessera.consultation import sections as consultation
from tessera.core.contributions import Section
from tessera.core.reversing import url_base
from tessera.feedback import sections as feedback
from tessera.fhir import sections as fhir
from tessera.inbox import sections as inbox
from tessera.intake import sections as intake
from tessera.messaging import sections as messaging
from tessera.notifications import sections as notifications
from tessera.programs import sections as programs
from tessera.safety import sections as safety
from tessera.workload import sections as workload

# Menu order: staff entries appear in this order after the core ones.
MODULES = [
    messaging,
    feedback,
    workload,
    inbox,
    consultation,
    intake,
    safety,
    notifications,
    fhir,
    programs,
]

# Apps beside the portal in the top layer are its siblings: it may not import them, so
# their sections are named by dotted path and imported on first use (as the access
# policy names its extra episode scopes). Their menu entries come after the others.
SIBLING_SECTIONS = ["tessera.research.sections"]


def _modules() -> list:
    """``MODULES`` and the siblings' sections, imported once per process: asking
    ``import_module`` again on every page cost the menu more than its own entries
    (issue 16)."""
    global _ALL
    if _ALL is None:
        _ALL = MODULES + [import_module(name) for name in SIBLING_SECTIONS]
    return _ALL


_ALL: list | None = None


def staff_nav(user) -> list[tuple[str, str]]:
    entries = []
    for module in _modules():
        if hasattr(module, "staff_nav"):
            entries.extend(module.staff_nav(user))
    return entries


def patient_nav(user, base: tuple | None = None) -> list[tuple[str, str]]:
    """``base``: the request's ``reversing.url_base()`` if the caller has it (the menu),
    so that each entry's address is not asked for it again (issue 16)."""
    base = base or url_base()
    entries = []
    for contribute in _patient_nav():
        entries.extend(contribute(user, base))
    return entries


def _patient_nav() -> list:
    """The sections' ``patient_nav`` functions in menu order, found once per process:
    every page of a patient asked each of the ten modules for one (decision 0127)."""
    global _PATIENT_NAV
    if _PATIENT_NAV is None:
        _PATIENT_NAV = [m.patient_nav for m in _modules() if hasattr(m, "patient_nav")]
    return _PATIENT_NAV


_PATIENT_NAV: list | None = None


def overview_sections() -> list[Section]:
    """The patient overview's sections, in their order (then by key)."""
    found = [section for module in _modules() for section in getattr(module, "OVERVIEW", [])]
    return sorted(found, key=lambda s: (s.order, s.key))


def staff_home_sections(request) -> list[tuple[Section, dict]]:
    """The parts other apps add to the staff home (``STAFF_HOME``), in their order, each
    with its context; a part whose ``load`` says None is not for this user."""
    parts = []
    for section in _staff_home():
        context = section.load(request, request.user)
        if context is not None:
            parts.append((section, context))
    return parts


def _staff_home() -> list[Section]:
    """The sections' ``STAFF_HOME`` parts in their order, found once per process (as the
    patient menu's functions: every staff home asked each module for them)."""
    global _STAFF_HOME
    if _STAFF_HOME is None:
        found = (section for module in _modules() for section in getattr(module, "STAFF_HOME", []))
        _STAFF_HOME = sorted(found, key=lambda s: (s.order, s.key))
    return _STAFF_HOME


_STAFF_HOME: list[Section] | None = None
