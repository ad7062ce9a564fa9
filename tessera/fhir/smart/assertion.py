"""Checking a client assertion (SMART Backend Services, RFC 7523) with PyJWT.

The assertion is a JWT the client signs with its private key: ``iss`` and ``sub`` are
its client_id, ``aud`` is Tessera's token endpoint, ``exp`` at most five minutes ahead,
``jti`` never used before. The header's ``kid`` picks the public key from the client's
registered JWKS (or the set fetched from its JWKS URL, see ``jwks_url``); the
algorithms SMART names (RS384, ES384) are accepted, and none else.
"""

from __future__ import annotations

import datetime as dt

import jwt
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import SystemClient, UsedAssertion
from .jwks_url import JWKSUnavailable, current_jwks

ALGORITHMS = ["RS384", "ES384"]
MAX_LIFETIME = dt.timedelta(minutes=5)


def leeway() -> dt.timedelta:
    """The clock skew allowed between the client and Tessera
    (``TESSERA_FHIR_ASSERTION_LEEWAY_SECONDS``; docs/fhir.md, "Clock skew")."""
    return dt.timedelta(seconds=settings.TESSERA_FHIR_ASSERTION_LEEWAY_SECONDS)


class AssertionRefused(Exception):
    """The assertion does not prove who the client is; the message says why (for the
    client's developers: it never holds the assertion or a key)."""


def public_keys(jwks: dict) -> jwt.PyJWKSet:
    """The key set, refusing private keys and sets PyJWT cannot read."""
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list) or not jwks["keys"]:
        raise ValueError("a JWKS is a JSON object with a non-empty 'keys' list")
    for key in jwks["keys"]:
        if not isinstance(key, dict) or any(part in key for part in ("d", "p", "q", "k")):
            raise ValueError("the JWKS must hold public keys only")
        if not key.get("kid"):
            raise ValueError("every key needs a 'kid'")
    try:
        return jwt.PyJWKSet.from_dict(jwks)
    except jwt.PyJWTError as exc:
        raise ValueError(f"the JWKS cannot be read: {exc}") from exc


def _key(client: SystemClient, kid, now: dt.datetime):
    """The public key the assertion's ``kid`` names in the client's key set."""
    try:
        keys = public_keys(current_jwks(client, kid=kid, now=now))
    except (JWKSUnavailable, ValueError) as exc:
        raise AssertionRefused(f"the client's public keys cannot be used: {exc}") from exc
    matching = [key for key in keys.keys if key.key_id == kid]
    if not matching:
        raise AssertionRefused("no key with this kid in the client's JWKS")
    return matching[0].key


def verify(assertion: str, *, audience: str, now: dt.datetime | None = None) -> SystemClient:
    """The client the assertion proves, after recording its ``jti`` as used."""
    now = now or timezone.now()
    try:
        header = jwt.get_unverified_header(assertion)
        unverified = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise AssertionRefused("the client assertion is not a JWT") from exc
    client_id = unverified.get("iss")
    if not isinstance(client_id, str) or unverified.get("sub") != client_id:
        raise AssertionRefused("iss and sub must both be the client_id")
    client = SystemClient.objects.filter(client_id=client_id, revoked_at__isnull=True).first()
    if client is None:
        raise AssertionRefused("no registered client with this client_id")
    if header.get("alg") not in ALGORITHMS:
        raise AssertionRefused(f"sign with one of {', '.join(ALGORITHMS)}")
    skew = leeway()
    try:
        claims = jwt.decode(
            assertion,
            key=_key(client, header.get("kid"), now),
            algorithms=ALGORITHMS,
            audience=audience,
            issuer=client_id,
            leeway=skew,
            options={"require": ["iss", "sub", "aud", "exp", "jti"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AssertionRefused("the client assertion has expired") from exc
    except jwt.InvalidAudienceError as exc:
        raise AssertionRefused(f"aud must be the token endpoint, {audience}") from exc
    except jwt.PyJWTError as exc:
        raise AssertionRefused(f"the client assertion is not valid: {exc}") from exc
    expires = dt.datetime.fromtimestamp(claims["exp"], tz=dt.UTC)
    if expires > now + MAX_LIFETIME + skew:
        raise AssertionRefused("exp may be at most five minutes ahead")
    jti = str(claims["jti"])
    if not jti or len(jti) > 255:
        raise AssertionRefused("jti must be a non-empty string of at most 255 characters")
    try:
        with transaction.atomic():
            UsedAssertion.objects.create(client=client, jti=jti, expires_at=expires + skew)
    except IntegrityError as exc:
        raise AssertionRefused("this client assertion was used before") from exc
    return client


def forget_expired(now: dt.datetime | None = None) -> int:
    """Drop used assertions that could no longer be replayed anyway."""
    deleted, _rows = UsedAssertion.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted
