"""A record system's side of the FHIR API, for the demo: over real HTTP, with nothing
but the standard library and PyJWT, it reads the SMART discovery document, signs a
client assertion, gets an access token, kicks off a Bulk Data ``$export``, polls the
status until the manifest comes, and downloads each NDJSON file. ``manage.py
fhir_demo_client`` prints what it does, step by step."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable

import jwt

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class DemoClientError(Exception):
    pass


def _call(url: str, *, data: bytes | None = None, headers: dict | None = None, method=None):
    try:
        request = urllib.request.Request(  # noqa: S310 - the demo calls the URL it is given
            url, data=data, headers=headers or {}, method=method
        )
    except ValueError as exc:  # "notaurl", "http://[::1": not an address at all
        raise DemoClientError(f"{url} is not an http(s) address: {exc}") from exc
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()
    except urllib.error.URLError as exc:
        raise DemoClientError(f"cannot reach {url}: {exc.reason}") from exc
    except (OSError, ValueError) as exc:  # a reset connection, a malformed answer
        raise DemoClientError(f"cannot reach {url}: {exc}") from exc


def _json(body: bytes) -> dict:
    try:
        return json.loads(body or b"{}")
    except ValueError as exc:
        raise DemoClientError(f"not JSON: {body[:200]!r}") from exc


def _field(data, key: str, what: str):
    """``data[key]`` of an answer, or a message: an answer without it is not one."""
    if not isinstance(data, dict) or key not in data:
        raise DemoClientError(f"the {what} answer has no {key}")
    return data[key]


def _assertion(private_key: str, client_id: str, endpoint: str, now: int, kid: str) -> str:
    return jwt.encode(
        {
            "iss": client_id,
            "sub": client_id,
            "aud": endpoint,
            "exp": now + 240,
            "jti": str(uuid.uuid4()),
        },
        private_key,
        algorithm="ES384",
        headers={"kid": kid, "typ": "JWT"},
    )


def get_token(base: str, *, client_id: str, private_key: str, kid: str, scope: str, say):
    status, _h, body = _call(f"{base}/.well-known/smart-configuration")
    if status != 200:
        raise DemoClientError(f"discovery answered {status}")
    endpoint = _field(_json(body), "token_endpoint", "discovery")
    say(f"Token endpoint (from .well-known/smart-configuration): {endpoint}")
    now = int(time.time())
    try:
        assertion = _assertion(private_key, client_id, endpoint, now, kid)
    except (ValueError, TypeError, jwt.PyJWTError) as exc:
        raise DemoClientError(
            f"the private key is not an ES384 key in PEM form ({exc.__class__.__name__})"
        ) from exc
    form = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_assertion_type": JWT_BEARER,
            "client_assertion": assertion,
            "scope": scope,
        }
    ).encode()
    status, _h, body = _call(
        endpoint, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    data = _json(body)
    if status != 200:
        raise DemoClientError(f"token endpoint answered {status}: {data}")
    token = _field(data, "access_token", "token endpoint's")
    kind, lasts, scope = (data.get(k) for k in ("token_type", "expires_in", "scope"))
    say(f"Access token: {kind}, {lasts} s, scope {scope}")
    return token


def bulk_export(
    base: str,
    token: str,
    *,
    types: str = "",
    say: Callable[[str], None],
    max_polls: int = 60,
    sleep: Callable[[float], None] = time.sleep,
) -> dict:
    """The completed manifest, with ``lines`` per output: the NDJSON lines fetched."""
    auth = {"Authorization": f"Bearer {token}"}
    query = f"?_type={urllib.parse.quote(types, safe=',')}" if types else ""
    status, headers, body = _call(
        f"{base}/$export{query}",
        headers={**auth, "Prefer": "respond-async", "Accept": "application/fhir+json"},
    )
    if status != 202:
        raise DemoClientError(f"$export answered {status}: {body[:300]!r}")
    location = headers.get("Content-Location")
    say(f"$export accepted (202); status at {location}")
    for _poll in range(max_polls):
        status, headers, body = _call(location, headers=auth)
        if status == 200:
            break
        if status != 202:
            raise DemoClientError(f"status answered {status}: {body[:300]!r}")
        say(f"  building: {headers.get('X-Progress', '…')}")
        sleep(min(float(headers.get("Retry-After", 1)), 5))
    else:
        raise DemoClientError("the export did not finish in time")
    manifest = _json(body)
    for item in manifest["output"]:
        status, _h, body = _call(item["url"], headers={**auth, "Accept": "application/fhir+ndjson"})
        if status != 200:
            raise DemoClientError(f"{item['url']} answered {status}")
        item["lines"] = [json.loads(line) for line in body.decode().splitlines() if line]
    return manifest
