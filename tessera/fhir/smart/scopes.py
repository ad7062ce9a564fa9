"""SMART system scopes: ``system/<Type or *>.<permissions>``. Pure Python.

SMART v2 permissions are letters from ``cruds`` (create, read, update, delete, search);
the v1 forms ``.read``, ``.write`` and ``.*`` are read as ``rs``, ``cud`` and ``cruds``.
Tessera's API only reads, so only ``r`` and ``s`` ever let anything through, but a
registered scope may say more (it is kept as written).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SCOPE = re.compile(r"^system/(\*|[A-Z][A-Za-z]+)\.(\*|read|write|[cruds]+)$")
_V1 = {"read": "rs", "write": "cud", "*": "cruds"}
ORDER = "cruds"


@dataclass(frozen=True)
class Scope:
    resource: str  # a resource type, or "*"
    permissions: frozenset[str]

    def covers(self, other: Scope) -> bool:
        return self.resource in ("*", other.resource) and other.permissions <= self.permissions

    def allows(self, resource: str, permission: str) -> bool:
        return self.resource in ("*", resource) and permission in self.permissions

    def __str__(self) -> str:
        return f"system/{self.resource}.{''.join(p for p in ORDER if p in self.permissions)}"


def parse(text: str) -> Scope | None:
    """The scope, or None for anything that is not a system scope (ignored, as SMART
    asks for scopes a server does not know)."""
    match = _SCOPE.match(text.strip())
    if not match:
        return None
    resource, permissions = match.groups()
    letters = _V1.get(permissions, permissions)
    if len(set(letters)) != len(letters) or "".join(sorted(letters, key=ORDER.index)) != letters:
        return None  # SMART v2 letters come once each, in the order c r u d s
    return Scope(resource, frozenset(letters))


def parse_all(text: str) -> list[Scope]:
    return [scope for part in (text or "").split() if (scope := parse(part))]


def grant(requested: str, registered: str) -> list[Scope]:
    """What a client gets: each requested scope that one of its registered scopes covers;
    a wider request than registered is narrowed to what is registered."""
    allowed = parse_all(registered)
    granted: list[Scope] = []
    for wanted in parse_all(requested):
        if any(scope.covers(wanted) for scope in allowed):
            granted.append(wanted)
            continue
        for scope in allowed:  # "system/*.rs" asked, "system/Observation.rs" registered
            if wanted.resource == "*" or scope.resource in ("*", wanted.resource):
                resource = wanted.resource if scope.resource == "*" else scope.resource
                narrowed = Scope(resource, scope.permissions & wanted.permissions)
                if narrowed.permissions:
                    granted.append(narrowed)
    unique: list[Scope] = []
    for scope in granted:
        if scope not in unique:
            unique.append(scope)
    return unique


def allows(scopes: list[Scope], resource: str, permission: str) -> bool:
    return any(scope.allows(resource, permission) for scope in scopes)


def text(scopes: list[Scope]) -> str:
    return " ".join(str(scope) for scope in scopes)
