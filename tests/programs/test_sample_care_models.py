"""A self-help patient is never promised a therapist (issue 14, item 8): every step of
every sample module, in every language it exists in, read as an unguided course shows no
word for a therapist; read in guided care, the steps that speak of the therapist still do.

Steps are rendered the way the module reader renders them (``render_markdown`` with the
episode's care model), so the ``::: guided`` / ``::: unguided`` blocks are applied."""

from __future__ import annotations

import json
import re

import pytest

from tessera.programs.management.commands import load_sample_content
from tessera.treatment.worksheets import render_markdown

SAMPLES = load_sample_content.sample_directories()

# The words our sample texts use for the person who guides a patient, per language.
THERAPIST_WORDS = {
    "en": r"therapist",
    "sv": r"behandlare|terapeut",
    "nb": r"behandler|terapeut",
    "da": r"behandler|terapeut",
    "nl": r"behandelaar|therapeut",
}


def _steps():
    """(sample, module key, language, step number, body, transcript) for every step."""
    out = []
    for folder in SAMPLES:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        for module in manifest["modules"]:
            language = module.get("language", "en")
            for number, step in enumerate(module["steps"], start=1):
                body = step.get("body") or ""
                if "body_file" in step:
                    body = (folder / step["body_file"]).read_text(encoding="utf-8")
                out.append(
                    (folder.name, module["key"], language, number, body, step.get("transcript"))
                )
    return out


STEPS = _steps()
IDS = [f"{s[0]}/{s[1]}/{s[3]}" for s in STEPS]


def _words(language: str) -> re.Pattern:
    return re.compile(THERAPIST_WORDS[language], re.IGNORECASE)


def test_the_samples_have_modules_in_every_language():
    assert {language for _, _, language, *_ in STEPS} == set(THERAPIST_WORDS)


@pytest.mark.parametrize(
    ("sample", "module", "language", "number", "body", "transcript"), STEPS, ids=IDS
)
def test_an_unguided_course_never_mentions_a_therapist(
    sample, module, language, number, body, transcript
):
    for text in (body, transcript):
        html = str(render_markdown(text, "unguided"))
        assert not _words(language).search(html), html
        assert ":::" not in html


@pytest.mark.parametrize(
    ("sample", "module", "language", "number", "body", "transcript"), STEPS, ids=IDS
)
def test_guided_care_still_reads_about_the_therapist(
    sample, module, language, number, body, transcript
):
    guided_blocks = re.findall(r"^::: guided\s*$(.*?)^:::\s*$", body, re.MULTILINE | re.DOTALL)
    expected = any(_words(language).search(block) for block in guided_blocks)
    html = str(render_markdown(body, "guided"))
    if expected:
        assert _words(language).search(html)
    assert ":::" not in html


def test_the_guided_texts_that_name_the_therapist_are_many_in_every_language():
    """A guard against the blocks being dropped wholesale: guided care still names the
    therapist in each language's sample modules."""
    named = {
        language
        for _, _, language, _, body, _ in STEPS
        if _words(language).search(str(render_markdown(body, "guided")))
    }
    assert named == set(THERAPIST_WORDS)


def test_worksheet_labels_and_choices_never_mention_a_therapist():
    found = []
    for folder in SAMPLES:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        for module in manifest["modules"]:
            words = _words(module.get("language", "en"))
            for step in module["steps"]:
                fields = list(step.get("fields", []))
                fields += [c for f in fields for c in f.get("columns", [])]
                for field in fields:
                    for text in [field.get("label", ""), *field.get("choices", [])]:
                        if words.search(text):
                            found.append((module["key"], text))
    assert found == []


def test_module_titles_and_summaries_never_mention_a_therapist():
    """A module's title and summary have no guided and unguided versions (they are shown
    as written, whatever the clinic's care model), so they promise no therapist."""
    found = []
    for folder in SAMPLES:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        for module in manifest["modules"]:
            words = _words(module.get("language", "en"))
            for text in (module.get("title", ""), module.get("summary", "")):
                if words.search(text):
                    found.append((folder.name, module["key"], text))
    assert found == []
