"""The vocabulary of the access matrix: kinds of user, outcomes, rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

KINDS = [
    "anon",
    "intake",
    "therapist",
    "assessor",
    "supervisor",
    "manager",
    "author",
    "researcher",
    "region_admin",
    "patient",
    "other_patient",
    "colleague",
    "other_therapist",
    "other_manager",
    "staff_no_mfa",
]
STAFF = [
    "intake",
    "therapist",
    "assessor",
    "supervisor",
    "manager",
    "author",
    "researcher",
    "region_admin",
    "colleague",
    "other_therapist",
    "other_manager",
]
PATIENTS = ["patient", "other_patient"]
SIGNED_IN = STAFF + PATIENTS + ["staff_no_mfa"]


def _is(status: int) -> Callable:
    return lambda r: r.status_code == status


def _redirect_to(prefix: str) -> Callable:
    return lambda r: r.status_code == 302 and r["Location"].startswith(prefix)


OUTCOMES: dict[str, Callable] = {
    "ok": _is(200),
    "deny": lambda r: r.status_code in (403, 404),
    "login": _redirect_to("/accounts/login/"),
    "mfa": _redirect_to("/accounts/2fa/totp/activate/"),
    "redirect": lambda r: r.status_code == 302,
    "home": _redirect_to("/"),
    "no_content": _is(204),
    "unauthorised": _is(401),
    "bad_request": _is(400),
}


@dataclass
class Row:
    expect: dict[str, str]
    kwargs: Callable = lambda w: {}
    method: str = "get"
    data: dict = field(default_factory=dict)
    per_kind: bool = False  # build kwargs anew for each user (the request uses them up)

    def outcome(self, kind: str) -> str:
        return self.expect[kind]


def everyone(outcome: str, **overrides: str) -> dict[str, str]:
    return {kind: overrides.get(kind, outcome) for kind in KINDS}


def only(allowed: list[str], *, ok: str = "ok", anon: str = "login", mfa: str = "mfa"):
    table = {kind: (ok if kind in allowed else "deny") for kind in KINDS}
    table["anon"] = anon
    table["staff_no_mfa"] = mfa
    return table


CLINIC_WIDE = ["intake", "assessor", "supervisor", "manager"]
CLINIC_ADMINS = ["manager", "region_admin"]
TAILORS = ["therapist", "supervisor", "manager"]


CLINICAL_STAFF = CLINIC_WIDE + ["therapist", "colleague", "other_therapist", "other_manager"]
SIGNED_IN_PAGE = everyone("ok", anon="login")
ANON_PAGE = everyone("redirect", anon="ok")
# Second-factor pages for things only the manager has (recovery codes).
OWNER_ONLY = everyone("deny", anon="login", manager="ok")
