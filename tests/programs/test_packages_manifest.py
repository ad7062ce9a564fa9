"""The manifest check: every problem in plain words, each under its JSON path."""

from __future__ import annotations

import copy

import pytest

from tessera.programs.packages import validate_manifest
from tests.programs.fixtures_packages import image_manifest, minimal_manifest, tiny_png


def full_manifest() -> dict:
    """A valid manifest with every kind of step and every type of field."""
    manifest = image_manifest(tiny_png())
    manifest["programme"].update(
        languages=["en", "sv"],
        care_model="blended",
        unlock_rule="after_previous",
        weeks=8,
        eligibility={"min_age": 18, "max_age": None, "scores": [], "exclude": ["x"]},
        default_measures=[{"instrument": "PHQ-9", "time_point": "weekly"}],
        description_patient="**Hi**",
        description_professional="",
        evidence="Some.",
    )
    manifest["modules"][0].update(summary="S", language="sv", estimated_minutes=30)
    columns = [
        {"key": "day", "label": "Day", "type": "date"},
        {"key": "what", "label": "What", "type": "text"},
    ]
    fields = [
        {"key": "a", "label": "A", "type": "text", "required": True, "help": "Say it"},
        {"key": "b", "label": "B", "type": "longtext"},
        {"key": "c", "label": "C", "type": "number"},
        {"key": "d", "label": "D", "type": "choice", "choices": ["one", "two"]},
        {"key": "e", "label": "E", "type": "scale_0_10"},
        {"key": "f", "label": "F", "type": "scale_0_100"},
        {"key": "g", "label": "G", "type": "date"},
        {"key": "h", "label": "H", "type": "time"},
        {"key": "i", "label": "I", "type": "datetime"},
        {"key": "j", "label": "J", "type": "table", "columns": columns},
    ]
    manifest["modules"][0]["steps"] += [
        {"kind": "audio", "title": "Listen", "media": "media/a.mp3", "transcript": "Words"},
        {"kind": "video", "title": "Watch", "media": "media/v.webm", "transcript": "Words"},
        {"kind": "worksheet", "title": "Fill in", "body": "Please", "fields": fields},
        {"kind": "homework", "title": "Daily", "fields": [dict(fields[0])]},
    ]
    manifest["media"] += [
        {"path": "media/a.mp3", "sha256": "a" * 64, "content_type": "audio/mpeg", "size": 9},
        {"path": "media/v.webm", "sha256": "b" * 64, "content_type": "video/webm", "size": 9},
    ]
    return manifest


def problems_after(change) -> list[str]:
    manifest = full_manifest()
    change(manifest)
    return validate_manifest(manifest)


def step(manifest, n):
    return manifest["modules"][0]["steps"][n]


def test_valid_manifests_have_no_problems():
    assert validate_manifest(minimal_manifest()) == []
    assert validate_manifest(full_manifest()) == []


def test_it_is_not_a_package_without_the_format_name():
    problems = validate_manifest({"format": "zip", "format_version": 1})
    assert problems == [
        'format: this is not a Tessera content package (expected "tessera-content-package").'
    ]


@pytest.mark.parametrize("version", [2, 0, "1", 1.0, True, None])
def test_only_format_version_1_is_read(version):
    manifest = minimal_manifest()
    manifest["format_version"] = version
    (problem,) = validate_manifest(manifest)
    assert problem.startswith("format_version: this package is in format version ")
    assert problem.endswith("this Tessera reads version 1 only.")


def test_a_manifest_must_be_an_object():
    assert validate_manifest([]) == ["manifest.json must hold a JSON object ({…})."]


def test_missing_and_unknown_fields_are_named_by_path():
    def change(m):
        del m["programme"]["title"]
        m["programme"]["colour"] = "blue"
        m["modules"][0]["steps"][0]["script"] = "alert(1)"
        m["extra"] = 1

    assert problems_after(change) == [
        "extra: is not part of this format.",
        "modules[0].steps[0].script: is not part of this format.",
        "programme.title: is missing.",
        "programme.colour: is not part of this format.",
    ]


