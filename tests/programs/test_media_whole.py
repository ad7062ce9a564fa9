"""An image whose first bytes are right but which was cut short (an upload or a copy
that stopped part way) was stored, in the step editor and from a package: the sniffing
reads 64 bytes, and the browser then drew half the picture or none (left by decision
0145). It is now decoded whole before it is accepted (decision 0149)."""

from __future__ import annotations

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from tessera.programs.content_rules import image_is_whole
from tessera.programs.models import MediaFile
from tessera.programs.packages import PackageRejected, read_package
from tests.programs.fixtures_packages import image_files, image_manifest, media_entry, package

CUT_SHORT = "This image is damaged or cut short: it cannot be shown whole."


def picture(kind: str, **options) -> bytes:
    """A real image with enough detail that its data is most of the file."""
    noise = random.Random(kind)  # noqa: S311 - pixels, not secrets
    image = Image.new("RGB", (96, 64))
    image.putdata([tuple(noise.randrange(256) for _ in range(3)) for _ in range(96 * 64)])
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


WHOLE = {
    "png": picture("PNG"),
    "jpeg": picture("JPEG"),
    "progressive jpeg": picture("JPEG", progressive=True),
    "webp": picture("WEBP"),
}


@pytest.mark.parametrize("kind", WHOLE)
def test_a_whole_image_is_whole_and_one_cut_short_is_not(kind):
    data = WHOLE[kind]
    assert image_is_whole(data)
    for cut in (len(data) // 3, len(data) // 2, len(data) - 16):
        assert not image_is_whole(data[:cut]), cut


def test_a_jpeg_cut_short_is_refused_after_weasyprint_let_pillow_accept_it():
    import weasyprint  # noqa: F401 - sets ImageFile.LOAD_TRUNCATED_IMAGES, as letters do

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    data = WHOLE["jpeg"]
    assert image_is_whole(data)
    assert image_is_whole(data + b"bytes after the end marker")  # as some cameras write
    assert not image_is_whole(data[: len(data) // 2])
    assert not image_is_whole(data[:-2])  # all but the end marker


def test_pillows_bomb_limit_refuses_an_image_saying_it_is_huge(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    assert not image_is_whole(WHOLE["png"])  # 6,144 pixels: over the lowered limit


@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_an_upload_cut_short_is_refused_and_the_form_kept(library, login, kind):
    client = login(library["author"])
    step = library.module_draft.steps.get(kind="image")
    data = WHOLE[kind]
    upload = SimpleUploadedFile(f"cycle.{kind}", data[: len(data) // 2], content_type="image/png")
    response = client.post(
        reverse("library_step_edit", args=[step.pk]),
        {"title": "Kept title", "media_alt": "Kept alt", "upload": upload},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert CUT_SHORT in text and "Kept title" in text and "Kept alt" in text
    assert MediaFile.objects.count() == 1  # the library's own


def test_a_package_with_an_image_cut_short_is_refused():
    whole = WHOLE["png"]
    cut = whole[: len(whole) // 2]
    manifest = image_manifest(cut)
    manifest["media"] = [media_entry("media/dot.png", cut)]
    with pytest.raises(PackageRejected) as caught:
        read_package(package(manifest, image_files(cut)))
    assert caught.value.problems == [
        'media[0]: "media/dot.png" is damaged or cut short; the image cannot be shown whole.'
    ]
    read_package(package(image_manifest(whole), image_files(whole)))  # the whole one is read
