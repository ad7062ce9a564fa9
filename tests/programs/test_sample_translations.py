"""The sample depression-ba is translated whole into Norwegian, Danish and Dutch (issue
17): every module has a translation in each, with the same steps and the same worksheet
fields (keys and types), and text of its own in that language; a Norwegian, Danish or
Dutch patient's plan is then entirely in their language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tessera.programs

PACKAGE = Path(tessera.programs.__file__).parent / "content" / "depression-ba"
MANIFEST = json.loads((PACKAGE / "manifest.json").read_text())
MODULES = {m["key"]: m for m in MANIFEST["modules"]}
ORIGINALS = MANIFEST["programme"]["modules"]


def _shape(fields):
    return [
        (f["key"], f["type"], len(f.get("choices", [])), _shape(f.get("columns", [])))
        for f in fields
    ]


def _texts(module):
    out = [module["title"], module["summary"]]
    for step in module["steps"]:
        out.append(step["title"])
        out.append(step.get("body") or (PACKAGE / step["body_file"]).read_text())
    return out


@pytest.mark.parametrize("language", ["nb", "da", "nl"])
@pytest.mark.parametrize("key", ORIGINALS)
def test_every_module_has_a_whole_translation(key, language):
    original = MODULES[key]
    translation = MODULES.get(f"{key}-{language}")
    assert translation is not None, f"{key} has no {language} translation"
    assert translation["translation_of"] == key and translation["language"] == language
    assert [s["kind"] for s in translation["steps"]] == [s["kind"] for s in original["steps"]]
    assert [_shape(s.get("fields", [])) for s in translation["steps"]] == [
        _shape(s.get("fields", [])) for s in original["steps"]
    ]
    english = set(_texts(original))
    for text in _texts(translation):
        assert text.strip() and text not in english, f"{key}-{language}: untranslated {text!r}"
    # Markdown emphasis survives translation (same number of bold marks per text).
    for ours, theirs in zip(_texts(translation), _texts(original), strict=True):
        assert ours.count("**") == theirs.count("**")