@pytest.mark.parametrize("bad", [0, -1, "1", 1.5, True, None])
def test_versions_are_positive_whole_numbers(bad):
    def change(m):
        m["programme"]["version"] = bad
        m["modules"][0]["version"] = bad

    assert problems_after(change) == [
        "modules[0].version: must be a whole number from 1 to 2147483647.",
        "programme.version: must be a whole number from 1 to 2147483647.",
    ]


def test_the_programme_may_only_name_modules_in_the_package():
    def change(m):
        m["programme"]["modules"] = ["hello", "missing", "hello"]

    assert problems_after(change) == [
        "programme.modules: 'hello' appears more than once.",
        "programme.modules[1]: there is no module 'missing' in the package's modules.",
    ]


def test_every_module_in_the_package_is_in_the_programme():
    def change(m):
        extra = copy.deepcopy(m["modules"][0])
        extra["key"] = "spare"
        extra["steps"] = [{"kind": "text", "title": "T", "body": "B"}]
        m["modules"].append(extra)

    assert problems_after(change) == [
        "modules: module 'spare' is in the package but not in programme.modules."
    ]


def test_module_keys_are_unique_and_slugs():
    def change(m):
        m["modules"].append(copy.deepcopy(m["modules"][0]))
        m["programme"]["key"] = "no spaces!"

    problems = problems_after(change)
    assert "modules: 'hello' appears more than once." in problems
    assert (
        "programme.key: must be a key of letters, digits, '-' and '_' (at most 80 characters)."
        in problems
    )


def test_audio_and_video_need_a_transcript_and_images_a_description():
    def change(m):
        del step(m, 2)["media_alt"]
        step(m, 3)["transcript"] = "  "
        del step(m, 4)["transcript"]

    assert problems_after(change) == [
        "modules[0].steps[2].media_alt: an image needs a description for people who cannot see it.",
        "modules[0].steps[3].transcript: audio and video need captions or a transcript.",
        "modules[0].steps[4].transcript: audio and video need captions or a transcript.",
    ]


def test_a_media_step_needs_a_listed_file_of_its_kind():
    def change(m):
        step(m, 2)["media"] = "media/a.mp3"
        step(m, 3)["media"] = "media/nowhere.mp3"
        del step(m, 4)["media"]

    problems = problems_after(change)
    assert problems[:3] == [
        "modules[0].steps[2].media: media/a.mp3 is audio/mpeg, which an image step cannot show.",
        'modules[0].steps[3].media: "media/nowhere.mp3" is not listed in the package\'s media.',
        "modules[0].steps[4].media: is missing: a video step needs a file.",
    ]
    assert "media: media/dot.png is not used by any step." in problems


def test_only_media_steps_have_media_and_only_worksheets_have_fields():
    def change(m):
        step(m, 0)["media"] = "media/dot.png"
        step(m, 0)["fields"] = []

    assert problems_after(change) == [
        "modules[0].steps[0].media: only image, audio and video steps have media.",
        "modules[0].steps[0].fields: only worksheet and homework steps have fields.",
    ]


def test_field_specs_follow_the_library_rules():
    def change(m):
        fields = step(m, 5)["fields"]
        fields[0]["type"] = "colour"
        fields[3]["choices"] = []
        fields[9]["columns"][0]["type"] = "table"

    problems = problems_after(change)
    assert all(p.startswith("modules[0].steps[5].fields: ") for p in problems)
    assert "Field 1 (“a”) has the type “colour”" in problems[0]
    assert "Field 4 (“d”) is a choice" in problems[1]
    assert "Column 1 (“day”) of Field 10 (“j”) has the type “table”" in problems[2]


def test_worksheets_need_fields_and_text_steps_need_text():
    def change(m):
        step(m, 6)["fields"] = []
        step(m, 0)["body"] = ""

    assert problems_after(change) == [
        "modules[0].steps[0].body: a text step needs its text (body or body_file).",
        "modules[0].steps[6].fields: must have from 1 to 100 entries.",
    ]


@pytest.mark.parametrize(
    "path, expected",
    [
        ("../outside.md", "the path leads outside the package ('..')."),
        ("/etc/passwd.md", "the path is absolute."),
        ("modules\\x.md", "the name contains a backslash."),
        ("modules/x.sh", "must name a markdown file ending in .md."),
        ("media/x.md", "must not be in media/."),
        ("modules//x.md", "the path has an empty or '.' part."),
    ],
)
def test_body_files_stay_inside_the_package(path, expected):
    def change(m):
        step(m, 1)["body_file"] = path

    assert problems_after(change) == [f"modules[0].steps[1].body_file: {expected}"]


