"""Export → import into another region → export again gives the same bytes and the same
regions; importing again changes nothing; versions, media and the audit trail."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from tessera.core.models import AuditEvent
from tessera.programs import actions
from tessera.programs.models import MediaFile, ModuleVersion, ProgrammeVersion, Status
from tessera.programs.packages import (
    ExportError,
    PackageRejected,
    do_import_package,
    export_programme,
)
from tests.programs import fixtures_packages
from tests.programs.fixtures_packages import (
    _store,
    build_programme,
    counts,
    latest,
    minimal_manifest,
    package,
    snapshot,
    tiny_png,
)

# Fixtures, used by name.
regions = fixtures_packages.regions
media_root = fixtures_packages.media_root


def test_a_programme_round_trips_exactly_into_another_region(regions):
    source = build_programme(regions.region, regions.author)
    first = export_programme(source)

    result = do_import_package(first, region=regions.other_region, acting_user=regions.other_author)

    copy = result.programme_version
    assert copy.programme.region == regions.other_region
    assert export_programme(copy) == first
    assert snapshot(copy) == snapshot(source)
    assert result.programme_created and result.modules_created == [
        "cbt-basics-intro v1",
        "cbt-basics-diary v1",
    ]
    assert (result.media_created, result.media_reused) == (2, 0)


def test_exports_are_deterministic_and_sorted_with_fixed_times(regions):
    source = build_programme(regions.region, regions.author)

    data = export_programme(source)

    assert export_programme(source) == data
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert names == sorted(names) and names[0] == "manifest.json"
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["format"] == "tessera-content-package" and manifest["format_version"] == 1
    assert manifest["programme"]["modules"] == ["cbt-basics-intro", "cbt-basics-diary"]
    assert [m["path"] for m in manifest["media"]] == [
        "media/A-dot-small.png",
        "media/breathing.mp3",
    ]
    assert all("body_file" not in s for m in manifest["modules"] for s in m["steps"])


def test_imported_versions_are_published_by_the_acting_user(regions):
    data = export_programme(build_programme(regions.region, regions.author))

    result = do_import_package(data, region=regions.other_region, acting_user=regions.other_author)

    versions = [result.programme_version] + list(
        ModuleVersion.objects.filter(module__region=regions.other_region)
    )
    for version in versions:
        assert version.status == Status.PUBLISHED
        assert version.published_by == regions.other_author
        assert version.created_by == regions.other_author
        assert version.published_at is not None
    positions = list(result.programme_version.entries.values_list("position", flat=True))
    assert positions == [1, 2]


def test_importing_the_same_package_again_reuses_everything(regions, media_root):
    data = export_programme(build_programme(regions.region, regions.author))
    do_import_package(data, region=regions.other_region, acting_user=regions.other_author)
    before = counts(media_root)

    again = do_import_package(data, region=regions.other_region, acting_user=regions.other_author)

    assert again.already_there
    assert again.modules_reused == ["cbt-basics-intro v1", "cbt-basics-diary v1"]
    assert "already there" in again.describe()
    after = counts(media_root)
    assert after.pop("imported_again") == before.pop("imported_again") + 1  # not "imported"
    assert after == before


def test_a_new_version_imports_beside_the_old_and_reuses_unchanged_modules(regions):
    source = build_programme(regions.region, regions.author)
    do_import_package(
        export_programme(source), region=regions.other_region, acting_user=regions.other_author
    )
    intro = source.entries.get(position=1).module_version
    draft = actions.do_new_module_draft(intro.module, acting_user=regions.author)
    actions.do_update_module_draft(draft, acting_user=regions.author, title="What CBT is, v2")
    intro2 = actions.do_publish_module(draft, acting_user=regions.author)
    programme_draft = actions.do_new_programme_draft(source.programme, acting_user=regions.author)
    diary = source.entries.get(position=2).module_version
    actions.do_set_programme_modules(
        programme_draft, acting_user=regions.author, module_version_ids=[intro2.pk, diary.pk]
    )
    source2 = actions.do_publish_programme(programme_draft, acting_user=regions.author)

    result = do_import_package(
        export_programme(source2), region=regions.other_region, acting_user=regions.other_author
    )

    assert result.programme_version.number == 2
    assert result.modules_created == ["cbt-basics-intro v2"]
    assert result.modules_reused == ["cbt-basics-diary v1"]
    assert (result.media_created, result.media_reused) == (0, 2)
    assert snapshot(result.programme_version) == snapshot(source2)
    assert ProgrammeVersion.objects.filter(programme__region=regions.other_region).count() == 2


def test_media_already_in_the_region_are_reused(regions):
    data = export_programme(build_programme(regions.region, regions.author))
    existing = _store(regions.other_region, regions.other_author, "mine.png", tiny_png())

    result = do_import_package(data, region=regions.other_region, acting_user=regions.other_author)

    assert (result.media_created, result.media_reused) == (1, 1)
    image = result.programme_version.entries.get(position=1).module_version.steps.get(position=2)
    assert image.media == existing


def test_different_files_with_the_same_name_get_distinct_paths_that_survive(regions):
    region, author = regions.region, regions.author
    red = _store(region, author, "photo.png", tiny_png((255, 0, 0)))
    green = _store(region, author, "photo.png", tiny_png((0, 255, 0)))
    module = actions.do_create_module(region, acting_user=author, key="pics", title="Pictures")
    draft = module.versions.get()
    for media in (red, green):
        actions.do_add_step(
            draft, acting_user=author, kind="image", title="A", media=media, media_alt="Colour"
        )
    version = actions.do_publish_module(draft, acting_user=author)
    programme = actions.do_create_programme(
        region, acting_user=author, key="pics", title="Pictures", problem_area="other"
    )
    pdraft = programme.versions.get()
    actions.do_set_programme_modules(pdraft, acting_user=author, module_version_ids=[version.pk])
    source = actions.do_publish_programme(pdraft, acting_user=author)
    first = export_programme(source)

    paths = [
        m["path"]
        for m in json.loads(zipfile.ZipFile(io.BytesIO(first)).read("manifest.json"))["media"]
    ]
    assert len(set(paths)) == 2 and all(p.startswith("media/photo-") for p in paths)
    copy = do_import_package(first, region=regions.other_region, acting_user=author)
    assert export_programme(copy.programme_version) == first


def test_the_import_is_audited_with_what_it_created(regions):
    data = export_programme(build_programme(regions.region, regions.author))

    result = do_import_package(data, region=regions.other_region, acting_user=regions.other_author)

    event = AuditEvent.objects.get(action="content.package_imported")
    assert event.actor == regions.other_author
    assert event.purpose == "administration"
    assert event.object_id == str(result.programme_version.pk)
    assert event.changes["programme"] == "cbt-basics v1"
    assert event.changes["modules_created"] == ["cbt-basics-intro v1", "cbt-basics-diary v1"]
    assert event.changes["region"] == regions.other_region.pk
    assert event.changes["media_created"] == 2


def test_only_published_versions_are_exported(regions):
    region, author = regions.region, regions.author
    programme = actions.do_create_programme(
        region, acting_user=author, key="draft", title="Draft", problem_area="other"
    )

    with pytest.raises(ExportError, match="published"):
        export_programme(programme.versions.get())


def test_a_missing_stored_file_stops_the_export_with_a_message(regions, media_root):
    source = build_programme(regions.region, regions.author)
    for media in MediaFile.objects.all():
        media.file.storage.delete(media.file.name)

    with pytest.raises(ExportError, match="missing from storage"):
        export_programme(source)


# --- the commands ------------------------------------------------------------------------


def test_the_commands_export_and_import(regions, tmp_path, capsys):
    build_programme(regions.region, regions.author)
    out = tmp_path / "basics.zip"

    call_command("export_programme", regions.region.pk, "cbt-basics", "--output", str(out))
    call_command(
        "import_package", regions.other_region.pk, str(out), "--as", regions.other_author.email
    )

    printed = capsys.readouterr().out
    assert "Exported cbt-basics version 1" in printed
    assert "Imported programme cbt-basics version 1" in printed
    assert export_programme(latest(regions.other_region, "cbt-basics")) == out.read_bytes()


def test_the_export_command_takes_a_version_number(regions, tmp_path):
    build_programme(regions.region, regions.author)
    out = tmp_path / "x.zip"

    with pytest.raises(CommandError, match="no version 7"):
        call_command(
            "export_programme", regions.region.pk, "cbt-basics", "--version", "7", "--output", out
        )
    call_command(
        "export_programme", regions.region.pk, "cbt-basics", "--version", "1", "--output", out
    )
    assert out.stat().st_size > 0


def test_the_import_command_prints_problems_and_fails(regions, tmp_path, capsys):
    manifest = minimal_manifest()
    manifest["format_version"] = 2
    bad = tmp_path / "bad.zip"
    bad.write_bytes(package(manifest))
    before = counts()

    with pytest.raises(CommandError, match="not imported"):
        call_command("import_package", regions.region.pk, str(bad), "--as", regions.author.email)

    assert "format_version: this package is in format version 2" in capsys.readouterr().err
    assert counts() == before


def test_the_import_command_needs_a_known_user(regions, tmp_path):
    path = tmp_path / "p.zip"
    path.write_bytes(package(minimal_manifest()))

    with pytest.raises(CommandError, match="no user"):
        call_command("import_package", regions.region.pk, str(path), "--as", "nobody@x.test")


def test_a_rejected_package_is_an_exception_with_a_list(regions):
    with pytest.raises(PackageRejected) as caught:
        do_import_package(b"not a zip", region=regions.region, acting_user=regions.author)

    assert caught.value.problems == ["This is not a zip file, or it is damaged."]
