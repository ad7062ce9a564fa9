"""Importing and exporting packages in the browser."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tessera.core import actions as core
from tessera.core.roles import Role
from tessera.programs import actions
from tessera.programs.models import Programme
from tessera.programs.packages import do_import_package, export_programme
from tests.programs import fixtures_packages
from tests.programs.fixtures_packages import (
    build_programme,
    counts,
    image_files,
    image_manifest,
    latest,
    minimal_manifest,
    package,
    tiny_png,
)

# Fixtures, used by name.
media_root = fixtures_packages.media_root

IMPORT = reverse("package_import")


def upload(data: bytes, name: str = "package.zip") -> dict:
    return {"package": SimpleUploadedFile(name, data, content_type="application/zip")}


def test_the_import_page_has_a_labelled_file_input(world, login):
    login(world["author"])

    page = login(world["author"]).get(IMPORT).content.decode()

    assert '<label for="id_package">Content package' in page
    assert 'type="file" name="package"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "Test Region" in page  # the one region the package goes to


def test_an_author_imports_a_package_and_is_told_what_came_in(world, login):
    png = tiny_png()
    client = login(world["author"])

    response = client.post(IMPORT, upload(package(image_manifest(png), image_files(png))))

    assert response.status_code == 302 and response["Location"] == IMPORT
    page = client.get(IMPORT).content.decode()
    assert "Imported programme tiny version 1: 1 new module version (0 already there)" in page
    version = latest(world.region, "tiny")
    assert version.published_by == world["author"]


def test_a_second_import_says_it_was_already_there(world, login):
    data = package(minimal_manifest())
    client = login(world["author"])
    client.post(IMPORT, upload(data))

    client.post(IMPORT, upload(data))

    assert "was already there; nothing was added" in client.get(IMPORT).content.decode()


def test_a_rejected_package_lists_its_problems_and_changes_nothing(world, login, media_root):
    manifest = image_manifest(tiny_png())
    manifest["format_version"] = 3
    before = counts(media_root)

    response = login(world["author"]).post(IMPORT, upload(package(manifest)))

    assert response.status_code == 200
    page = response.content.decode()
    assert "The package was not imported, and nothing was changed." in page
    assert "<li>format_version: this package is in format version 3;" in page
    assert counts(media_root) == before


def test_problems_are_escaped_on_the_page(world, login):
    manifest = minimal_manifest()
    manifest["modules"][0]["steps"][0]["<script>alert(1)</script>"] = 1

    page = login(world["author"]).post(IMPORT, upload(package(manifest))).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;: is not part of this format." in page


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"GIF89a not a zip", "This is not a zip file, or it is damaged."),
        (b"PK\x03\x04\x14\x00", "This is not a zip file, or it is damaged."),
    ],
)
def test_a_file_that_is_not_a_zip_is_a_problem_not_an_error(world, login, data, expected):
    response = login(world["author"]).post(IMPORT, upload(data, "photo.gif"))

    assert response.status_code == 200
    assert expected in response.content.decode()


def test_an_empty_upload_gets_a_message_beside_the_field(world, login):
    response = login(world["author"]).post(IMPORT, upload(b""))

    assert response.status_code == 200
    assert "The submitted file is empty." in response.content.decode()


def test_no_file_gets_a_message_beside_the_field(world, login):
    response = login(world["author"]).post(IMPORT, {})

    assert response.status_code == 200
    assert 'id="id_package_error"' in response.content.decode()


def test_a_file_above_the_limit_is_refused_before_reading(world, login, settings):
    settings.TESSERA_PACKAGE_MAX_BYTES = 1000
    before = counts()

    response = login(world["author"]).post(IMPORT, upload(b"PK" + bytes(5000)))

    assert response.status_code == 200
    assert "the largest package accepted is 1000\xa0bytes" in response.content.decode()
    assert counts() == before


def test_only_content_authors_may_import(world, login):
    for kind in ["therapist", "manager", "region_admin", "patient"]:
        client = login(world[kind])
        assert client.get(IMPORT).status_code == 403
        assert client.post(IMPORT, upload(package(minimal_manifest()))).status_code == 403
    assert not Programme.objects.exists()


def make_author_of_two_regions(world):
    from tests.conftest import make_clinic

    south = core.do_create_region(name="South", country="SE")
    core.do_grant_role(world["author"], make_clinic(south, "gamma"), Role.CONTENT_AUTHOR)
    return south


def test_an_author_of_two_regions_chooses_where_the_package_goes(world, login):
    south = make_author_of_two_regions(world)
    client = login(world["author"])
    assert '<select name="region"' in client.get(IMPORT).content.decode()

    client.post(IMPORT, {"region": south.pk} | upload(package(minimal_manifest())))

    assert latest(south, "tiny").programme.region == south
    assert not Programme.objects.filter(region=world.region).exists()


def test_an_author_cannot_import_into_a_region_they_do_not_write_to(world, login):
    make_author_of_two_regions(world)
    elsewhere = core.do_create_region(name="Elsewhere", country="SE")

    response = login(world["author"]).post(
        IMPORT, {"region": elsewhere.pk} | upload(package(minimal_manifest()))
    )

    assert response.status_code == 200
    assert 'id="id_region_error"' in response.content.decode()
    assert not Programme.objects.exists()


def test_with_one_region_a_posted_region_is_ignored(world, login):
    elsewhere = core.do_create_region(name="Elsewhere", country="SE")

    login(world["author"]).post(
        IMPORT, {"region": elsewhere.pk} | upload(package(minimal_manifest()))
    )

    assert latest(world.region, "tiny")
    assert not Programme.objects.filter(region=elsewhere).exists()


# --- export ----------------------------------------------------------------------------------


def export_url(programme) -> str:
    return reverse("programme_export", kwargs={"pk": programme.pk})


def test_the_export_is_the_latest_published_version_as_a_zip(world, login):
    version = build_programme(world.region, world["author"])

    response = login(world["therapist"]).get(export_url(version.programme))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="cbt-basics-v1.zip"'
    assert response.content == export_programme(version)
    assert zipfile.ZipFile(io.BytesIO(response.content)).namelist()[0] == "manifest.json"


def test_a_draft_after_the_published_version_is_not_exported(world, login):
    version = build_programme(world.region, world["author"])
    draft = actions.do_new_programme_draft(version.programme, acting_user=world["author"])
    actions.do_update_programme_draft(draft, acting_user=world["author"], title="Changed")

    response = login(world["author"]).get(export_url(version.programme))

    assert response.content == export_programme(version)


def test_a_programme_with_nothing_published_is_not_found(world, login):
    programme = actions.do_create_programme(
        world.region, acting_user=world["author"], key="wip", title="WIP", problem_area="other"
    )

    assert login(world["author"]).get(export_url(programme)).status_code == 404


def test_another_regions_programme_is_not_found(world, login):
    elsewhere = core.do_create_region(name="Elsewhere", country="SE")
    result = do_import_package(
        package(minimal_manifest()), region=elsewhere, acting_user=world["author"]
    )

    response = login(world["author"]).get(export_url(result.programme_version.programme))

    assert response.status_code == 404


def test_a_programme_that_cannot_be_exported_says_why(world, login, media_root):
    version = build_programme(world.region, world["author"])
    for path in media_root.rglob("*.png"):
        path.unlink()

    response = login(world["author"]).get(export_url(version.programme))

    assert response.status_code == 409
    assert "is missing from storage" in response.content.decode()
