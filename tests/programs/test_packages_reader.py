"""Reading a package zip: what passes, and the message for each thing that does not."""

from __future__ import annotations

import io
import json
import struct
import zipfile

import pytest

from tessera.programs.packages import PackageRejected, read_package, sniff
from tests.programs.fixtures_packages import (
    image_files,
    image_manifest,
    media_entry,
    minimal_manifest,
    package,
    raw_zip,
    tiny_png,
)


def rejected(data: bytes) -> list[str]:
    with pytest.raises(PackageRejected) as caught:
        read_package(data)
    return caught.value.problems


def test_a_valid_package_is_read_with_its_body_files_and_media():
    png = tiny_png()

    result = read_package(package(image_manifest(png), image_files(png)))

    assert result.manifest["programme"]["key"] == "tiny"
    assert result.texts == {"modules/hello/why.md": "Because *why not*.\n"}
    assert result.media == {"media/dot.png": png}


def test_directory_entries_and_a_byte_order_mark_are_fine():
    text = "\ufeff" + json.dumps(minimal_manifest())
    data = raw_zip([("modules/", b""), ("manifest.json", text.encode())])

    assert read_package(data).manifest["modules"][0]["key"] == "hello"


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"", "The file is empty."),
        (b"PK\x03\x04 not really", "This is not a zip file, or it is damaged."),
        (b"#!/bin/sh\necho hi\n", "This is not a zip file, or it is damaged."),
    ],
)
def test_what_is_not_a_zip_is_said_so(data, expected):
    assert rejected(data) == [expected]


