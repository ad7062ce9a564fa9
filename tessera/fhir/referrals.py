"""The FHIR REST interface for referring systems: metadata, and ServiceRequest create/read.

Authentication is a bearer token per referring organisation (``ReferrerClient``); no
cookies, so no CSRF token. A wrong or revoked token gets 401 with an OperationOutcome.
"""

from __future__ import annotations

import json
import multiprocessing
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from tessera.core import audit
from tessera.core.ratelimits import over_limit
from tessera.core.validation import has_control_characters
from tessera.fhir.capability import capability_statement

from .intake_referrals import do_receive_fhir_referral, referral_for_client, service_request_for
from .models import ReferrerClient
from .search_params import BadRequest, Search
from .service_request import (
    InvalidReferral,
    Problem,
    UnprocessableReferral,
    operation_outcome,
    read_referral,
)
from .smart.guard import audit_auth_failed
from .views import FHIR_JSON, _json, base_url

MAX_BODY = 1_000_000
# A referral is a ServiceRequest with a contained Patient: a dozen levels at most. Deeper
# JSON would only exhaust the parser's or the validator's recursion (a 500 and a held
# thread), so it is refused before either sees it.
MAX_DEPTH = 32
# Values (objects, lists, strings, numbers) in one body: a referral has a few hundred.
MAX_VALUES = 20_000
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')


class HostileJson(ValueError):
    pass


def load_json(body: bytes):
    """The parsed body, or HostileJson for nesting deeper than MAX_DEPTH or a string with
    control characters (NUL cannot be stored; none belongs in a referral)."""
    # A byte order mark before UTF-8 JSON is allowed to be ignored (RFC 8259, 8.1); systems
    # that write files for spreadsheets put one there.
    text = body.decode("utf-8").removeprefix("\ufeff")
    depth = 0
    for char in _STRINGS.sub("", text):
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise HostileJson(f"the JSON is nested deeper than {MAX_DEPTH} levels")
        elif char in "]}":
            depth -= 1
    payload = json.loads(text)
    stack = [payload]
    seen = 0
    while stack:
        value = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            raise HostileJson(f"the JSON holds more than {MAX_VALUES} values")
        if isinstance(value, dict):
            stack += [*value.keys(), *value.values()]
        elif isinstance(value, list):
            stack += value
        elif isinstance(value, str) and has_control_characters(value):
            raise HostileJson("a text value holds control characters")
    return payload


# Validation (fhir.resources, pydantic) runs in a child process forked for the request,
# so that the time limit is real: when it runs over, the child is killed and nothing of
# the work keeps running (a thread past its limit could not be stopped). The size, depth
# and value limits above keep the usual case well inside the limit; forking costs a few
# milliseconds, and referrals are few (rate-limited per token).
_FORK = multiprocessing.get_context("fork")


class ValidationTimeout(Exception):
    """Validation did not finish within TESSERA_FHIR_VALIDATION_SECONDS (its process
    was killed), or the process ended without an answer."""


def _validate_into(payload, sender) -> None:
    """In the child: read_referral(payload), its answer sent as plain data (exceptions
    with a problems list do not survive pickling as themselves)."""
    try:
        answer = ("ok", read_referral(payload))
    except UnprocessableReferral as exc:
        answer = ("unprocessable", exc.problems)
    except InvalidReferral as exc:
        answer = ("invalid", exc.problems)
    except RecursionError:
        answer = ("invalid", [Problem("(body)", "the referral is nested too deeply")])
    sender.send(answer)
    sender.close()


