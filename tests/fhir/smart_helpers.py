"""Keys, assertions and registered clients for the SMART Backend Services tests: what a
record system does on its side, with the same JOSE library (PyJWT)."""

from __future__ import annotations

import json
import time
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from tessera.fhir.actions import do_register_system_client

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class KeyPair:
    def __init__(self, kid: str = "key-1", alg: str = "ES384"):
        self.kid, self.alg = kid, alg
        if alg == "ES384":
            self.private = ec.generate_private_key(ec.SECP384R1())
            public = json.loads(ECAlgorithm.to_jwk(self.private.public_key()))
        else:
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            public = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        self.jwks = {"keys": [{**public, "kid": kid, "alg": alg, "use": "sig"}]}

    def assertion(self, client_id: str, audience: str, *, expires_in=240, jti=None, **extra):
        now = int(time.time())
        claims = {
            "iss": client_id,
            "sub": client_id,
            "aud": audience,
            "exp": now + expires_in,
            "jti": jti or str(uuid.uuid4()),
            **extra,
        }
        return jwt.encode(
            claims, self.private, algorithm=self.alg, headers={"kid": self.kid, "typ": "JWT"}
        )


def register(*, keys: KeyPair, scope="system/*.rs", clinic=None, region=None, name="EHR Norr"):
    return do_register_system_client(
        name=name, jwks=keys.jwks, scope=scope, clinic=clinic, region=region
    )


def token_form(assertion: str, scope: str = "system/*.rs") -> dict:
    return {
        "grant_type": "client_credentials",
        "client_assertion_type": JWT_BEARER,
        "client_assertion": assertion,
        "scope": scope,
    }


def get_token(client, keys: KeyPair, registered, scope="system/*.rs") -> str:
    """An access token through the token endpoint, as a record system gets one."""
    audience = "http://testserver/fhir/auth/token"
    response = client.post(
        "/fhir/auth/token", token_form(keys.assertion(registered.client_id, audience), scope)
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]