def test_a_truncated_zip_is_damaged():
    data = package(minimal_manifest())

    assert rejected(data[: len(data) // 2]) == ["This is not a zip file, or it is damaged."]


def test_a_manifest_inside_a_folder_gets_a_hint():
    data = raw_zip([("tiny/manifest.json", json.dumps(minimal_manifest()).encode())])

    assert rejected(data) == [
        "The package has no manifest.json at its top level. It has tiny/manifest.json: zip "
        "the contents of the folder, not the folder itself."
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        (b"\xff\xfe{}", "manifest.json is not UTF-8 text (at byte 0)."),
        (b'{"format": ', "manifest.json is not valid JSON: Expecting value at line 1, column 12."),
        (b'{"a": 1, "a": 2}', 'manifest.json has the key "a" twice in one object.'),
        (b'{"a": NaN}', "manifest.json is not valid JSON: NaN is not allowed in JSON."),
        (b"[" * 100_000 + b"]" * 100_000, "manifest.json is nested too deeply."),
    ],
)
def test_a_manifest_must_be_plain_json_in_utf8(text, expected):
    assert rejected(raw_zip([("manifest.json", text)])) == [expected]


def test_manifest_problems_are_all_listed():
    manifest = minimal_manifest()
    manifest["programme"]["version"] = 0
    manifest["modules"][0]["title"] = ""

    assert rejected(package(manifest)) == [
        "modules[0].title: must not be empty.",
        "programme.version: must be a whole number from 1 to 2147483647.",
    ]


def test_files_the_manifest_names_must_be_there():
    png = tiny_png()

    assert rejected(package(image_manifest(png), {})) == [
        'modules[0].steps[1].body_file: "modules/hello/why.md" is not in the package.',
        'media[0].path: "media/dot.png" is not in the package.',
    ]


def test_files_the_manifest_does_not_name_are_refused():
    png = tiny_png()
    files = image_files(png) | {"run.py": b"import os", "modules/hello/notes.md": b"x"}

    assert rejected(package(image_manifest(png), files)) == [
        'File "modules/hello/notes.md" is not named in the manifest; a package holds nothing else.',
        'File "run.py" is not named in the manifest; a package holds nothing else.',
    ]


def test_body_files_must_be_utf8():
    png = tiny_png()
    files = image_files(png) | {"modules/hello/why.md": b"caf\xe9"}

    assert rejected(package(image_manifest(png), files)) == [
        'modules[0].steps[1].body_file: "modules/hello/why.md" is not UTF-8 text.'
    ]


def test_media_must_match_their_size_hash_and_declared_type():
    png = tiny_png()
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 60
    manifest = image_manifest(png)
    manifest["modules"][0]["steps"] += [
        {"kind": "image", "title": "2", "media": "media/b.png", "media_alt": "b"},
        {"kind": "image", "title": "3", "media": "media/c.png", "media_alt": "c"},
    ]
    manifest["media"] += [
        media_entry("media/b.png", png + b"!") | {"size": len(png)},
        media_entry("media/c.png", jpeg),
    ]
    files = image_files(png) | {"media/b.png": png + b"!", "media/c.png": jpeg}
    manifest["media"][0]["sha256"] = "0" * 64

    assert rejected(package(manifest, files)) == [
        'media[0].sha256: does not match the contents of "media/dot.png"; the file is damaged '
        "or was changed after the manifest was written.",
        f'media[1].size: the manifest says {len(png)} bytes but "media/b.png" has {len(png) + 1}.',
        'media[2].content_type: "media/c.png" is declared as image/png but its contents are '
        "image/jpeg.",
    ]


@pytest.mark.parametrize(
    "head, expected",
    [
        (tiny_png(), "image/png"),
        (b"\xff\xd8\xff\xdb" + b"\x00" * 8, "image/jpeg"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"ID3\x03\x00\x00\x00\x00\x00\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x00" + b"\x00" * 8, "audio/mpeg"),
        (b"OggS\x00\x02" + b"\x00" * 8, "audio/ogg"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", "video/mp4"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", None),
        (b"#!/bin/sh\nrm -rf /\n", None),
        (b"<html><script>alert(1)</script>", None),
        (b"MZ\x90\x00", None),
        (b"", None),
    ],
)
def test_media_types_are_sniffed_from_their_bytes(head, expected):
    assert sniff(head) == expected


def test_zip_entries_with_unsupported_compression_are_refused():
    info = zipfile.ZipInfo("manifest.json")
    info.compress_type = zipfile.ZIP_BZIP2

    assert rejected(raw_zip([(info, json.dumps(minimal_manifest()).encode())])) == [
        'File "manifest.json": is compressed with a method other than stored or deflate.'
    ]


def test_an_encrypted_entry_is_refused():
    data = bytearray(package(minimal_manifest()))
    # Set the "encrypted" flag in the central directory entry of the one file.
    central = data.rfind(b"PK\x01\x02")
    flags = struct.unpack("<H", data[central + 8 : central + 10])[0] | 0x1
    data[central + 8 : central + 10] = struct.pack("<H", flags)

    assert rejected(bytes(data)) == ['File "manifest.json": is encrypted.']


def test_a_file_count_beyond_the_limit_is_refused_from_the_end_record(settings):
    settings.TESSERA_PACKAGE_MAX_FILES = 3
    data = raw_zip([(f"f{i}", b"") for i in range(4)])

    assert rejected(data) == ["The package holds 4 files; at most 3 are allowed."]


def test_the_table_of_contents_is_checked_before_it_is_parsed():
    data = bytearray(package(minimal_manifest()))
    end = data.rfind(b"PK\x05\x06")
    data[end + 10 : end + 12] = struct.pack("<H", 60_000)  # entries claimed

    assert rejected(bytes(data)) == ["The package holds 60000 files; at most 2000 are allowed."]


def test_the_package_itself_may_not_exceed_the_limit(settings):
    settings.TESSERA_PACKAGE_MAX_BYTES = 100
    data = package(minimal_manifest())

    assert rejected(data) == [
        f"The package is {len(data)}\xa0bytes; the largest accepted is 100\xa0bytes."
    ]


def test_a_damaged_entry_is_said_so():
    data = bytearray(package(minimal_manifest()))
    at = data.find(b"PK\x03\x04") + 30 + len("manifest.json") + 5
    data[at] ^= 0xFF  # flip a byte of the deflated manifest

    (problem,) = rejected(bytes(data))
    assert problem.startswith(('File "manifest.json" is damaged', "manifest.json is not"))


def test_a_file_declared_too_large_is_refused_before_reading(settings):
    settings.TESSERA_PACKAGE_MAX_FILE_BYTES = 2000
    manifest = minimal_manifest()
    manifest["programme"]["evidence"] = "x" * 3000
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest))

    assert rejected(data.getvalue()) == [
        'File "manifest.json": is 3.3\xa0KB unpacked; the largest file accepted is 2.0\xa0KB.'
    ]
