"""Extra episode scopes: episodes a staff member sees beyond their roles' own scope.

They are listed here, in one place, by dotted path, and resolved on first use (so core
imports no app above it). Each is a function ``(user) -> Q`` over Episode, kept in the
app whose data it reads; a subquery in it goes through ``access.in_subquery``, so that
the scope's OR still uses the episodes' indexes (issue 16). In words:

- On call (``tessera.safety.on_call.open_alert_episodes``): staff on call for risk
  alerts at a clinic see that clinic's episodes with an unresolved risk alert, so that
  someone can act when there is no therapist (unguided care) or the therapist is away.
  It counts as the user's own scope: it lets them act on the alert.
- Consultation (``tessera.consultation.grants.consultation_scope``): while a colleague's
  request to them is open and not expired, that one episode. Not their own scope: they
  read it but do not write to the patient. A read made only through it is audited with
  the purpose "consultation" (see ``patients.read_purpose``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.db.models import Q
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class ExtraScope:
    path: str  # dotted path of a function (user) -> Q over Episode
    own: bool  # counts as the user's own scope (they may act, not only read)
    audit_purpose: str | None = None  # the purpose of a read made only through it


EXTRA_EPISODE_SCOPES: tuple[ExtraScope, ...] = (
    ExtraScope("tessera.safety.on_call.open_alert_episodes", own=True),
    ExtraScope(
        "tessera.consultation.grants.consultation_scope", own=False, audit_purpose="consultation"
    ),
)


@cache
def resolved() -> tuple[tuple[ExtraScope, Callable[[object], Q]], ...]:
    """Each listed scope with its function, imported once."""
    return tuple((scope, import_string(scope.path)) for scope in EXTRA_EPISODE_SCOPES)


def own_extra_scopes() -> list[Callable[[object], Q]]:
    return [function for scope, function in resolved() if scope.own]


def granted_extra_scopes() -> list[tuple[ExtraScope, Callable[[object], Q]]]:
    return [(scope, function) for scope, function in resolved() if not scope.own]
