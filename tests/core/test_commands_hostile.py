"""Every management command answers bad input with a plain message (CommandError), never a
traceback, and writes nothing half (decision 0126). The table has a row for every command
the project ships: a new command is refused here until it has its hostile rows."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, get_commands
from django.db import connection

from tessera.core.management import files
from tessera.fhir.models import ReferrerClient
from tessera.reports.models import Register

# Commands that take no input at all: nothing to be hostile with (they are run by the
# scheduler or the operator as they are; their own tests cover what they do).
NO_INPUT = {
    "automation_sweep",
    "build_quarterly_reports",
    "demo_totp",
    "fhir_sweep",
    "list_fhir_clients",
    "rebuild_outcomes",
    "safety_checks",
    "seed_demo",
}


def _cases(tmp: Path, slug: str, region: int) -> list[tuple[str, list[str], str]]:
    """(command, arguments, a part of the message it must give)."""
    missing = str(tmp / "no such folder" / "file")
    folder = str(tmp)
    not_json = tmp / "not.json"
    not_json.write_text("{not json", encoding="utf-8")
    not_text = tmp / "not-text.bin"
    not_text.write_bytes(b"\xff\xfe\x00garbage")
    # Deeper than the parser recurses: before, RecursionError (not a ValueError) escaped.
    deep = tmp / "deep.json"
    deep.write_text("[" * 10_000 + "]" * 10_000, encoding="utf-8")
    pg = connection.vendor == "postgresql"
    backup_says = "there is no folder" if pg else "need PostgreSQL"
    return [
        ("backup", [missing], backup_says),
        ("backup", [folder], "it is a folder" if pg else "need PostgreSQL"),
        ("restore", [missing, "--database-url", "postgres:///x"], "Cannot read the backup"),
        ("restore", [folder, "--database-url", "postgres:///x"], "it is a folder"),
        ("verify_audit_trail", ["--expect-heads", missing], "Cannot read the heads file"),
        ("verify_audit_trail", ["--expect-heads", str(not_json)], "is not the JSON"),
        ("verify_audit_trail", ["--expect-heads", str(not_text)], "not UTF-8 text"),
        ("verify_audit_trail", ["--expect-heads", str(deep)], "nested too deeply"),
        (
            "register_fhir_client",
            ["--name", "x", "--jwks-file", str(deep), "--scope", "system/*.rs", "--clinic", slug],
            "nested too deeply",
        ),
        ("verify_audit_trail", ["--expect-head", "nonsense"], "does not contain"),
        ("fhir_demo_client", ["--client-id", "x", "--key-file", missing], "private key file"),
        (
            "fhir_demo_client",
            ["--client-id", "x", "--key-file", str(not_json), "--base-url", "notaurl"],
            "is not an http(s) address",
        ),
        (
            "fhir_demo_client",
            ["--client-id", "x", "--key-file", str(not_json), "--base-url", "http://[::1"],
            "is not an http(s) address",
        ),
        ("issue_referrer_token", ["--clinic", "nosuch", "--organisation", "X"], "No clinic"),
        ("issue_referrer_token", ["--clinic", slug, "--organisation", "  "], "Name the"),
        ("issue_referrer_token", ["--clinic", slug, "--organisation", "x" * 201], "at most 200"),
        (
            "register_fhir_client",
            ["--name", "x", "--jwks-file", missing, "--scope", "system/*.rs", "--clinic", slug],
            "Cannot read the JWKS file",
        ),
        (
            "register_fhir_client",
            [
                "--name",
                "x",
                "--jwks-file",
                str(not_json),
                "--scope",
                "system/*.rs",
                "--clinic",
                slug,
            ],
            "is not JSON",
        ),
        (
            "register_fhir_client",
            ["--name", "x", "--jwks-url", "https://x.test/k", "--scope", "x", "--region", "999"],
            "No region",
        ),
        (
            "register_record_endpoint",
            [
                "--clinic",
                slug,
                "--organisation",
                "GP",
                "--url",
                "https://gp.test/fhir",
                "--token-file",
                missing,
            ],
            "Cannot read the token file",
        ),
        (
            "register_record_endpoint",
            ["--clinic", "nosuch", "--organisation", "GP", "--url", "https://gp.test/fhir"],
            "No clinic",
        ),
        ("revoke_fhir_client", ["nosuch"], "No client"),
        ("revoke_referrer_token", ["nosuch"], "need exactly one"),
        ("failed_notifications", ["--days", "999999999"], "from 1 to"),
        ("failed_notifications", ["--days", "-5"], "from 1 to"),
        ("failed_notifications", ["--days", "many"], "invalid int value"),
        ("export_programme", [str(region), "x", "--output", missing], "there is no folder"),
        ("export_programme", [str(region), "x", "--output", folder], "it is a folder"),
        ("export_programme", ["999", "x", "--output", folder], "no region 999"),
        (
            "export_programme",
            [str(region), "nosuch", "--output", str(tmp / "p.zip")],
            "no published",
        ),
        ("import_package", [str(region), missing, "--as", "nobody@x.test"], "no user"),
        ("import_package", ["999", missing, "--as", "nobody@x.test"], "no region 999"),
        ("load_sample_content", ["999"], "no region 999"),
        ("load_sample_content", [str(region), "--as", "nobody@x.test"], "no user"),
        ("export_register", ["two words"], "short names"),
        ("export_register", ["x" * 51], "at most 50"),
        ("export_register", ["national", "--profile", "../../secrets"], "short names"),
        ("export_register", ["national", "--profile", "nosuch"], "No profile nosuch-1"),
        ("export_register", ["national", "--profile-version", "-1"], "No profile generic--1"),
    ]


def test_every_command_has_hostile_rows(db, tmp_path):
    ours = {name for name, app in get_commands().items() if app.startswith("tessera")}
    covered = {case[0] for case in _cases(tmp_path, "s", 1)} | NO_INPUT
    assert ours - covered == set(), "give these commands rows in _cases"


def test_bad_input_gets_a_message_not_a_traceback(world, tmp_path):
    failures = []
    for command, args, expected in _cases(tmp_path, world.clinic.slug, world.region.pk):
        try:
            call_command(command, *args, stdout=io.StringIO(), stderr=io.StringIO())
        except CommandError as exc:
            if expected.lower() not in str(exc).lower():
                failures.append(f"{command} {args[:3]}: said {exc!s:.200}")
        except Exception as exc:  # noqa: BLE001 - the point: nothing but a message
            failures.append(f"{command} {args[:3]}: {exc.__class__.__name__}: {exc!s:.200}")
        else:
            failures.append(f"{command} {args[:3]}: took it")
    assert failures == []
    # Refused input wrote nothing: no token, no register, no file.
    assert not ReferrerClient.objects.exists()
    assert not Register.objects.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deep.json", "not-text.bin", "not.json"]


def test_a_register_keeps_the_profile_it_was_made_with(world):
    call_command("export_register", "national", stdout=io.StringIO())
    with pytest.raises(CommandError, match="keeps its profile"):
        call_command("export_register", "national", "--profile-version", "2")
    call_command("export_register", "national", "--profile", "generic", stdout=io.StringIO())
    assert Register.objects.get().version == 1


def test_a_file_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    target = tmp_path / "package.zip"
    target.write_bytes(b"the last good one")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full_disk)
    with pytest.raises(CommandError, match="No space left on device"):
        files.write_whole(target, b"half", "package")
    assert target.read_bytes() == b"the last good one"
    assert [p.name for p in tmp_path.iterdir()] == ["package.zip"]

    monkeypatch.undo()
    files.write_whole(target, b"new", "package")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["package.zip"]
