"""The token endpoint and the discovery document of SMART Backend Services.

``POST {base}/auth/token`` takes ``grant_type=client_credentials``,
``client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer``, the
signed ``client_assertion`` and the ``scope`` wanted, and answers a short-lived bearer
token with the scopes granted. Errors are OAuth 2.0 errors (RFC 6749 5.2): a client
that cannot be authenticated (bad signature, expired or replayed assertion, unknown or
revoked client) gets 401 ``invalid_client``; a malformed request 400.
"""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from tessera.core import audit
from tessera.core.middleware import client_ip
from tessera.core.ratelimits import over_limit

from ..models import AccessToken
from ..views import base_url
from . import scopes
from .assertion import ALGORITHMS, AssertionRefused, verify
from .guard import audit_auth_failed

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SUPPORTED_SCOPES = [
    "system/*.rs",
    "system/Patient.rs",
    "system/EpisodeOfCare.rs",
    "system/Observation.rs",
    "system/QuestionnaireResponse.rs",
]


def token_endpoint(request: HttpRequest) -> str:
    return f"{base_url(request)}/auth/token"


def _oauth_error(
    status: int, error: str, description: str, *, retry_after: int | None = None
) -> JsonResponse:
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    response["Cache-Control"] = "no-store"
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="tessera-fhir"'
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@require_GET
def smart_configuration(request: HttpRequest) -> HttpResponse:
    data = {
        "issuer": base_url(request),
        "token_endpoint": token_endpoint(request),
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ALGORITHMS,
        "grant_types_supported": ["client_credentials"],
        "scopes_supported": SUPPORTED_SCOPES,
        "capabilities": ["client-confidential-asymmetric", "permission-v1", "permission-v2"],
    }
    return HttpResponse(json.dumps(data), content_type="application/json")


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    # Every request counts, per client address ("fhir_token" limit): guessing or replaying
    # assertions is slowed before any signature is checked.
    wait = over_limit(request, "fhir_token")
    if wait is not None:
        # Audited once a minute per address, so that a flood does not flood the trail.
        if cache.add(f"tessera:fhir-token-limited:{client_ip(request)}", 1, 60):
            audit.record(
                "security.fhir_token_rate_limited",
                purpose="administration",
                changes={"path": request.path[:200]},
            )
        return _oauth_error(
            429, "slow_down", "too many token requests; try again later", retry_after=wait
        )
    form = request.POST
    if form.get("grant_type") != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", "use grant_type=client_credentials")
    if form.get("client_assertion_type") != JWT_BEARER or not form.get("client_assertion"):
        return _oauth_error(
            400, "invalid_request", f"send client_assertion_type={JWT_BEARER} and the assertion"
        )
    try:
        client = verify(form["client_assertion"], audience=token_endpoint(request))
    except AssertionRefused as exc:
        audit_auth_failed(request, str(exc), purpose="administration")
        return _oauth_error(401, "invalid_client", str(exc))
    granted = scopes.grant(form.get("scope", ""), client.scopes)
    if not granted:
        allowed = client.scopes
        return _oauth_error(400, "invalid_scope", f"no scope asked for is allowed ({allowed})")
    lifetime = dt.timedelta(seconds=settings.TESSERA_FHIR_TOKEN_SECONDS)
    row, access_token = AccessToken.issue(client, scopes.text(granted), lifetime)
    audit.record(
        "fhir.token_issued",
        clinic=client.clinic,
        obj=client,
        changes={"client": client.name, "client_id": client.client_id, "scope": row.scopes},
    )
    response = JsonResponse(
        {
            "access_token": access_token,
            "token_type": "bearer",
            "expires_in": int(lifetime.total_seconds()),
            "scope": row.scopes,
        }
    )
    response["Cache-Control"] = "no-store"
    return response