def test_a_step_has_body_or_body_file_not_both():
    def change(m):
        step(m, 1)["body"] = "x"

    assert problems_after(change) == [
        "modules[0].steps[1]: has both body and body_file; give one of them."
    ]


@pytest.mark.parametrize(
    "entry, expected",
    [
        ({"path": "media/../x.png"}, "media[0].path: must be media/<name>"),
        ({"path": "/etc/x.png"}, "media[0].path: must be media/<name>"),
        ({"path": "media/dot.jpg"}, "media[0].path: a file of type image/png must end in .png."),
        (
            {"path": "media/dot.png", "content_type": "image/jpeg"},
            "media[0].path: a file of type image/jpeg must have one of these endings: .jpg, .jpeg.",
        ),
        ({"content_type": "image/svg+xml"}, "media[0].content_type: must be one of: image/png"),
        ({"sha256": "ABC"}, "media[0].sha256: must be 64 lowercase hexadecimal digits."),
        ({"size": 0}, "media[0].size: must be a whole number from 1"),
    ],
)
def test_media_entries_are_checked(entry, expected):
    def change(m):
        m["media"][0].update(entry)
        if "path" in entry:
            step(m, 2)["media"] = entry["path"]

    problems = problems_after(change)
    assert any(p.startswith(expected) for p in problems), problems


def test_the_same_media_file_is_listed_once():
    def change(m):
        m["media"][1]["sha256"] = m["media"][0]["sha256"]

    assert problems_after(change) == [
        "media[1].sha256: the same file is already in the package as media/dot.png."
    ]


def test_languages_are_the_supported_ones():
    def change(m):
        m["programme"]["languages"] = ["en", "xx"]
        m["modules"][0]["language"] = "english"

    problems = problems_after(change)
    assert problems[0].startswith("modules[0].language: must be one of: en, sv")
    assert problems[1].startswith("programme.languages[1]: must be one of: en, sv")


def test_programme_settings_follow_the_library_rules():
    def change(m):
        m["programme"]["problem_area"] = "boredom"
        m["programme"]["eligibility"] = {"min_age": 30, "max_age": 20}
        m["programme"]["default_measures"] = [{"instrument": "NOPE-1", "time_point": "weekly"}]

    problems = problems_after(change)
    assert problems[0].startswith("programme.problem_area: must be one of: depression")
    assert problems[1].startswith("programme.eligibility: ")
    assert problems[2].startswith("programme.default_measures: ")


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m.update(modules={"a": 1}),
        lambda m: m.update(media="none"),
        lambda m: m["modules"][0].update(steps="text"),
        lambda m: m["modules"][0]["steps"].append(["kind", "text"]),
        lambda m: step(m, 5).update(fields={"key": "x"}),
        lambda m: step(m, 5)["fields"].append([1, 2]),
        lambda m: m["programme"].update(default_measures=[{"instrument": [], "time_point": {}}]),
        lambda m: m["programme"].update(eligibility=[]),
        lambda m: m["programme"].update(modules=[{"key": "hello"}]),
        lambda m: step(m, 2).update(media=["media/dot.png"]),
        lambda m: m["media"].append({"path": ["x"], "sha256": {}, "content_type": [], "size": {}}),
    ],
)
def test_odd_json_shapes_give_problems_not_errors(change):
    problems = problems_after(change)
    assert problems and all(isinstance(p, str) and ": " in p for p in problems)


def test_many_problems_are_all_reported():
    def change(m):
        for s in m["modules"][0]["steps"]:
            s["title"] = ""

    problems = problems_after(change)
    assert len(problems) == 7
    assert problems[0] == "modules[0].steps[0].title: must not be empty."


def test_a_primary_measure_must_be_a_shipped_questionnaire():
    def change(m):
        m["programme"]["primary_measure"] = "NOPE-1"

    problems = problems_after(change)
    assert problems and problems[0].startswith("programme.primary_measure: must be one of: ")

    def licensed(m):
        m["programme"]["primary_measure"] = "ISI"  # structure only: allowed

    assert problems_after(licensed) == []
