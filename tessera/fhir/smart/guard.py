"""What every request of the read API and the bulk export passes: a valid access token
(401 otherwise), a scope that covers what it asks (403 otherwise), both answered with an
OperationOutcome and audited with the client's name."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tessera.core import audit
from tessera.core.middleware import client_ip

from ..models import AccessToken, SystemClient
from ..service_request import Problem, operation_outcome
from ..views import _json
from . import scopes


class Refused(Exception):
    def __init__(self, response: HttpResponse):
        super().__init__(response.status_code)
        self.response = response


AUTH_FAILED_EVERY_SECONDS = 60  # as denied patient URLs (api._audit_refused_patient)


def audit_auth_failed(request: HttpRequest, reason: str, *, purpose: str, **changes) -> None:
    """``security.fhir_auth_failed``, at most once per client address and reason a
    minute: anyone may send requests without a valid token, and one row per 401 would
    let them flood the trail. Never the token itself."""
    digest = hashlib.sha256(reason.encode()).hexdigest()[:16]
    if cache.add(
        f"tessera:fhir-auth-failed:{client_ip(request)}:{digest}", 1, AUTH_FAILED_EVERY_SECONDS
    ):
        audit.record(
            "security.fhir_auth_failed",
            purpose=purpose,
            changes={"path": request.path[:200], "reason": reason[:200], **changes},
        )


def outcome(status: int, where: str, what: str, code: str | None = None, **headers) -> HttpResponse:
    data = operation_outcome([Problem(where, what)])
    if code:
        data["issue"][0]["code"] = code
    response = _json(data, status=status)
    for key, value in headers.items():
        response[key.replace("_", "-")] = value
    return response


class Caller:
    """The client behind a request and the scopes its token carries."""

    def __init__(self, token: AccessToken):
        self.token = token
        self.client: SystemClient = token.client
        self.scopes = scopes.parse_all(token.scopes)

    def may(self, resource: str, permission: str) -> bool:
        return scopes.allows(self.scopes, resource, permission)

    def require(self, request: HttpRequest, resource: str, permission: str) -> None:
        if not self.may(resource, permission):
            audit.record(
                "security.fhir_scope_refused",
                clinic=self.client.clinic,
                changes={
                    "client": self.client.name,
                    "client_id": self.client.client_id,
                    "path": request.path[:200],
                    "needs": f"system/{resource}.{permission}",
                },
            )
            raise Refused(
                outcome(
                    403,
                    "Authorization",
                    f"the access token's scopes do not allow system/{resource}.{permission}",
                    code="forbidden",
                )
            )


def caller(request: HttpRequest, *, with_clinic: bool = False) -> Caller:
    """The caller of an API request, or Refused with a 401; the client's clinic read
    with it when asked for (``AccessToken.valid``)."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    token = (
        AccessToken.valid(value.strip(), with_clinic=with_clinic)
        if scheme.lower() == "bearer"
        else None
    )
    if token is None:
        audit_auth_failed(
            request,
            "invalid token" if header else "no token",
            purpose="administration",
            had_token=bool(header),
        )
        raise Refused(
            outcome(
                401,
                "Authorization",
                "a valid access token is needed: get one at the token endpoint "
                "(see .well-known/smart-configuration)",
                code="login",
                WWW_Authenticate='Bearer realm="tessera-fhir"',
            )
        )
    SystemClient.objects.filter(pk=token.client_id).update(last_used_at=timezone.now())
    return Caller(token)