def read_in_time(payload, *, seconds: float | None = None):
    """read_referral(payload) in a child process; ValidationTimeout, with the child
    killed and reaped, when it takes longer than TESSERA_FHIR_VALIDATION_SECONDS."""
    limit = settings.TESSERA_FHIR_VALIDATION_SECONDS if seconds is None else seconds
    receiver, sender = _FORK.Pipe(duplex=False)
    child = _FORK.Process(target=_validate_into, args=(payload, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(limit):
            raise ValidationTimeout
        kind, value = receiver.recv()
    except EOFError as exc:  # the child died without answering (e.g. out of memory)
        raise ValidationTimeout from exc
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    if kind == "unprocessable":
        raise UnprocessableReferral(value)
    if kind == "invalid":
        raise InvalidReferral(value)
    return value


def _outcome(status: int, problems: list[Problem], **headers) -> HttpResponse:
    response = _json(operation_outcome(problems), status=status)
    for key, value in headers.items():
        response[key.replace("_", "-")] = value
    return response


def _client(request: HttpRequest) -> ReferrerClient | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    client = ReferrerClient.for_token(token.strip())
    if client is not None:
        ReferrerClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client


def _unauthorised(request: HttpRequest) -> HttpResponse:
    """401; the attempt is audited (the token itself never is)."""
    had_token = "Authorization" in request.headers
    audit_auth_failed(
        request,
        "invalid token" if had_token else "no token",
        purpose="intake",
        had_token=had_token,
    )
    return _outcome(
        401,
        [Problem("Authorization", "a valid bearer token for a referring organisation is needed")],
        WWW_Authenticate='Bearer realm="tessera-fhir"',
    )


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement; ``mode=full`` is the only mode (FHIR also names
    ``normative`` and ``terminology``), and other parameters follow Prefer: handling."""
    try:
        search = Search(request, {"mode", "_format"}, common=False, what="parameter")
        if search.get("mode", "full") != "full":
            if search.strict:
                raise BadRequest("mode", "only mode=full is served")
    except BadRequest as exc:
        return _outcome(400, [Problem(exc.where, exc.what)])
    return _json(capability_statement(base_url(request)))


def _body(request: HttpRequest) -> bytes | None:
    """The body, or None when it is over MAX_BODY: told by its declared length before it
    is read (past Django's own limit, Django would answer with an HTML page, not FHIR)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY:
        return None
    try:
        raw = request.body
    except RequestDataTooBig:  # sent without a length, and past Django's limit
        return None
    return raw if len(raw) <= MAX_BODY else None


@csrf_exempt
@require_http_methods(["POST"])
def service_request_create(request: HttpRequest) -> HttpResponse:
    client = _client(request)
    if client is None:
        return _unauthorised(request)
    # Per token (referring organisation), at the clinic's own rate when it has one.
    wait = over_limit(
        request,
        "fhir_referral",
        key=lambda _group, _request: f"client:{client.pk}",
        clinic=client.clinic,
    )
    if wait is not None:
        audit.record(
            "security.fhir_rate_limited",
            clinic=client.clinic,
            purpose="intake",
            changes={"client": client.pk},
        )
        return _outcome(
            429,
            [Problem("(request)", "too many referrals from this token; try again later")],
            Retry_After=str(wait),
        )
    content_type = request.content_type or ""
    if content_type not in (FHIR_JSON, "application/json"):
        return _outcome(415, [Problem("Content-Type", "send application/fhir+json")])
    raw = _body(request)
    if raw is None:
        return _outcome(413, [Problem("(body)", "a referral must be under 1 MB")])
    try:
        payload = load_json(raw)
    except HostileJson as exc:
        return _outcome(400, [Problem("(body)", str(exc))])
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _outcome(400, [Problem("(body)", "the body is not valid JSON")])
    try:
        incoming = read_in_time(payload)
    except ValidationTimeout:
        return _outcome(
            422,
            [Problem("(body)", "the referral took too long to validate; send a smaller one")],
        )
    except UnprocessableReferral as exc:
        return _outcome(422, exc.problems)
    except InvalidReferral as exc:
        return _outcome(400, exc.problems)
    try:
        application = do_receive_fhir_referral(
            client, incoming, base_url=request.build_absolute_uri("/")
        )
    except InvalidReferral as exc:
        return _outcome(422, exc.problems)
    resource = service_request_for(application, base_url(request))
    response = _json(resource, status=201)
    response["Location"] = f"{base_url(request)}/ServiceRequest/{resource['id']}"
    return response


@require_GET
def service_request_read(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(request)
    if client is None:
        return _unauthorised(request)
    try:
        Search(request, {"_format"}, common=False, what="parameter", where="on a read")
    except BadRequest as exc:
        return _outcome(400, [Problem(exc.where, exc.what)])
    application = referral_for_client(client, pk)
    if application is None:
        return _outcome(404, [Problem("id", "no referral with this id from your organisation")])
    audit.record(
        "fhir.referral_status_read",
        clinic=application.clinic,
        obj=application,
        purpose="intake",
        changes={"client": client.pk},
    )
    return _json(service_request_for(application, base_url(request)))
