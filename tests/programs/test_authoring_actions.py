"""The authoring actions: drafts are edited, published versions never change, a new
draft copies the latest published version, programmes pin module versions, and every
write leaves an audit row without patient data."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tessera.core import actions as core
from tessera.core.models import AuditEvent
from tessera.core.roles import Role
from tessera.programs import actions
from tessera.programs.models import MediaFile, ModuleVersion, Status, Step
from tests.conftest import make_clinic, make_user
from tests.programs.conftest import PNG, WORKSHEET, png_upload

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 32
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + b"\x00" * 32


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path


def new_module(world, key="mod", **extra):
    fields = {"title": "A module", "language": "en", **extra}
    return actions.do_create_module(world.region, acting_user=world["author"], key=key, **fields)


def text_step(version, world, title="Read", body="Some text."):
    return actions.do_add_step(
        version, acting_user=world["author"], kind="text", title=title, body=body
    )


def published_module(world, key="mod"):
    module = new_module(world, key)
    version = module.versions.get()
    text_step(version, world)
    actions.do_publish_module(version, acting_user=world["author"])
    return module, version


def other_region_author():
    region = core.do_create_region(name="Elsewhere", country="NO")
    clinic = make_clinic(region, "gamma")
    author = make_user("author@gamma.test", second_factor=True)
    core.do_grant_role(author, clinic, Role.CONTENT_AUTHOR)
    return region, author


# --- modules and steps -----------------------------------------------------------------


def test_a_new_module_starts_as_draft_version_one_and_is_audited(world):
    module = new_module(world, summary="Short.", estimated_minutes=15)
    version = module.versions.get()
    assert (version.number, version.status, version.title) == (1, Status.DRAFT, "A module")
    assert version.created_by == world["author"]
    event = AuditEvent.objects.get(action="module.created")
    assert event.actor == world["author"] and event.purpose == "administration"
    assert event.patient is None and event.object_id == str(module.pk)
    assert event.actor_role == "author"


def test_a_key_is_unique_within_a_region_only(world):
    new_module(world, "same")
    with pytest.raises(ValidationError) as caught:
        new_module(world, "same")
    assert "already exists" in str(caught.value.message_dict["key"])
    region, author = other_region_author()
    actions.do_create_module(region, acting_user=author, key="same", title="Elsewhere")


def test_an_unknown_language_is_refused(world):
    with pytest.raises(ValidationError):
        new_module(world, language="xx")


def test_steps_are_numbered_moved_and_removed_in_order(world):
    version = new_module(world).versions.get()
    a, b, c = (text_step(version, world, title=t) for t in "abc")
    assert [s.position for s in (a, b, c)] == [1, 2, 3]

    actions.do_move_step(c, acting_user=world["author"], direction="up")
    assert list(version.steps.values_list("title", flat=True)) == ["a", "c", "b"]
    actions.do_move_step(a, acting_user=world["author"], direction="up")  # already first
    actions.do_move_step(b, acting_user=world["author"], direction="down")  # already last
    assert list(version.steps.values_list("title", flat=True)) == ["a", "c", "b"]

    actions.do_delete_step(Step.objects.get(title="a"), acting_user=world["author"])
    assert list(version.steps.values_list("position", "title")) == [(1, "c"), (2, "b")]
    codes = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"module.step_added", "module.step_moved", "module.step_removed"} <= codes


def test_a_step_update_is_audited_without_copying_long_texts(world):
    version = new_module(world).versions.get()
    step = text_step(version, world)
    actions.do_update_step(step, acting_user=world["author"], title="New", body="Other text.")
    event = AuditEvent.objects.filter(action="module.step_changed").latest("id")
    assert event.changes == {"title": ["Read", "New"], "body": "changed"}


def test_a_published_version_is_immutable(world, media_root):
    module, version = published_module(world)
    step = version.steps.get()
    author = world["author"]
    attempts = [
        lambda: actions.do_update_module_draft(version, acting_user=author, title="Changed"),
        lambda: actions.do_add_step(version, acting_user=author, kind="text", title="More"),
        lambda: actions.do_update_step(step, acting_user=author, body="Changed"),
        lambda: actions.do_move_step(step, acting_user=author, direction="down"),
        lambda: actions.do_delete_step(step, acting_user=author),
        lambda: actions.do_publish_module(version, acting_user=author),
    ]
    for attempt in attempts:
        with pytest.raises(actions.PublishedVersionError, match="start a new draft"):
            attempt()
    version.refresh_from_db()
    assert version.title == "A module" and version.steps.get().body == "Some text."


def test_a_new_draft_copies_the_latest_published_version_and_there_is_only_one(world):
    module, v1 = published_module(world)
    v2 = actions.do_new_module_draft(module, acting_user=world["author"])
    assert (v2.number, v2.status, v2.title) == (2, Status.DRAFT, v1.title)
    assert list(v2.steps.values_list("position", "kind", "title", "body")) == list(
        v1.steps.values_list("position", "kind", "title", "body")
    )
    assert actions.do_new_module_draft(module, acting_user=world["author"]) == v2
    assert module.versions.count() == 2

    actions.do_update_step(v2.steps.get(), acting_user=world["author"], body="Better text.")
    assert v1.steps.get().body == "Some text."
    actions.do_publish_module(v2, acting_user=world["author"])
    v3 = actions.do_new_module_draft(module, acting_user=world["author"])
    assert v3.number == 3 and v3.steps.get().body == "Better text."
    event = AuditEvent.objects.filter(action="module.draft_started").latest("id")
    assert event.changes == {"from": 2, "number": 3}


def test_publishing_sets_who_and_when(world):
    module, version = published_module(world)
    version.refresh_from_db()
    assert version.is_published and version.published_by == world["author"]
    assert version.published_at is not None
    assert AuditEvent.objects.filter(action="module.published", object_id=str(version.pk))


# --- what publishing asks for ------------------------------------------------------------


def _problems(version, world) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        actions.do_publish_module(version, acting_user=world["author"])
    return caught.value.messages


def test_a_module_without_steps_is_not_published(world):
    version = new_module(world).versions.get()
    assert _problems(version, world) == [
        "A module needs at least one step before it can be published."
    ]
    assert ModuleVersion.objects.get(pk=version.pk).status == Status.DRAFT


def test_publishing_names_what_each_step_lacks(world, media_root):
    version = new_module(world).versions.get()
    author = world["author"]
    actions.do_add_step(version, acting_user=author, kind="text", title="Empty")
    actions.do_add_step(version, acting_user=author, kind="image", title="Picture")
    mp3 = actions.do_store_media(
        world.region, acting_user=author, upload=SimpleUploadedFile("a.mp3", MP3)
    )
    actions.do_add_step(version, acting_user=author, kind="audio", title="Listen", media=mp3)
    actions.do_add_step(version, acting_user=author, kind="video", title="Watch")
    actions.do_add_step(version, acting_user=author, kind="worksheet", title="Write")
    problems = _problems(version, world)
    assert problems == [
        "Step 1 (“Empty”): it has no text yet.",
        "Step 2 (“Picture”): it needs a file.",
        "Step 2 (“Picture”): the image needs a description for people who cannot see it.",
        "Step 3 (“Listen”): it needs captions or a transcript.",
        "Step 4 (“Watch”): it needs a file.",
        "Step 4 (“Watch”): it needs captions or a transcript.",
        "Step 5 (“Write”): it needs at least one field to fill in.",
    ]


def test_an_image_step_with_an_audio_file_is_not_published(world, media_root):
    version = new_module(world).versions.get()
    mp3 = actions.do_store_media(
        world.region, acting_user=world["author"], upload=SimpleUploadedFile("a.mp3", MP3)
    )
    actions.do_add_step(
        version, acting_user=world["author"], kind="image", title="Pic", media=mp3, media_alt="x"
    )
    assert _problems(version, world) == [
        "Step 1 (“Pic”): its file does not fit a step of this kind."
    ]


def test_a_complete_module_with_every_kind_of_step_is_published(world, media_root):
    version = new_module(world).versions.get()
    author = world["author"]

    def store(name, data):
        upload = SimpleUploadedFile(name, data)
        return actions.do_store_media(world.region, acting_user=author, upload=upload)

    add = actions.do_add_step
    add(version, acting_user=author, kind="text", title="T", body="Text")
    add(
        version,
        acting_user=author,
        kind="image",
        title="I",
        media=store("i.png", PNG),
        media_alt="A",
    )
    add(
        version,
        acting_user=author,
        kind="audio",
        title="A",
        media=store("a.mp3", MP3),
        transcript="x",
    )
    add(
        version,
        acting_user=author,
        kind="video",
        title="V",
        media=store("v.mp4", MP4),
        transcript="x",
    )
    add(version, acting_user=author, kind="worksheet", title="W", fields=WORKSHEET)
    add(version, acting_user=author, kind="homework", title="H", fields=WORKSHEET[:1])
    assert actions.do_publish_module(version, acting_user=author).is_published


# --- worksheet fields ------------------------------------------------------------------


def test_good_fields_have_no_problems():
    assert actions.validate_fields(WORKSHEET) == []
    assert actions.validate_fields([]) == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"key": "a"}, "The fields must be a list, written between [ and ]."),
        (["text"], "Field 1 is not written as {…} with a key, a label and a type."),
        (
            [{"key": "a", "label": "A", "type": "slider"}],
            "Field 1 (“a”) has the type “slider”; use one of: text, longtext, number, choice, "
            "scale_0_10, scale_0_100, date, time, datetime, table.",
        ),
        (
            [{"key": "Mood Now", "label": "A", "type": "text"}],
            "Field 1 (“Mood Now”) needs a key of at most 40 lower-case letters, digits, - and _, "
            "such as “mood”.",
        ),
        (
            [{"key": "a", "label": " ", "type": "text"}],
            "Field 1 (“a”) needs a label: the text the patient sees.",
        ),
        (
            [
                {"key": "a", "label": "A", "type": "text"},
                {"key": "a", "label": "B", "type": "text"},
            ],
            "Field 2 (“a”) uses a key that an earlier one has; keys must differ.",
        ),
        (
            [{"key": "a", "label": "A", "type": "choice"}],
            "Field 1 (“a”) is a choice: give at least two choices as a list of texts.",
        ),
        (
            [{"key": "a", "label": "A", "type": "choice", "choices": ["x", "x"]}],
            "Field 1 (“a”) offers the same choice twice.",
        ),
        (
            [{"key": "a", "label": "A", "type": "text", "choices": ["x", "y"]}],
            "Field 1 (“a”) has choices, but only a choice field uses them.",
        ),
        (
            [{"key": "a", "label": "A", "type": "table"}],
            "Field 1 (“a”) is a table: give its columns as a list of fields.",
        ),
        (
            [
                {
                    "key": "t",
                    "label": "T",
                    "type": "table",
                    "columns": [{"key": "inner", "label": "I", "type": "table", "columns": []}],
                }
            ],
            "Column 1 (“inner”) of Field 1 (“t”) has the type “table”; use one of: text, "
            "longtext, number, choice, scale_0_10, scale_0_100, date, time, datetime.",
        ),
        (
            [{"key": "a", "label": "A", "type": "text", "required": "yes"}],
            "Field 1 (“a”): “required” must be true or false.",
        ),
        (
            [{"key": "a", "label": "A", "type": "text", "colour": "red"}],
            "Field 1 (“a”) has properties Tessera does not know: colour.",
        ),
    ],
)
def test_bad_fields_are_explained_in_words(fields, expected):
    assert expected in actions.validate_fields(fields)


def test_a_step_with_bad_fields_is_not_saved(world):
    version = new_module(world).versions.get()
    with pytest.raises(ValidationError) as caught:
        actions.do_add_step(
            version,
            acting_user=world["author"],
            kind="worksheet",
            title="W",
            fields=[{"key": "a", "type": "text"}],
        )
    assert "needs a label" in str(caught.value.message_dict["fields"])
    assert not version.steps.exists()


# --- media ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (MP3, "audio/mpeg"),
        (b"\xff\xfb\x90\x64" + b"\x00" * 20, "audio/mpeg"),
        (b"OggS\x00\x02" + b"\x00" * 20, "audio/ogg"),
        (MP4, "video/mp4"),
        (WEBM, "video/webm"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", None),
        (b"<!DOCTYPE html><html>", None),
        (b"%PDF-1.7", None),
        (b"GIF89a", None),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01matroska", None),
        (b"\x00\x00\x00\x18ftypheic", None),
        (b"", None),
    ],
)
def test_media_types_come_from_the_first_bytes(data, expected):
    assert actions.sniff_media_type(data) == expected


def test_a_file_is_stored_once_per_region(world, media_root):
    author = world["author"]
    first = actions.do_store_media(world.region, acting_user=author, upload=png_upload("a.png"))
    again = actions.do_store_media(world.region, acting_user=author, upload=png_upload("b.png"))
    assert first == again and MediaFile.objects.count() == 1
    assert (first.content_type, first.size, first.original_name) == ("image/png", len(PNG), "a.png")
    assert first.file.read() == PNG
    region, other_author = other_region_author()
    elsewhere = actions.do_store_media(region, acting_user=other_author, upload=png_upload())
    assert elsewhere != first and MediaFile.objects.count() == 2
    assert AuditEvent.objects.filter(action="media.stored").count() == 2


def test_a_file_that_only_claims_to_be_an_image_is_refused(world, media_root):
    upload = SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(ValidationError, match="cannot use this file"):
        actions.do_store_media(world.region, acting_user=world["author"], upload=upload)
    assert not MediaFile.objects.exists()


def test_a_file_over_the_size_limit_is_refused(world, media_root, settings):
    settings.TESSERA_PACKAGE_MAX_FILE_BYTES = 1024 * 1024
    upload = png_upload(extra=b"\x00" * (1024 * 1024))
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        actions.do_store_media(world.region, acting_user=world["author"], upload=upload)


def test_a_step_cannot_use_another_regions_file(world, media_root):
    region, other_author = other_region_author()
    theirs = actions.do_store_media(region, acting_user=other_author, upload=png_upload())
    version = new_module(world).versions.get()
    with pytest.raises(ValidationError, match="another region"):
        actions.do_add_step(
            version, acting_user=world["author"], kind="image", title="I", media=theirs
        )


# --- programmes ----------------------------------------------------------------------------


def new_programme(world, key="prog", **extra):
    return actions.do_create_programme(
        world.region,
        acting_user=world["author"],
        key=key,
        title="A programme",
        problem_area="depression",
        **extra,
    )


def test_a_programme_pins_published_module_versions_and_keeps_them(world):
    module, v1 = published_module(world)
    programme = new_programme(world, languages=["en", "sv"], weeks=8)
    p1 = programme.versions.get()
    actions.do_set_programme_modules(p1, acting_user=world["author"], module_version_ids=[v1.pk])
    actions.do_publish_programme(p1, acting_user=world["author"])

    v2 = actions.do_new_module_draft(module, acting_user=world["author"])
    actions.do_update_module_draft(v2, acting_user=world["author"], title="Renamed")
    actions.do_publish_module(v2, acting_user=world["author"])
    assert list(p1.entries.values_list("module_version_id", flat=True)) == [v1.pk]

    p2 = actions.do_new_programme_draft(programme, acting_user=world["author"])
    assert (p2.number, p2.languages, p2.weeks) == (2, ["en", "sv"], 8)
    assert list(p2.entries.values_list("module_version_id", flat=True)) == [v1.pk]
    actions.do_set_programme_modules(p2, acting_user=world["author"], module_version_ids=[v2.pk])
    assert list(p1.entries.values_list("module_version_id", flat=True)) == [v1.pk]
    assert actions.do_new_programme_draft(programme, acting_user=world["author"]) == p2


def test_a_module_can_be_in_several_programmes_in_the_given_order(world):
    _m1, a = published_module(world, "a")
    _m2, b = published_module(world, "b")
    for key, order in [("one", [a.pk, b.pk]), ("two", [b.pk, a.pk])]:
        version = new_programme(world, key).versions.get()
        actions.do_set_programme_modules(
            version, acting_user=world["author"], module_version_ids=order
        )
        assert list(version.entries.values_list("module_version_id", flat=True)) == order
        assert list(version.entries.values_list("position", flat=True)) == [1, 2]


def test_only_published_modules_of_the_same_region_can_be_chosen(world):
    draft_module = new_module(world, "draft")
    draft = draft_module.versions.get()
    region, other_author = other_region_author()
    theirs = actions.do_create_module(region, acting_user=other_author, key="x", title="X")
    their_version = theirs.versions.get()
    actions.do_add_step(their_version, acting_user=other_author, kind="text", title="T", body="b")
    actions.do_publish_module(their_version, acting_user=other_author)
    version = new_programme(world).versions.get()
    for ids in ([draft.pk], [their_version.pk], [999_999]):
        with pytest.raises(ValidationError, match="Only published modules of this region"):
            actions.do_set_programme_modules(
                version, acting_user=world["author"], module_version_ids=ids
            )


def test_a_module_is_in_a_programme_once(world):
    module, v1 = published_module(world)
    v2 = actions.do_new_module_draft(module, acting_user=world["author"])
    actions.do_publish_module(v2, acting_user=world["author"])
    version = new_programme(world).versions.get()
    with pytest.raises(ValidationError, match="only once"):
        actions.do_set_programme_modules(
            version, acting_user=world["author"], module_version_ids=[v1.pk, v2.pk]
        )


def test_a_programme_needs_a_module_to_be_published_and_is_then_immutable(world):
    _module, v1 = published_module(world)
    version = new_programme(world).versions.get()
    with pytest.raises(ValidationError) as caught:
        actions.do_publish_programme(version, acting_user=world["author"])
    assert caught.value.messages == [
        "A programme needs at least one module before it can be published."
    ]
    actions.do_set_programme_modules(
        version, acting_user=world["author"], module_version_ids=[v1.pk]
    )
    actions.do_publish_programme(version, acting_user=world["author"])
    with pytest.raises(actions.PublishedVersionError):
        actions.do_update_programme_draft(version, acting_user=world["author"], weeks=3)
    with pytest.raises(actions.PublishedVersionError):
        actions.do_set_programme_modules(
            version, acting_user=world["author"], module_version_ids=[]
        )
    event = AuditEvent.objects.get(action="programme.published")
    assert event.changes == {"number": 1, "module_versions": [v1.pk]}
    assert event.purpose == "administration" and event.patient is None


def test_programme_settings_are_checked(world):
    version = new_programme(world).versions.get()
    author = world["author"]
    bad = [
        {"languages": ["en", "klingon"]},
        {"eligibility": ["not", "a", "dict"]},
        {"eligibility": {"min_age": 30, "max_age": 18}},
        {"eligibility": {"min_age": "eighteen"}},
        {"eligibility": {"scores": "PHQ-9 over 10"}},
        {"default_measures": [{"instrument": "NOPE-1", "time_point": "weekly"}]},
        {"default_measures": [{"instrument": "PHQ-9", "time_point": "sometimes"}]},
        {"problem_area": "everything"},
        {"weeks": 0},
    ]
    for change in bad:
        with pytest.raises(ValidationError):
            actions.do_update_programme_draft(version, acting_user=author, **change)
    good = actions.do_update_programme_draft(
        version,
        acting_user=author,
        eligibility={"min_age": 18, "max_age": None, "scores": [], "exclude": ["psychosis"]},
        default_measures=[{"instrument": "PHQ-9", "time_point": "weekly"}],
        description_patient="For you.",
    )
    assert good.eligibility["exclude"] == ["psychosis"]
    event = AuditEvent.objects.filter(action="programme.draft_changed").latest("id")
    assert event.changes["description_patient"] == "changed"
    assert event.changes["default_measures"] == [
        [],
        [{"instrument": "PHQ-9", "time_point": "weekly"}],
    ]


def test_an_unknown_field_name_is_a_programming_error(world):
    version = new_module(world).versions.get()
    with pytest.raises(ValueError, match="Not editable here"):
        actions.do_update_module_draft(version, acting_user=world["author"], status="published")
