"""SMART Backend Services: the token endpoint takes a signed client assertion and gives
a short-lived token with the scopes granted; anything else is refused as OAuth says."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tessera.core.models import AuditEvent
from tessera.fhir.models import AccessToken, SystemClient
from tessera.fhir.smart import scopes
from tests.fhir.smart_helpers import KeyPair, get_token, register, token_form

AUD = "http://testserver/fhir/auth/token"
OBS = "system/Observation.rs"


@pytest.fixture
def keys():
    return KeyPair()


@pytest.fixture
def ehr(world, keys):
    return register(keys=keys, clinic=world.clinic, scope="system/*.rs")


def _token(client, assertion, scope="system/*.rs"):
    return client.post("/fhir/auth/token", token_form(assertion, scope))


def test_the_discovery_document_names_the_token_endpoint(client, db):
    data = client.get("/fhir/.well-known/smart-configuration").json()
    assert data["token_endpoint"] == AUD
    assert data["token_endpoint_auth_methods_supported"] == ["private_key_jwt"]
    assert set(data["token_endpoint_auth_signing_alg_values_supported"]) == {"RS384", "ES384"}
    assert "client-confidential-asymmetric" in data["capabilities"]


@pytest.mark.parametrize("alg", ["ES384", "RS384"])
def test_a_signed_assertion_gets_a_short_lived_token(client, world, alg):
    keys = KeyPair(alg=alg)
    ehr = register(keys=keys, clinic=world.clinic)
    response = _token(client, keys.assertion(ehr.client_id, AUD), "system/Observation.rs")
    assert response.status_code == 200
    data = response.json()
    assert data["token_type"] == "bearer" and data["expires_in"] == 300
    assert data["scope"] == "system/Observation.rs"
    assert response["Cache-Control"] == "no-store"
    stored = AccessToken.objects.get()
    assert data["access_token"] not in stored.token_hash
    event = AuditEvent.objects.filter(action="fhir.token_issued").latest("id")
    assert event.changes["client"] == "EHR Norr"


def test_a_wider_scope_is_narrowed_to_what_is_registered(client, world, keys):
    ehr = register(keys=keys, clinic=world.clinic, scope="system/Observation.rs")
    response = _token(client, keys.assertion(ehr.client_id, AUD), "system/*.read")
    assert response.json()["scope"] == "system/Observation.rs"
    nothing = _token(client, keys.assertion(ehr.client_id, AUD), "system/Patient.rs")
    assert nothing.status_code == 400 and nothing.json()["error"] == "invalid_scope"


def test_expired_replayed_and_forged_assertions_get_401(client, ehr, keys):
    expired = keys.assertion(ehr.client_id, AUD, expires_in=-120)
    assert _token(client, expired).status_code == 401
    once = keys.assertion(ehr.client_id, AUD)
    assert _token(client, once).status_code == 200
    replayed = _token(client, once)
    assert replayed.status_code == 401
    assert replayed.json() == {
        "error": "invalid_client",
        "error_description": "this client assertion was used before",
    }
    too_long = keys.assertion(ehr.client_id, AUD, expires_in=3600)
    assert _token(client, too_long).status_code == 401
    wrong_audience = keys.assertion(ehr.client_id, "https://elsewhere.example/token")
    assert _token(client, wrong_audience).status_code == 401
    stranger = KeyPair()  # same kid, another key: the signature does not verify
    assert _token(client, stranger.assertion(ehr.client_id, AUD)).status_code == 401
    unknown = keys.assertion("no-such-client", AUD)
    assert _token(client, unknown).status_code == 401
    refused = AuditEvent.objects.filter(action="security.fhir_auth_failed").count()
    assert refused == 6


def test_the_clock_skew_allowance_is_the_named_setting(client, ehr, keys, settings):
    """An assertion that expired a few seconds ago is accepted within
    ``TESSERA_FHIR_ASSERTION_LEEWAY_SECONDS`` (30 by default; docs/fhir.md)."""
    assert settings.TESSERA_FHIR_ASSERTION_LEEWAY_SECONDS == 30
    assert _token(client, keys.assertion(ehr.client_id, AUD, expires_in=-10)).status_code == 200
    assert _token(client, keys.assertion(ehr.client_id, AUD, expires_in=-45)).status_code == 401
    settings.TESSERA_FHIR_ASSERTION_LEEWAY_SECONDS = 0
    late = _token(client, keys.assertion(ehr.client_id, AUD, expires_in=-10))
    assert late.status_code == 401
    assert late.json()["error_description"] == "the client assertion has expired"
    settings.TESSERA_FHIR_ASSERTION_LEEWAY_SECONDS = 90
    assert _token(client, keys.assertion(ehr.client_id, AUD, expires_in=-45)).status_code == 200


def test_an_assertion_signed_with_a_shared_secret_is_refused(client, ehr):
    import jwt

    forged = jwt.encode(
        {"iss": ehr.client_id, "sub": ehr.client_id, "aud": AUD, "exp": 9999999999, "jti": "x"},
        "a-shared-secret-that-is-long-enough-for-hs256",
        algorithm="HS256",
        headers={"kid": "key-1"},
    )
    assert _token(client, forged).status_code == 401


def test_bad_requests_get_oauth_errors(client, ehr, keys):
    assert client.post("/fhir/auth/token", {}).json()["error"] == "unsupported_grant_type"
    form = token_form(keys.assertion(ehr.client_id, AUD))
    del form["client_assertion_type"]
    assert client.post("/fhir/auth/token", form).json()["error"] == "invalid_request"
    assert client.get("/fhir/auth/token").status_code == 405


def test_a_revoked_client_can_neither_get_nor_use_a_token(client, ehr, keys):
    token = get_token(client, keys, ehr)
    call_command("revoke_fhir_client", ehr.client_id)
    assert not AccessToken.objects.exists()
    assert _token(client, keys.assertion(ehr.client_id, AUD)).status_code == 401
    response = client.get("/fhir/EpisodeOfCare", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


def test_the_commands_register_list_and_revoke(world, keys, tmp_path, capsys):
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(keys.jwks))
    call_command(
        "register_fhir_client",
        "--name",
        "Regional EHR",
        "--jwks-file",
        str(jwks),
        "--scope",
        "system/*.rs",
        "--region",
        "test-region",
    )
    client_id = capsys.readouterr().out.strip()
    registered = SystemClient.objects.get(client_id=client_id)
    assert registered.region == world.region and registered.clinic is None
    call_command("list_fhir_clients")
    listed = capsys.readouterr().out
    assert client_id in listed and "Regional EHR" in listed and "active" in listed
    call_command("revoke_fhir_client", client_id)
    call_command("list_fhir_clients")
    assert "revoked" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="fhir.client_revoked").count() == 1


def test_registration_refuses_private_keys_and_bad_scopes(world, keys, tmp_path):
    private = {"keys": [{**keys.jwks["keys"][0], "d": "secret"}]}
    path = tmp_path / "private.json"
    path.write_text(json.dumps(private))
    with pytest.raises(CommandError, match="public keys only"):
        call_command(
            "register_fhir_client",
            *("--name", "X", "--jwks-file", str(path), "--scope", "system/*.rs"),
            *("--clinic", world.clinic.slug),
        )
    good = tmp_path / "jwks.json"
    good.write_text(json.dumps(keys.jwks))
    with pytest.raises(CommandError, match="system scopes"):
        call_command(
            "register_fhir_client",
            *("--name", "X", "--jwks-file", str(good), "--scope", "patient/*.read"),
            *("--clinic", world.clinic.slug),
        )
    with pytest.raises(CommandError, match="No clinic"):
        call_command(
            "register_fhir_client",
            *("--name", "X", "--jwks-file", str(good), "--scope", "system/*.rs"),
            *("--clinic", "nowhere"),
        )
    # A misspelt or invented type would be registered and then grant nothing.
    for scope in ("system/Observaton.rs", "system/Reference.r system/Patient.r"):
        with pytest.raises(CommandError, match="not a FHIR resource type: system/"):
            call_command(
                "register_fhir_client",
                *("--name", "X", "--jwks-file", str(good), "--scope", scope),
                *("--clinic", world.clinic.slug),
            )
    assert not SystemClient.objects.exists()


def test_registration_names_the_valid_regions_and_the_longest_name(world, keys, tmp_path):
    """Stop 27: an unknown ``--region`` listed neither slugs nor ids, and a name longer
    than its column passed on SQLite (which does not enforce the length)."""
    good = tmp_path / "jwks.json"
    good.write_text(json.dumps(keys.jwks))
    base = ("--jwks-file", str(good), "--scope", "system/*.rs")
    for wrong in ("norr", "²", "999999"):
        with pytest.raises(CommandError) as refused:
            call_command("register_fhir_client", "--name", "X", *base, "--region", wrong)
        assert f"test-region (id {world.region.pk})" in str(refused.value)
    with pytest.raises(CommandError, match="300 characters long; at most 200"):
        call_command(
            "register_fhir_client", "--name", "E" * 300, *base, "--clinic", world.clinic.slug
        )
    assert not SystemClient.objects.exists()
    call_command(
        "register_fhir_client", "--name", "E" * 200, *base, "--region", str(world.region.pk)
    )
    assert SystemClient.objects.get().region == world.region


@pytest.mark.parametrize(
    ("requested", "registered", "granted"),
    [
        ("system/*.rs", "system/*.rs", "system/*.rs"),
        ("system/Observation.read", "system/*.rs", "system/Observation.rs"),
        (
            "system/Observation.rs system/Patient.r",
            "system/Observation.rs",
            "system/Observation.rs",
        ),
        (
            "system/*.rs",
            "system/Observation.rs system/Patient.r",
            "system/Observation.rs system/Patient.r",
        ),
        ("system/Observation.s", "system/Observation.r", ""),
        ("launch openid system/Observation.sr", "system/*.rs", ""),
        ("system/Observation.cruds", "system/*.rs", "system/Observation.rs"),
    ],
)
def test_scope_grants(requested, registered, granted):
    assert scopes.text(scopes.grant(requested, registered)) == granted
