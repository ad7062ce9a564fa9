"""A small library built through the authoring actions: a module with a published
version 1 and a draft version 2 (text, image and worksheet steps), a draft-only
module, and a published programme using version 1 with a draft version 2."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from tessera.programs import actions
from tests.snapshot import shared, shared_data

# The smallest PNG there is: one transparent pixel. (Its IDAT chunk said 13 bytes for
# its 10, so no decoder could read it: found when uploads began to be decoded whole.)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000a49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)
WORKSHEET = [
    {"key": "activity", "label": "What did you do?", "type": "text", "required": True},
    {"key": "mood", "label": "Mood", "type": "scale_0_10"},
    {"key": "when", "label": "When", "type": "choice", "choices": ["Morning", "Evening"]},
    {
        "key": "plan",
        "label": "Plan for the week",
        "type": "table",
        "columns": [
            {"key": "day", "label": "Day", "type": "date"},
            {"key": "what", "label": "What", "type": "text"},
        ],
    },
]


def png_upload(name: str = "cycle.png", extra: bytes = b"") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG + extra, content_type="image/png")


def add_library(world):
    """Adds the library to the world, its media stored under the MEDIA_ROOT in force."""
    author = world["author"]
    module = actions.do_create_module(
        world.region,
        acting_user=author,
        key="lib-activity",
        title="Activity and mood",
        language="en",
        summary="Why doing things helps.",
        estimated_minutes=25,
    )
    v1 = module.versions.get()
    actions.do_add_step(v1, acting_user=author, kind="text", title="Why", body="Doing **helps**.")
    image = actions.do_add_step(v1, acting_user=author, kind="image", title="The cycle")
    media = actions.do_store_media(world.region, acting_user=author, upload=png_upload())
    actions.do_update_step(image, acting_user=author, media=media, media_alt="A circle of arrows")
    actions.do_add_step(
        v1, acting_user=author, kind="worksheet", title="Try it", body="Write.", fields=WORKSHEET
    )
    actions.do_publish_module(v1, acting_user=author)
    v2 = actions.do_new_module_draft(module, acting_user=author)
    draft_only = actions.do_create_module(
        world.region, acting_user=author, key="lib-draft-only", title="Not ready yet"
    )
    programme = actions.do_create_programme(
        world.region,
        acting_user=author,
        key="lib-depression",
        title="Depression, behavioural activation",
        problem_area="depression",
        languages=["en", "sv"],
    )
    p1 = programme.versions.get()
    actions.do_set_programme_modules(p1, acting_user=author, module_version_ids=[v1.pk])
    actions.do_publish_programme(p1, acting_user=author)
    p2 = actions.do_new_programme_draft(programme, acting_user=author)
    world.module = module
    world.module_version = v1
    world.module_draft = v2
    world.draft_only = draft_only
    world.media = media
    world.programme = programme
    world.programme_version = p1
    world.programme_draft = p2
    return world


# The shared library's media, written once per process when it is built; each test gets
# its own copy of the folder (what a test uploads or replaces stays in its own).
_LIBRARY_MEDIA = Path(tempfile.mkdtemp(prefix="tessera-library-media-"))
atexit.register(shutil.rmtree, _LIBRARY_MEDIA, ignore_errors=True)


@shared_data("authored_library", extends="world")
def _shared_library(world):
    """The library on the shared world, built once per process and rolled back to for
    each test (tests/snapshot.py; decision 0104: it was built again for every test)."""
    with override_settings(MEDIA_ROOT=str(_LIBRARY_MEDIA)):
        world = add_library(world)
    # Where its media are: this module is also imported by name (the test modules import
    # from it), and the builder registered last may be the other copy's.
    world.library_media = _LIBRARY_MEDIA
    return world


@pytest.fixture
def authored_library(request, _snapshots, db):
    """The test's own copy of the world with the library added."""
    return shared(request, "authored_library")


@pytest.fixture
def library(authored_library, settings, tmp_path):
    """The world with the library, its media in a folder of the test's own (tmp_path),
    as when the library was built for each test."""
    media = tmp_path / "media"
    shutil.copytree(authored_library.library_media, media)
    settings.MEDIA_ROOT = str(media)
    return authored_library
