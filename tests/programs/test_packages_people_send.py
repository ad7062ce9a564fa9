"""What people upload by mistake as a content package, through the import page: each gets
a message on the page, nothing is written, and the same package twice is one import."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.programs import fixtures_packages
from tests.programs.fixtures_packages import counts, minimal_manifest, package, raw_zip, tiny_png

media_root = fixtures_packages.media_root

IMPORT = reverse("package_import")
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
MANIFEST = json.dumps(minimal_manifest(), indent=1)


def bomb() -> bytes:
    """A manifest.json that unpacks to 50 MB from about 50 KB."""
    return raw_zip([("manifest.json", b"{" + b" " * 50_000_000 + b"}")])


def cases():
    good = package(MANIFEST)
    return {
        "pdf-named-zip": (PDF, "This is not a zip file, or it is damaged."),
        "png-named-zip": (tiny_png(), "This is not a zip file, or it is damaged."),
        "truncated-zip": (good[: len(good) // 2], "This is not a zip file, or it is damaged."),
        "path-outside": (
            raw_zip([("manifest.json", MANIFEST.encode()), ("../x", b"x")]),
            "File &quot;../x&quot;",
        ),
        "zip-bomb": (bomb(), "unpacks to more than"),
        "utf16-manifest": (package(MANIFEST.encode("utf-16")), "manifest.json is not UTF-8 text"),
        "latin1-manifest": (
            package(MANIFEST.replace("A tiny programme", "Å tiny").encode("latin-1")),
            "manifest.json is not UTF-8 text",
        ),
        "deep-manifest": (package("[" * 10_000 + "]" * 10_000), "nested too deeply"),
        "empty-manifest": (package(b""), "manifest.json is not valid JSON"),
    }


@pytest.mark.parametrize("name", list(cases()))
def test_a_wrong_file_is_a_message_and_nothing_is_written(world, login, media_root, name):
    data, expected = cases()[name]
    before = counts(media_root)
    upload = {"package": SimpleUploadedFile("package.zip", data, "application/zip")}
    response = login(world["author"]).post(IMPORT, upload)
    assert response.status_code == 200
    page = response.content.decode()
    assert expected in page, page[page.find("<main") :][:3000]
    assert counts(media_root) == before


def test_a_manifest_with_a_byte_order_mark_is_imported(world, login):
    data = package(b"\xef\xbb\xbf" + MANIFEST.encode())
    upload = {"package": SimpleUploadedFile("package.zip", data, "application/zip")}
    client = login(world["author"])
    assert client.post(IMPORT, upload).status_code == 302
    before = counts()
    upload = {"package": SimpleUploadedFile("package.zip", data, "application/zip")}
    client.post(IMPORT, upload)
    # Nothing added the second time; the attempt itself is in the audit trail, as an
    # import that had nothing new (it was a second "imported", decision 0149).
    assert counts() == before | {"imported_again": before["imported_again"] + 1}
    assert "was already there; nothing was added" in client.get(IMPORT).content.decode()


def test_the_bomb_is_refused_by_size_before_it_is_unpacked(monkeypatch):
    """Its header says 50 MB, more than a manifest may be: before, about 5 MB were
    unpacked before the ratio check stopped it; now nothing is."""
    from tessera.programs.packages import reader

    seen = []
    real = reader._Budget._check
    monkeypatch.setattr(
        reader._Budget,
        "_check",
        lambda self, count, *a: seen.append(count) or real(self, count, *a),
    )
    with pytest.raises(reader.PackageRejected) as rejected:
        reader.read_package(bomb())
    assert seen == []
    assert rejected.value.problems == ['File "manifest.json" unpacks to more than 10.0\xa0MB.']
