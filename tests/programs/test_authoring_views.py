"""The library pages: authors write, everyone else on the region's staff reads what is
published, bad input gets a message beside the field with what was typed kept, and the
lists run a constant number of queries."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tessera.core import actions as core
from tessera.core.models import AuditEvent
from tessera.core.roles import Role
from tessera.programs import actions
from tessera.programs.models import MediaFile, Module, Programme, Status
from tests.conftest import make_clinic, make_user
from tests.programs.conftest import PNG, WORKSHEET, png_upload


def url(name, *args):
    return reverse(name, args=args)


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def other_region_author(db):
    region = core.do_create_region(name="Elsewhere", country="NO")
    clinic = make_clinic(region, "gamma")
    author = make_user("author@gamma.test", second_factor=True)
    core.do_grant_role(author, clinic, Role.CONTENT_AUTHOR)
    return author


# --- the library index -------------------------------------------------------------------


def test_the_author_sees_drafts_and_readers_see_only_what_is_published(library, login):
    text = page(login(library["author"]).get(url("library_index")))
    assert "Activity and mood" in text and "Not ready yet" in text
    assert "version 2 in progress" in text
    assert "Depression, behavioural activation" in text
    assert url("library_module_new") in text

    text = page(login(library["therapist"]).get(url("library_index")))
    assert "Activity and mood" in text and "Depression, behavioural activation" in text
    assert "Not ready yet" not in text and "in progress" not in text
    assert url("library_module_new") not in text


def test_staff_see_the_library_in_the_navigation_and_patients_do_not(library, login):
    assert f'href="{url("library_index")}"' in page(login(library["therapist"]).get("/"))
    response = login(library["patient"]).get("/")
    assert f'href="{url("library_index")}"' not in response.content.decode()


def test_the_library_of_another_region_is_not_shown(library, login, other_region_author):
    text = page(login(other_region_author).get(url("library_index")))
    assert "Activity and mood" not in text and "No modules yet." in text
    client = login(other_region_author)
    for name, pk in [
        ("library_module", library.module.pk),
        ("library_module_draft", library.module.pk),
        ("library_programme", library.programme.pk),
        ("library_module_preview", library.module_version.pk),
        ("library_media", library.media.pk),
    ]:
        assert client.get(url(name, pk)).status_code == 404, name
    response = client.post(url("library_module_publish", library.module.pk))
    assert response.status_code == 404


def test_the_library_list_uses_a_constant_number_of_queries(
    library, login, django_assert_max_num_queries
):
    client = login(library["author"])
    client.get(url("library_index"))  # warm up the session and the caches
    with django_assert_max_num_queries(20) as few:
        page(client.get(url("library_index")))
    for n in range(30):
        module = actions.do_create_module(
            library.region, acting_user=library["author"], key=f"more-{n}", title=f"More {n}"
        )
        actions.do_add_step(
            module.versions.get(), acting_user=library["author"], kind="text", title="T", body="b"
        )
        actions.do_publish_module(module.versions.get(), acting_user=library["author"])
        actions.do_create_programme(
            library.region,
            acting_user=library["author"],
            key=f"prog-{n}",
            title=f"Programme {n}",
            problem_area="other",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        text = page(client.get(url("library_index")))
    assert "Page 1 of 2" in text


# --- modules -------------------------------------------------------------------------------


def test_an_author_creates_a_module_and_lands_on_its_draft(world, login):
    client = login(world["author"])
    response = client.post(
        url("library_module_new"),
        {"key": "worry-time", "title": "Worry time", "language": "sv", "estimated_minutes": "15"},
    )
    module = Module.objects.get(key="worry-time")
    assert response["Location"] == url("library_module_draft", module.pk)
    version = module.versions.get()
    assert (version.title, version.language, version.estimated_minutes) == ("Worry time", "sv", 15)
    event = AuditEvent.objects.get(action="module.created")
    assert event.actor == world["author"] and event.object_id == str(module.pk)


def test_bad_module_input_is_explained_and_kept(library, login):
    client = login(library["author"])
    response = client.post(
        url("library_module_new"),
        {"key": "Not a slug!", "title": "Kept title", "language": "en", "estimated_minutes": "0"},
    )
    text = page(response)
    assert "Please check:" in text and "Kept title" in text and "Not a slug!" in text
    response = client.post(
        url("library_module_new"),
        {"key": "lib-activity", "title": "Again", "language": "en", "estimated_minutes": "5"},
    )
    assert "A module with this key already exists in this region." in page(response)
    assert Module.objects.filter(key="lib-activity").count() == 1


def test_readers_cannot_write(library, login):
    client = login(library["therapist"])
    assert client.get(url("library_module_new")).status_code == 403
    assert client.get(url("library_module_draft", library.module.pk)).status_code == 403
    response = client.post(url("library_module_edit", library.draft_only.pk))
    assert response.status_code == 404  # never published: readers do not know it exists
    step = library.module_draft.steps.first()
    assert client.post(url("library_step_delete", step.pk)).status_code == 403
    assert library.module_draft.steps.count() == 3


def test_the_module_page_lists_versions_and_the_programmes_using_them(library, login):
    text = page(login(library["author"]).get(url("library_module", library.module.pk)))
    assert "Edit the draft (version 2)" in text and "Publish version 2" in text
    assert "programme version 1 uses module version 1" in text
    text = page(login(library["therapist"]).get(url("library_module", library.module.pk)))
    assert "Preview version 1" in text and "Preview version 2" not in text
    assert "Edit the draft" not in text


def test_editing_a_published_only_module_starts_a_draft(library, login):
    client = login(library["author"])
    actions.do_publish_module(library.module_draft, acting_user=library["author"])
    response = client.get(url("library_module_draft", library.module.pk), follow=True)
    assert "This module has no draft." in page(response)
    response = client.post(url("library_module_edit", library.module.pk))
    assert response["Location"] == url("library_module_draft", library.module.pk)
    draft = library.module.versions.get(status=Status.DRAFT)
    assert draft.number == 3 and draft.steps.count() == 3
    client.post(url("library_module_edit", library.module.pk))
    assert library.module.versions.count() == 3


def test_the_draft_page_edits_metadata_and_adds_steps(library, login):
    client = login(library["author"])
    draft_url = url("library_module_draft", library.module.pk)
    response = client.post(
        draft_url,
        {
            "which": "meta",
            "meta-title": "Activity, mood and you",
            "meta-language": "en",
            "meta-summary": "New summary.",
            "meta-estimated_minutes": "30",
        },
    )
    assert response.status_code == 302
    library.module_draft.refresh_from_db()
    assert library.module_draft.title == "Activity, mood and you"
    assert library.module_version.title == "Activity and mood"

    response = client.post(draft_url, {"which": "step", "step-kind": "audio", "step-title": "Hear"})
    step = library.module_draft.steps.get(title="Hear")
    assert response["Location"] == url("library_step_edit", step.pk)
    assert step.position == 4

    response = client.post(draft_url, {"which": "meta", "meta-title": "", "meta-language": "xx"})
    text = page(response)
    assert "Please check:" in text and 'name="meta-language"' in text


def test_the_draft_page_uses_a_constant_number_of_queries(
    library, login, django_assert_max_num_queries
):
    client = login(library["author"])
    draft_url = url("library_module_draft", library.module.pk)
    client.get(draft_url)
    with django_assert_max_num_queries(22) as few:
        page(client.get(draft_url))
    for n in range(15):
        actions.do_add_step(
            library.module_draft, acting_user=library["author"], kind="image", title=f"I{n}"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "I14" in page(client.get(draft_url))


def test_steps_move_and_are_removed_by_posting(library, login):
    client = login(library["author"])
    first, second, third = library.module_draft.steps.all()
    client.post(url("library_step_move", first.pk), {"direction": "down"})
    titles = list(library.module_draft.steps.values_list("title", flat=True))
    assert titles == ["The cycle", "Why", "Try it"]
    client.post(url("library_step_move", first.pk), {"direction": "sideways"})
    response = client.post(url("library_step_delete", third.pk))
    assert response["Location"] == url("library_module_draft", library.module.pk)
    assert list(library.module_draft.steps.values_list("position", "title")) == [
        (1, "The cycle"),
        (2, "Why"),
    ]
    # The published version is untouched.
    assert library.module_version.steps.count() == 3


def test_a_step_of_a_published_version_is_not_edited(library, login):
    client = login(library["author"])
    step = library.module_version.steps.first()
    response = client.post(url("library_step_edit", step.pk), {"title": "Sneaky"}, follow=True)
    assert "which cannot change" in page(response)
    step.refresh_from_db()
    assert step.title == "Why"
    client.post(url("library_step_delete", step.pk))
    assert library.module_version.steps.count() == 3


# --- editing a step ------------------------------------------------------------------------


def _worksheet_step(library):
    return library.module_draft.steps.get(kind="worksheet")


def test_worksheet_fields_are_edited_as_json_and_checked(library, login):
    client = login(library["author"])
    step = _worksheet_step(library)
    edit = url("library_step_edit", step.pk)
    text = page(client.get(edit))
    assert "&quot;key&quot;: &quot;activity&quot;" in text  # the fields, as indented JSON

    broken = '[{"key": "a", "label": "A", "type": "text",}]'
    text = page(client.post(edit, {"title": "Try it", "fields_json": broken}))
    assert "This is not valid JSON: Expecting property name enclosed in double quotes" in text
    assert "line 1, column" in text
    assert "[{&quot;key&quot;: &quot;a&quot;, &quot;label&quot;: &quot;A&quot;" in text  # kept

    wrong = json.dumps([{"key": "a", "label": "A", "type": "slider"}, {"key": "a", "type": "x"}])
    text = page(client.post(edit, {"title": "Try it", "fields_json": wrong}))
    assert "Field 1 (“a”) has the type “slider”" in text
    assert "Field 2 (“a”) needs a label: the text the patient sees." in text
    assert "Field 2 (“a”) uses a key that an earlier one has; keys must differ." in text
    step.refresh_from_db()
    assert step.fields == WORKSHEET

    good = json.dumps([{"key": "note", "label": "A note", "type": "longtext"}])
    response = client.post(edit, {"title": "Write", "body": "**Now**", "fields_json": good})
    assert response["Location"] == url("library_module_draft", library.module.pk)
    step.refresh_from_db()
    assert step.fields == [{"key": "note", "label": "A note", "type": "longtext"}]
    assert step.title == "Write" and step.body == "**Now**"


def test_a_text_step_form_has_only_the_fields_of_its_kind(library, login):
    step = library.module_draft.steps.get(kind="text")
    text = page(login(library["author"]).get(url("library_step_edit", step.pk)))
    assert 'name="body"' in text
    for absent in ["fields_json", "upload", "transcript", "media_alt"]:
        assert f'name="{absent}"' not in text


def test_an_image_is_uploaded_and_stored_once(library, login):
    client = login(library["author"])
    step = library.module_draft.steps.get(kind="image")
    edit = url("library_step_edit", step.pk)
    text = page(client.get(edit))
    assert 'enctype="multipart/form-data"' in text and 'name="upload"' in text
    new_png = png_upload("new.png", extra=b"\x00more")
    response = client.post(edit, {"title": "The cycle", "media_alt": "Arrows", "upload": new_png})
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.media.original_name == "new.png" and step.media_alt == "Arrows"
    assert step.media.content_type == "image/png"
    client.post(edit, {"title": "The cycle", "media_alt": "Arrows", "upload": png_upload("x.png")})
    assert MediaFile.objects.count() == 2  # the fixture's and the new one; no duplicate


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("evil.png", b"<script>alert(1)</script>", "Tessera cannot use this file."),
        ("song.png", b"ID3\x04\x00" + b"\x00" * 40, "This file is audio/mpeg"),
        ("page.html", b"<!DOCTYPE html><p>hi</p>", "Tessera cannot use this file."),
        ("scan.png", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "Tessera cannot use this file."),
        ("photos.png", b"PK\x03\x04\x14\x00" + bytes(40), "Tessera cannot use this file."),
        ("empty.png", b"", "The submitted file is empty."),
    ],
)
def test_a_refused_upload_gets_a_message_and_keeps_the_text(library, login, name, data, message):
    client = login(library["author"])
    step = library.module_draft.steps.get(kind="image")
    upload = SimpleUploadedFile(name, data, content_type="image/png")
    response = client.post(
        url("library_step_edit", step.pk),
        {"title": "Kept title", "media_alt": "Kept alt", "upload": upload},
    )
    text = page(response)
    assert message in text and "Kept title" in text and "Kept alt" in text
    assert MediaFile.objects.count() == 1


def test_an_upload_over_the_limit_is_refused(library, login, settings):
    settings.TESSERA_PACKAGE_MAX_FILE_BYTES = 1024 * 1024
    step = library.module_draft.steps.get(kind="image")
    big = png_upload(extra=b"\x00" * (1024 * 1024))
    response = login(library["author"]).post(
        url("library_step_edit", step.pk), {"title": "T", "upload": big}
    )
    assert "The file is larger than 1 MB" in page(response)


# --- publishing and the preview --------------------------------------------------------------


def test_publishing_an_incomplete_draft_lists_what_is_missing(library, login):
    client = login(library["author"])
    draft = library.draft_only.versions.get()
    actions.do_add_step(draft, acting_user=library["author"], kind="video", title="Watch")
    response = client.post(url("library_module_publish", library.draft_only.pk), follow=True)
    shown = messages_of(response)
    assert "The draft was not published. It needs some changes first:" in shown
    assert "Step 1 (“Watch”): it needs a file." in shown
    assert "Step 1 (“Watch”): it needs captions or a transcript." in shown
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_publishing_a_complete_draft(library, login):
    response = login(library["author"]).post(
        url("library_module_publish", library.module.pk), follow=True
    )
    assert "Version 2 was published." in messages_of(response)
    library.module_draft.refresh_from_db()
    assert library.module_draft.is_published
    event = AuditEvent.objects.filter(action="module.published").latest("id")
    assert event.actor == library["author"] and event.object_id == str(library.module_draft.pk)


def test_the_preview_shows_steps_as_a_patient_sees_them(library, login):
    actions.do_update_step(
        library.module_draft.steps.get(kind="text"),
        acting_user=library["author"],
        body="Doing **helps**. <script>alert(1)</script> [x](javascript:alert(1))",
    )
    client = login(library["author"])
    text = page(client.get(url("library_module_preview", library.module_draft.pk)))
    assert 'class="phone-preview"' in text
    assert "<strong>helps</strong>" in text
    assert "<script>alert" not in text and 'href="javascript' not in text
    assert f'src="{url("library_media", library.media.pk)}" alt="A circle of arrows"' in text
    assert "<fieldset disabled>" in text
    assert '<input type="number" id="s3-mood" min="0" max="10" disabled>' in text
    assert 'name="s3-when"' in text and "Morning" in text
    assert '<input type="date" aria-label="Day" disabled>' in text
    assert "Part 3 of 3" in text

    one = page(client.get(url("library_module_preview", library.module_draft.pk) + "?step=2"))
    assert "The cycle" in one and "Try it" not in one and "Why" not in one
    assert 'href="?step=1"' in one and 'href="?step=3"' in one
    assert (
        client.get(url("library_module_preview", library.module_draft.pk) + "?step=9").status_code
        == 404
    )


def test_readers_preview_published_versions_only(library, login):
    client = login(library["therapist"])
    assert client.get(url("library_module_preview", library.module_version.pk)).status_code == 200
    assert client.get(url("library_module_preview", library.module_draft.pk)).status_code == 403


def test_media_are_served_with_their_type_to_staff_and_patients(library, login):
    response = login(library["patient"]).get(url("library_media", library.media.pk))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    response = login(library["therapist"]).get(url("library_media", library.media.pk))
    assert response.status_code == 200
    assert login(library["patient"]).get(url("library_media", 999_999)).status_code == 404


# --- programmes ------------------------------------------------------------------------------


def _programme_form(**changes):
    data = {
        "title": "Depression, behavioural activation",
        "problem_area": "depression",
        "languages": ["en", "sv"],
        "care_model": "guided",
        "unlock_rule": "weekly",
        "weeks": "8",
        "min_age": "18",
        "max_age": "",
        "eligibility_more": '{"scores": [{"instrument": "PHQ-9", "min": 10}], "exclude": []}',
        "description_patient": "For *you*.",
        "description_professional": "For GPs.",
        "evidence": "Several trials.",
        "measure-TOTAL_FORMS": "2",
        "measure-INITIAL_FORMS": "0",
        "measure-MIN_NUM_FORMS": "0",
        "measure-MAX_NUM_FORMS": "40",
        "measure-0-instrument": "PHQ-9",
        "measure-0-time_point": "weekly",
        "measure-1-instrument": "",
        "measure-1-time_point": "",
    }
    data.update(changes)
    return data


def test_an_author_creates_a_programme(world, login):
    client = login(world["author"])
    response = client.post(
        url("library_programme_new"),
        {"key": "panic", "title": "Panic", "problem_area": "panic", "languages": ["sv"]},
    )
    programme = Programme.objects.get(key="panic")
    assert response["Location"] == url("library_programme_draft", programme.pk)
    assert programme.versions.get().languages == ["sv"]
    text = page(client.post(url("library_programme_new"), {"key": "panic", "title": ""}))
    assert "Please check:" in text


def test_the_programme_draft_saves_every_setting(library, login):
    client = login(library["author"])
    draft_url = url("library_programme_draft", library.programme.pk)
    text = page(client.get(draft_url))
    assert 'value="sv"' in text and 'name="measure-0-instrument"' in text
    response = client.post(draft_url, _programme_form())
    assert response["Location"] == url("library_programme", library.programme.pk)
    draft = library.programme_draft
    draft.refresh_from_db()
    assert draft.weeks == 8 and draft.languages == ["en", "sv"]
    assert draft.eligibility == {
        "min_age": 18,
        "max_age": None,
        "scores": [{"instrument": "PHQ-9", "min": 10}],
        "exclude": [],
    }
    assert draft.default_measures == [{"instrument": "PHQ-9", "time_point": "weekly"}]
    text = page(client.get(url("library_programme", library.programme.pk)))
    assert "<em>you</em>" in text and "PHQ-9 (weekly)" in text and "from 18" in text
    assert AuditEvent.objects.filter(action="programme.draft_changed").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"eligibility_more": "{not json"}, "This is not valid JSON"),
        ({"eligibility_more": "[1, 2]"}, "Write the rules between { and }."),
        ({"eligibility_more": '{"min_age": 3}'}, "Give the age limits in their own fields above."),
        ({"eligibility_more": '{"exclude": "psychosis"}'}, "“exclude” must be a list"),
        ({"min_age": "40", "max_age": "30"}, "The highest age is below the lowest age."),
        ({"languages": []}, "This field is required."),
        ({"measure-1-instrument": "GAD-7"}, "Choose both a questionnaire and a time point."),
        (
            {"measure-1-instrument": "PHQ-9", "measure-1-time_point": "weekly"},
            "The same questionnaire and time point twice.",
        ),
    ],
)
def test_bad_programme_settings_are_explained_and_kept(library, login, changes, message):
    data = _programme_form(title="Kept title", **changes)
    response = login(library["author"]).post(
        url("library_programme_draft", library.programme.pk), data
    )
    text = page(response)
    assert message in text and "Kept title" in text
    library.programme_draft.refresh_from_db()
    assert library.programme_draft.title == "Depression, behavioural activation"


def test_modules_are_chosen_and_ordered_without_javascript(library, login):
    client = login(library["author"])
    second = actions.do_create_module(
        library.region, acting_user=library["author"], key="lib-values", title="Values"
    )
    version = second.versions.get()
    actions.do_add_step(version, acting_user=library["author"], kind="text", title="T", body="b")
    actions.do_publish_module(version, acting_user=library["author"])
    modules_url = url("library_programme_modules", library.programme.pk)
    text = page(client.get(modules_url))
    assert "Values" in text and "Not ready yet" not in text  # drafts cannot be chosen
    first = library.module_version
    response = client.post(
        modules_url,
        {
            f"use_{first.pk}": "on",
            f"position_{first.pk}": "2",
            f"use_{version.pk}": "on",
            f"position_{version.pk}": "1",
        },
    )
    assert response.status_code == 302
    entries = list(library.programme_draft.entries.values_list("module_version_id", "position"))
    assert entries == [(version.pk, 1), (first.pk, 2)]
    # The published version 1 still has only the first module.
    assert list(library.programme_version.entries.values_list("module_version_id", flat=True)) == [
        first.pk
    ]
    response = client.post(url("library_programme_publish", library.programme.pk), follow=True)
    assert "Version 2 was published." in messages_of(response)


def test_a_programme_without_modules_is_not_published(library, login):
    client = login(library["author"])
    client.post(url("library_programme_modules", library.programme.pk), {})
    assert not library.programme_draft.entries.exists()
    response = client.post(url("library_programme_publish", library.programme.pk), follow=True)
    assert "A programme needs at least one module before it can be published." in messages_of(
        response
    )
    library.programme_draft.refresh_from_db()
    assert library.programme_draft.status == Status.DRAFT


def test_readers_see_the_published_programme_but_no_draft(library, login):
    client = login(library["therapist"])
    text = page(client.get(url("library_programme", library.programme.pk)))
    assert "Version 1 (published)" in text and "Version 2" not in text
    assert "Choose its modules" not in text
    assert client.get(url("library_programme_modules", library.programme.pk)).status_code == 403


def test_staff_choose_the_primary_measure_when_building_a_programme(library, login):
    """Issue 12 item 4: empty is the problem area's default; a chosen one is kept, shown
    and audited."""
    client = login(library["author"])
    draft_url = url("library_programme_draft", library.programme.pk)
    assert 'name="primary_measure"' in page(client.get(draft_url))
    client.post(draft_url, _programme_form(primary_measure="MADRS-S"))
    draft = library.programme_draft
    draft.refresh_from_db()
    assert draft.primary_measure == "MADRS-S" and draft.primary_measure_code == "MADRS-S"
    event = AuditEvent.objects.filter(action="programme.draft_changed").latest("id")
    assert event.changes["primary_measure"] == ["", "MADRS-S"]
    text = page(client.get(url("library_programme", library.programme.pk)))
    assert "<dt>Primary measure</dt><dd>MADRS-S</dd>" in text
    client.post(draft_url, _programme_form(primary_measure=""))
    draft.refresh_from_db()
    assert draft.primary_measure == "" and draft.primary_measure_code == "PHQ-9"
    text = page(client.post(draft_url, _programme_form(primary_measure="NOPE-1")))
    assert "Select a valid choice" in text


DEEP = 5000  # "[" * 5000 + "]" * 5000 fits the 10,000 characters of eligibility_more


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_json_nested_thousands_deep_is_a_message_not_a_server_error(library, login, opening):
    """A paste gone wrong (or a hostile one) nests deeper than Python's parser recurses:
    before, json.loads raised RecursionError and the author got a server error."""
    client = login(library["author"])
    deep = opening * DEEP + "1" + ("]" if opening == "[" else "}") * DEEP
    step = _worksheet_step(library)
    edit = url("library_step_edit", step.pk)
    response = client.post(edit, {"title": "Try it", "fields_json": deep[:100_000]})
    assert response.status_code == 200
    assert "This JSON is nested too deeply to be read." in page(response)
    step.refresh_from_db()
    assert step.fields == WORKSHEET

    data = _programme_form(title="Kept title", eligibility_more=deep[:10_000])
    response = client.post(url("library_programme_draft", library.programme.pk), data)
    assert response.status_code == 200
    text = page(response)
    assert "This JSON is nested too deeply to be read." in text and "Kept title" in text
    library.programme_draft.refresh_from_db()
    assert library.programme_draft.title == "Depression, behavioural activation"


def test_a_step_saved_by_someone_else_meanwhile_is_not_overwritten(library, login):
    """Two authors (or two tabs) editing one step: each form drew the step as it was,
    and the second "Save" replaced the first one's text without a word (decision 0149).
    Now it is refused with the second author's text kept in the form; saving again from
    that page is their choice, over the step as it is now."""
    client = login(library["author"])
    step = library.module_draft.steps.get(kind="text")
    edit = url("library_step_edit", step.pk)
    drawn = step.content_digest()
    assert f'name="drawn" value="{drawn}"' in page(client.get(edit))
    actions.do_update_step(step, acting_user=library["author"], body="A colleague's new text.")
    mine = {"title": "Kept title", "body": "My own rewrite of the step.", "drawn": drawn}
    text = page(client.post(edit, mine))
    assert "Someone else saved this step after you opened it" in text
    assert "My own rewrite of the step." in text and "Kept title" in text
    step.refresh_from_db()
    assert step.body == "A colleague's new text."
    now = step.content_digest()
    assert f'name="drawn" value="{now}"' in text  # "Save" again overwrites, knowingly
    assert client.post(edit, mine | {"drawn": now}).status_code == 302
    step.refresh_from_db()
    assert step.body == "My own rewrite of the step."


def _drawn(text: str, name: str = "drawn") -> str:
    import re

    return re.search(rf'name="{name}" value="(\w+)"', text).group(1)


def test_a_module_drafts_details_saved_by_someone_else_meanwhile_are_not_overwritten(
    library, client
):
    """Two authors (two browsers here) open a module's draft; the first renames it, and
    the second's save of the summary put the old title back without a word (decision
    0149). Now it is refused (409), the second's text kept, the first's title kept in
    the draft; saving again from that page overwrites, knowingly."""
    from django.test import Client

    from tests.conftest import sign_in

    draft_url = url("library_module_draft", library.module.pk)
    first, second = sign_in(client, library["author"]), sign_in(Client(), library["author"])
    theirs = _drawn(page(first.get(draft_url)), "meta-drawn")
    mine = _drawn(page(second.get(draft_url)), "meta-drawn")
    meta = {"which": "meta", "meta-language": "en", "meta-estimated_minutes": "30"}
    renamed = {**meta, "meta-title": "Activity, mood and you", "meta-summary": ""}
    assert first.post(draft_url, {**renamed, "meta-drawn": theirs}).status_code == 302
    summary = {**meta, "meta-title": "Activity and mood", "meta-summary": "My new summary."}
    response = second.post(draft_url, {**summary, "meta-drawn": mine})
    assert response.status_code == 409
    text = response.content.decode()
    assert "Someone else saved this draft&#x27;s details after you opened it" in text
    assert "My new summary." in text
    library.module_draft.refresh_from_db()
    assert (library.module_draft.title, library.module_draft.summary) == (
        "Activity, mood and you",
        "",
    )
    now = actions.module_draft_digest(library.module_draft)
    assert _drawn(text, "meta-drawn") == now
    assert second.post(draft_url, {**summary, "meta-drawn": now}).status_code == 302
    library.module_draft.refresh_from_db()
    assert library.module_draft.summary == "My new summary."


def test_a_programme_drafts_details_saved_by_someone_else_meanwhile_are_not_overwritten(
    library, client
):
    """The same for a programme's draft: the second save put the first's evidence text
    back to what it was (decision 0149)."""
    from django.test import Client

    from tests.conftest import sign_in

    draft_url = url("library_programme_draft", library.programme.pk)
    first, second = sign_in(client, library["author"]), sign_in(Client(), library["author"])
    theirs, mine = _drawn(page(first.get(draft_url))), _drawn(page(second.get(draft_url)))
    evidence = _programme_form(evidence="Three trials, one of them ours.", drawn=theirs)
    assert first.post(draft_url, evidence).status_code == 302
    weeks = _programme_form(weeks="10", drawn=mine)
    response = second.post(draft_url, weeks)
    assert response.status_code == 409
    text = response.content.decode()
    assert "Someone else saved this draft&#x27;s details after you opened it" in text
    draft = library.programme_draft
    draft.refresh_from_db()
    assert (draft.evidence, draft.weeks) == ("Three trials, one of them ours.", 8)
    assert second.post(draft_url, {**weeks, "drawn": _drawn(text)}).status_code == 302
    draft.refresh_from_db()
    assert draft.weeks == 10


def test_a_programmes_module_list_saved_by_someone_else_meanwhile_is_not_overwritten(
    library, client
):
    """Two authors (or two tabs) have the programme's modules open; the first adds a
    module, the second saves a new position. The second save put the list back without
    the first's module, without a word; it is refused (409), their ticks kept, and
    saving again from that page replaces the list knowingly (decision 0152)."""
    from django.test import Client

    from tests.conftest import sign_in

    second = actions.do_create_module(
        library.region, acting_user=library["author"], key="lib-values", title="Values"
    )
    version = second.versions.get()
    actions.do_add_step(version, acting_user=library["author"], kind="text", title="T", body="b")
    actions.do_publish_module(version, acting_user=library["author"])
    modules_url = url("library_programme_modules", library.programme.pk)
    first = library.module_version
    one, two = sign_in(client, library["author"]), sign_in(Client(), library["author"])
    theirs, mine = _drawn(page(one.get(modules_url))), _drawn(page(two.get(modules_url)))
    both = {f"use_{first.pk}": "on", f"use_{version.pk}": "on", f"position_{version.pk}": "1"}
    assert one.post(modules_url, {**both, "drawn": theirs}).status_code == 302
    alone = {f"use_{first.pk}": "on", f"position_{first.pk}": "1", "drawn": mine}
    response = two.post(modules_url, alone)
    assert response.status_code == 409
    text = response.content.decode()
    assert "Someone else saved this programme&#x27;s modules after you opened" in text
    entries = list(library.programme_draft.entries.values_list("module_version_id", "position"))
    assert entries == [(version.pk, 1), (first.pk, 2)]
    assert two.post(modules_url, {**alone, "drawn": _drawn(text)}).status_code == 302
    entries = list(library.programme_draft.entries.values_list("module_version_id", flat=True))
    assert entries == [first.pk]
