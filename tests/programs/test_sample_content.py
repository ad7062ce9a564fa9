"""Every sample programme in tessera/programs/content/ imports, and round-trips exactly
into another region; loading the samples twice changes nothing the second time."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from tessera.programs.management.commands import load_sample_content
from tessera.programs.packages import do_import_package, export_programme, zip_directory
from tessera.programs.packages.importer import MODULE_DEFAULTS, PROGRAMME_DEFAULTS
from tests.programs import fixtures_packages
from tests.programs.fixtures_packages import (
    counts,
    minimal_manifest,
    snapshot,
)

# Fixtures, used by name.
regions = fixtures_packages.regions
media_root = fixtures_packages.media_root

SAMPLES = load_sample_content.sample_directories()


def expected_manifest(folder) -> dict:
    """The sample's manifest as an export writes it: body files inline, defaults filled."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["programme"] = PROGRAMME_DEFAULTS | manifest["programme"]
    if not manifest["programme"]["translations"]:
        del manifest["programme"]["translations"]  # written only when there are some
    for module in manifest["modules"]:
        module.update(MODULE_DEFAULTS | module)
        for step in module["steps"]:
            if "body_file" in step:
                step["body"] = (folder / step.pop("body_file")).read_text(encoding="utf-8")
            for key in [k for k, v in step.items() if v in ("", [], None)]:
                del step[key]
    order = manifest["programme"]["modules"]
    # The programme's modules in its order, each followed by its translations by key.
    manifest["modules"].sort(
        key=lambda m: (
            order.index(m.get("translation_of", m["key"])),
            "translation_of" in m,
            m["key"],
        )
    )
    return manifest


def manifest_of(data: bytes) -> dict:
    return json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))


@pytest.mark.skipif(not SAMPLES, reason="no sample programmes in tessera/programs/content/")
@pytest.mark.parametrize("folder", SAMPLES, ids=[folder.name for folder in SAMPLES])
def test_a_sample_round_trips_exactly_into_another_region(folder, regions):
    first = do_import_package(
        zip_directory(folder), region=regions.region, acting_user=regions.author
    )
    exported = export_programme(first.programme_version)

    second = do_import_package(
        exported, region=regions.other_region, acting_user=regions.other_author
    )

    assert export_programme(second.programme_version) == exported
    assert snapshot(second.programme_version) == snapshot(first.programme_version)
    assert manifest_of(exported) == expected_manifest(folder)


@pytest.mark.skipif(not SAMPLES, reason="no sample programmes in tessera/programs/content/")
def test_loading_the_samples_twice_reuses_everything(regions, media_root, capsys):
    call_command("load_sample_content", regions.region.pk, "--as", regions.author.email)
    first = capsys.readouterr().out
    before = counts(media_root)

    call_command("load_sample_content", regions.region.pk)

    second = capsys.readouterr().out
    assert all(f"{folder.name}: Imported programme" in first for folder in SAMPLES)
    assert all(f"{folder.name}: already there" in second for folder in SAMPLES)
    after = counts(media_root)
    assert after.pop("imported_again") == before.pop("imported_again") + len(SAMPLES)
    assert after == before


def test_the_loader_reports_a_broken_sample_and_fails(regions, tmp_path, monkeypatch, capsys):
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    (good / "manifest.json").write_text(json.dumps(minimal_manifest()))
    broken = minimal_manifest(key="broken", module="broken-module")
    broken["format_version"] = 9
    (bad / "manifest.json").write_text(json.dumps(broken))
    (good / ".DS_Store").write_bytes(b"\0")  # hidden files are left out of the package
    monkeypatch.setattr(load_sample_content, "CONTENT", tmp_path)

    with pytest.raises(CommandError, match="Not imported: bad"):
        call_command("load_sample_content", regions.region.pk)

    printed = capsys.readouterr()
    assert "good: Imported programme tiny version 1" in printed.out
    assert "bad: not imported:" in printed.err
    assert "format_version: this package is in format version 9" in printed.err


def test_the_loader_says_when_there_is_nothing_to_load(regions, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(load_sample_content, "CONTENT", tmp_path / "none")

    call_command("load_sample_content", regions.region.pk)

    assert "No sample programmes to load." in capsys.readouterr().out
