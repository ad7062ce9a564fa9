"""Demo: a record system connected to the Riverside clinic through SMART Backend
Services, so a reviewer can see the FHIR API work (``manage.py fhir_demo_client``), and
the Canal clinic sending the text of messages with its records (the others send dates
only, the default).

The demo client's private key is written to ``TESSERA_FHIR_DEMO_CLIENT_DIR`` (by default
``var/fhir-demo-client/``, never committed: ``/var/`` is ignored) beside
``client.json`` with its client_id and key id. Running the seed again keeps a client
whose key file is still there, and otherwise revokes it and registers a new one. Safe
to run again."""

from __future__ import annotations

import json
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from jwt.algorithms import ECAlgorithm

from .actions import do_register_system_client, do_revoke_system_client, do_set_record_sharing
from .models import SystemClient

NAME = "Demo record system (Riverside)"
KID = "demo-ehr-1"
SCOPE = "system/*.rs"


def key_dir() -> Path:
    return Path(settings.TESSERA_FHIR_DEMO_CLIENT_DIR)


def read_client() -> dict | None:
    """``{"client_id", "kid", "key_file"}`` of the seeded demo client, if its files exist."""
    folder = key_dir()
    try:
        data = json.loads((folder / "client.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    key_file = folder / "private-key.pem"
    return {**data, "key_file": str(key_file)} if key_file.exists() else None


def _new_client(clinic, acting_user) -> SystemClient:
    private = ec.generate_private_key(ec.SECP384R1())
    public = json.loads(ECAlgorithm.to_jwk(private.public_key()))
    jwks = {"keys": [{**public, "kid": KID, "alg": "ES384", "use": "sig"}]}
    client = do_register_system_client(
        name=NAME, jwks=jwks, scope=SCOPE, clinic=clinic, acting_user=acting_user
    )
    folder = key_dir()
    folder.mkdir(parents=True, exist_ok=True)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key_file = folder / "private-key.pem"
    key_file.write_bytes(pem)
    key_file.chmod(0o600)
    (folder / "client.json").write_text(
        json.dumps({"client_id": client.client_id, "kid": KID}), encoding="utf-8"
    )
    return client


def seed(ctx) -> None:
    clinic = ctx.clinics.get("riverside")
    admin = ctx.staff.get("manager") or next(iter(ctx.staff.values()), None)
    if clinic is None:
        return
    existing = SystemClient.objects.filter(name=NAME, revoked_at__isnull=True).first()
    saved = read_client()
    if existing and not (saved and saved["client_id"] == existing.client_id):
        do_revoke_system_client(existing, acting_user=admin)
        existing = None
    if existing is None:
        _new_client(clinic, admin)
    canal = ctx.clinics.get("canal")
    if canal is not None:
        manager = ctx.staff.get("canal.manager") or admin
        do_set_record_sharing(canal, message_content=True, acting_user=manager)
