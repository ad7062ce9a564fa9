"""Checking a content package's manifest (format version 1, docs/content-packages.md).

``validate_manifest(data)`` returns every problem it finds, in plain words, each starting
with the JSON path of what is wrong (``modules[0].steps[2].media_alt: ...``). It is pure:
no database, no files; the zip around the manifest is reader.py's job.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from django.utils.translation import gettext as _

from tessera.instruments.scoring import load_all
from tessera.instruments.time_points import TimePoint

from ..content_rules import LANGUAGES, eligibility_problems, measures_problems, validate_fields
from ..markdown import block_problems
from ..models import ProblemArea, StepKind, UnlockRule

FORMAT = "tessera-content-package"
FORMAT_VERSION = 1

# Content types a package may carry: the kind of step that shows them, and file endings.
MEDIA_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "image/png": ("image", (".png",)),
    "image/jpeg": ("image", (".jpg", ".jpeg")),
    "image/webp": ("image", (".webp",)),
    "audio/mpeg": ("audio", (".mp3",)),
    "audio/ogg": ("audio", (".ogg", ".oga")),
    "video/mp4": ("video", (".mp4", ".m4v")),
    "video/webm": ("video", (".webm",)),
}
MEDIA_KINDS = ("image", "audio", "video")
FIELD_KINDS = ("worksheet", "homework")
CARE_MODELS = ("guided", "unguided", "blended")

MAX_MODULES = 200
MAX_STEPS = 500
MAX_FIELDS = 100
SMALLINT = 32767
MAX_VERSION = 2_147_483_647

KEY = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
MEDIA_PATH = re.compile(r"^media/[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
TEXT_PATH_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")

TOP_KEYS = {"format", "format_version", "programme", "modules", "media"}
PROGRAMME_REQUIRED = {"key", "version", "title", "problem_area", "languages", "modules"}
PROGRAMME_OPTIONAL = {
    "care_model",
    "unlock_rule",
    "weeks",
    "eligibility",
    "default_measures",
    "primary_measure",
    "description_patient",
    "description_professional",
    "evidence",
    "translations",
}
# A programme's patient-facing text in other languages: {"nb": {"title": …, …}}.
TRANSLATED_PROGRAMME_KEYS = {"title", "description_patient"}
MODULE_REQUIRED = {"key", "version", "title", "steps"}
MODULE_OPTIONAL = {"summary", "language", "estimated_minutes", "translation_of"}
STEP_REQUIRED = {"kind", "title"}
STEP_OPTIONAL = {"body", "body_file", "media", "media_alt", "transcript", "fields"}
MEDIA_KEYS = {"path", "sha256", "content_type", "size"}


class PackageRejected(Exception):
    """A package that may not be imported; ``problems`` says why, one line each."""

    LIMIT = 100

    def __init__(self, problems: list[str]):
        problems = list(problems)
        if len(problems) > self.LIMIT:
            rest = len(problems) - self.LIMIT
            problems = problems[: self.LIMIT] + [
                _("… and %(count)s more problems.") % {"count": rest}
            ]
        self.problems = problems
        super().__init__("; ".join(problems))


def path_problem(name: str) -> str | None:
    """Why a path inside a package is not safe, or None. Paths are relative, use '/', and
    never step outside the package."""
    if not name:
        return _("the name is empty")
    if "\\" in name:
        return _("the name contains a backslash")
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return _("the name contains control characters")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return _("the path is absolute")
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        return _("the path leads outside the package ('..')")
    if any(part in ("", ".") for part in parts):
        return _("the path has an empty or '.' part")
    if len(name) > 255:
        return _("the path is longer than 255 characters")
    return None


def validate_manifest(data: Any) -> list[str]:
    """Every problem with a decoded manifest.json; an empty list means it is valid."""
    check = _Checker()
    check.manifest(data)
    return check.problems


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, path: str, message: str) -> None:
        # The JSON path is a technical address, never translated; the order and the
        # punctuation around it are the translator's.
        self.problems.append(_("%(path)s: %(problem)s") % {"path": path, "problem": message})

    # --- building blocks ----------------------------------------------------------

    def obj(self, value: Any, path: str, required: set[str], optional: set[str]) -> bool:
        if not isinstance(value, dict):
            self.problem(path, _("must be an object ({…}), not %(t)s.") % {"t": _json(value)})
            return False
        for key in sorted(required - value.keys()):
            self.problem(_join(path, key), _("is missing."))
        for key in sorted(value.keys() - required - optional, key=str):
            self.problem(_join(path, key), _("is not part of this format."))
        return True

    def text(
        self,
        d: dict,
        key: str,
        path: str,
        *,
        max_length: int,
        empty: bool = True,
        blocks: bool = False,
    ) -> None:
        """A text value; ``blocks``: markdown whose ``:::`` blocks must be well formed."""
        if key not in d:
            return
        value, where = d[key], _join(path, key)
        if not isinstance(value, str):
            self.problem(where, _("must be text, not %(t)s.") % {"t": _json(value)})
        elif not empty and not value.strip():
            self.problem(where, _("must not be empty."))
        elif len(value) > max_length:
            self.problem(where, _("must be at most %(n)s characters.") % {"n": max_length})
        elif blocks:
            for problem in block_problems(value):
                self.problem(where, problem)

    def integer(self, d: dict, key: str, path: str, *, low: int, high: int) -> None:
        if key not in d:
            return
        value = d[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(
                _join(path, key),
                _("must be a whole number from %(low)s to %(high)s.") % {"low": low, "high": high},
            )

    def one_of(self, d: dict, key: str, path: str, options) -> None:
        if key in d and d[key] not in options:
            self.problem(
                _join(path, key),
                _("must be one of: %(options)s.") % {"options": ", ".join(options)},
            )

    def key(self, d: dict, key: str, path: str) -> None:
        if key in d and not (isinstance(d[key], str) and KEY.match(d[key])):
            self.problem(
                _join(path, key),
                _("must be a key of letters, digits, '-' and '_' (at most 80 characters)."),
            )

    def rules(self, path: str, check, value) -> None:
        """Problems from the library's own content rules (content_rules.py), under a path."""
        try:
            found = check(value)
        except (TypeError, ValueError, KeyError, AttributeError):
            found = [_("cannot be read.")]
        for problem in found:
            self.problem(path, problem)

    def a_list(self, d: dict, key: str, path: str, *, most: int, least: int = 0) -> list:
        value = d.get(key, [])
        where = _join(path, key)
        if not isinstance(value, list):
            self.problem(where, _("must be a list ([…]), not %(t)s.") % {"t": _json(value)})
            return []
        if not least <= len(value) <= most:
            self.problem(
                where,
                _("must have from %(low)s to %(high)s entries.") % {"low": least, "high": most},
            )
            return []
        return value

    def unique(self, values: list, path: str) -> None:
        for value, count in Counter(v for v in values if isinstance(v, str)).items():
            if count > 1:
                self.problem(path, _("'%(key)s' appears more than once.") % {"key": value})

    # --- the manifest -------------------------------------------------------------

    def manifest(self, data: Any) -> None:
        if not isinstance(data, dict):
            self.problems.append(_("manifest.json must hold a JSON object ({…})."))
            return
        if data.get("format") != FORMAT:
            self.problem(
                "format",
                _("this is not a Tessera content package (expected %(format)s).")
                % {"format": f'"{FORMAT}"'},
            )
            return
        version = data.get("format_version")
        if type(version) is not int or version != FORMAT_VERSION:
            self.problem(
                "format_version",
                _(
                    "this package is in format version %(found)s; this Tessera reads "
                    "version %(ours)s only."
                )
                % {"found": _show(version), "ours": FORMAT_VERSION},
            )
            return
        self.obj(data, "$", TOP_KEYS, set())
        media = self.media(data.get("media", []))
        modules = self.modules(data["modules"], media) if "modules" in data else set()
        translations = {
            m["key"]
            for m in data.get("modules") or []
            if isinstance(m, dict) and isinstance(m.get("key"), str) and "translation_of" in m
        }
        if "programme" in data:
            self.programme(data["programme"], modules, translations)
        self.unused_media(data.get("modules"), media)

    def programme(self, p: Any, module_keys: set[str], translations=frozenset()) -> None:
        path = "programme"
        if not self.obj(p, path, PROGRAMME_REQUIRED, PROGRAMME_OPTIONAL):
            return
        self.key(p, "key", path)
        self.integer(p, "version", path, low=1, high=MAX_VERSION)
        self.text(p, "title", path, max_length=200, empty=False)
        self.one_of(p, "problem_area", path, ProblemArea.values)
        self.one_of(p, "care_model", path, CARE_MODELS)
        self.one_of(p, "primary_measure", path, ["", *sorted(load_all())])
        self.one_of(p, "unlock_rule", path, UnlockRule.values)
        self.integer(p, "weeks", path, low=0, high=SMALLINT)
        for key in ("description_patient", "description_professional"):
            self.text(p, key, path, max_length=100_000, blocks=True)
        self.text(p, "evidence", path, max_length=100_000)
        languages = self.a_list(p, "languages", path, least=1, most=len(LANGUAGES))
        for i, code in enumerate(languages):
            if code not in LANGUAGES:
                self.problem(
                    f"{path}.languages[{i}]",
                    _("must be one of: %(options)s.") % {"options": ", ".join(LANGUAGES)},
                )
        self.unique(languages, f"{path}.languages")
        self.programme_translations(p, path)
        self.rules(f"{path}.eligibility", eligibility_problems, p.get("eligibility", {}))
        self.measures(p, path)
        keys = self.a_list(p, "modules", path, least=1, most=MAX_MODULES)
        self.unique(keys, f"{path}.modules")
        for i, key in enumerate(keys):
            if not isinstance(key, str):
                self.problem(f"{path}.modules[{i}]", _("must be a module key (text)."))
            elif key not in module_keys:
                self.problem(
                    f"{path}.modules[{i}]",
                    _("there is no module '%(key)s' in the package's modules.") % {"key": key},
                )
        # A translation of a module may come along without being in the programme: a
        # plan takes it instead of the module for patients who read its language.
        for key in sorted(module_keys - translations - {k for k in keys if isinstance(k, str)}):
            self.problem(
                "modules",
                _("module '%(key)s' is in the package but not in programme.modules.")
                % {"key": key},
            )

    def programme_translations(self, p: dict, path: str) -> None:
        if "translations" not in p:
            return
        where = _join(path, "translations")
        found = p["translations"]
        if not isinstance(found, dict):
            self.problem(where, _("must be an object ({…}), not %(t)s.") % {"t": _json(found)})
            return
        for code, text in found.items():
            if code not in LANGUAGES:
                self.problem(
                    where, _("must be one of: %(options)s.") % {"options": ", ".join(LANGUAGES)}
                )
            elif self.obj(text, _join(where, code), set(), TRANSLATED_PROGRAMME_KEYS):
                self.text(text, "title", _join(where, code), max_length=200, empty=False)
                self.text(
                    text, "description_patient", _join(where, code), max_length=100_000, blocks=True
                )

    def measures(self, p: dict, path: str) -> None:
        before = len(self.problems)
        measures = self.a_list(p, "default_measures", path, most=100)
        for i, measure in enumerate(measures):
            where = f"{path}.default_measures[{i}]"
            if self.obj(measure, where, {"instrument", "time_point"}, set()):
                self.text(measure, "instrument", where, max_length=32, empty=False)
                self.one_of(measure, "time_point", where, TimePoint.values)
        if len(self.problems) == before:  # the shape is right: ask the library's rules
            self.rules(f"{path}.default_measures", measures_problems, measures)

    def modules(self, modules: Any, media: dict[str, str]) -> set[str]:
        if not isinstance(modules, list):
            self.problem("modules", _("must be a list ([…]), not %(t)s.") % {"t": _json(modules)})
            return set()
        if not 1 <= len(modules) <= MAX_MODULES:
            self.problem(
                "modules", _("must have from 1 to %(high)s entries.") % {"high": MAX_MODULES}
            )
            return set()
        keys = []
        for i, module in enumerate(modules):
            self.module(module, f"modules[{i}]", media)
            if isinstance(module, dict) and isinstance(module.get("key"), str):
                keys.append(module["key"])
        self.unique(keys, "modules")
        return set(keys)

    def module(self, m: Any, path: str, media: dict[str, str]) -> None:
        if not self.obj(m, path, MODULE_REQUIRED, MODULE_OPTIONAL):
            return
        self.key(m, "key", path)
        self.integer(m, "version", path, low=1, high=MAX_VERSION)
        self.text(m, "title", path, max_length=200, empty=False)
        self.text(m, "summary", path, max_length=10_000)
        self.one_of(m, "language", path, LANGUAGES)
        self.key(m, "translation_of", path)
        if m.get("translation_of") == m.get("key"):
            self.problem(_join(path, "translation_of"), _("must name another module."))
        self.integer(m, "estimated_minutes", path, low=0, high=SMALLINT)
        for i, step in enumerate(self.a_list(m, "steps", path, least=1, most=MAX_STEPS)):
            self.step(step, f"{path}.steps[{i}]", media)

    def step(self, s: Any, path: str, media: dict[str, str]) -> None:
        if not self.obj(s, path, STEP_REQUIRED, STEP_OPTIONAL):
            return
        self.one_of(s, "kind", path, StepKind.values)
        kind = s.get("kind")
        self.text(s, "title", path, max_length=200, empty=False)
        self.text(s, "body", path, max_length=200_000, blocks=True)
        self.text(s, "media_alt", path, max_length=300)
        self.text(s, "transcript", path, max_length=200_000, blocks=True)
        if "body" in s and "body_file" in s:
            self.problem(path, _("has both body and body_file; give one of them."))
        if "body_file" in s:
            self.body_file(s["body_file"], f"{path}.body_file")
        elif kind == "text" and not _filled(s.get("body")):
            self.problem(f"{path}.body", _("a text step needs its text (body or body_file)."))
        self.step_media(s, path, kind, media)
        if kind in FIELD_KINDS:
            fields = self.a_list(s, "fields", path, least=1, most=MAX_FIELDS)
            if fields:
                self.rules(f"{path}.fields", validate_fields, fields)
        elif "fields" in s:
            self.problem(f"{path}.fields", _("only worksheet and homework steps have fields."))

    def body_file(self, value: Any, path: str) -> None:
        problem = path_problem(value) if isinstance(value, str) else _("must be text")
        if problem is not None:  # a phrase shared with the zip reader: end the sentence
            problem = _("%(problem)s.") % {"problem": problem}
        elif not value.endswith(".md"):
            problem = _("must name a markdown file ending in .md.")
        elif not all(TEXT_PATH_SEGMENT.match(p) for p in value.split("/")):
            problem = _("may only use letters, digits, '.', '-' and '_' in its names.")
        elif value.split("/")[0] in ("media", "manifest.json"):
            problem = _("must not be in media/.")
        if problem:
            self.problem(path, problem)

    def step_media(self, s: dict, path: str, kind: Any, media: dict[str, str]) -> None:
        if kind not in MEDIA_KINDS:
            if "media" in s:
                self.problem(f"{path}.media", _("only image, audio and video steps have media."))
            return
        ref = s.get("media")
        if ref is None:
            self.problem(f"{path}.media", MISSING_MEDIA[kind]())
        elif not isinstance(ref, str) or ref not in media:
            self.problem(
                f"{path}.media",
                _("%(ref)s is not listed in the package's media.") % {"ref": _show(ref)},
            )
        elif MEDIA_TYPES.get(media[ref], ("",))[0] != kind:
            self.problem(f"{path}.media", WRONG_MEDIA[kind]() % {"ref": ref, "type": media[ref]})
        if kind == "image" and not _filled(s.get("media_alt")):
            self.problem(
                f"{path}.media_alt", _("an image needs a description for people who cannot see it.")
            )
        if kind in ("audio", "video") and not _filled(s.get("transcript")):
            self.problem(f"{path}.transcript", _("audio and video need captions or a transcript."))

    def media(self, entries: Any) -> dict[str, str]:
        """The valid media entries as {path: content type}."""
        if not isinstance(entries, list):
            self.problem("media", _("must be a list ([…]), not %(t)s.") % {"t": _json(entries)})
            return {}
        found: dict[str, str] = {}
        hashes: dict[str, str] = {}
        for i, entry in enumerate(entries):
            path = f"media[{i}]"
            if not self.obj(entry, path, MEDIA_KEYS, set()):
                continue
            self.integer(entry, "size", path, low=1, high=2**63)
            self.one_of(entry, "content_type", path, list(MEDIA_TYPES))
            sha = entry.get("sha256")
            if not (isinstance(sha, str) and SHA256.match(sha)):
                self.problem(f"{path}.sha256", _("must be 64 lowercase hexadecimal digits."))
            elif sha in hashes:
                self.problem(
                    f"{path}.sha256",
                    _("the same file is already in the package as %(other)s.")
                    % {"other": hashes[sha]},
                )
            name = entry.get("path")
            if not (isinstance(name, str) and MEDIA_PATH.match(name)):
                self.problem(
                    f"{path}.path",
                    _("must be media/<name>, the name of letters, digits, '.', '-' and '_'."),
                )
                continue
            if name in found:
                self.problem(f"{path}.path", _("'%(key)s' appears more than once.") % {"key": name})
                continue
            content_type = entry.get("content_type")
            if not isinstance(content_type, str):
                content_type = ""
            if content_type in MEDIA_TYPES:
                endings = MEDIA_TYPES[content_type][1]
                if not name.lower().endswith(endings):
                    self.problem(f"{path}.path", _endings_problem(content_type, endings))
            found[name] = content_type
            if isinstance(sha, str):
                hashes.setdefault(sha, name)
        return found

    def unused_media(self, modules: Any, media: dict[str, str]) -> None:
        used = {
            step.get("media")
            for module in (modules if isinstance(modules, list) else [])
            if isinstance(module, dict) and isinstance(module.get("steps"), list)
            for step in module["steps"]
            if isinstance(step, dict) and isinstance(step.get("media"), str)
        }
        for name in sorted(set(media) - used):
            self.problem("media", _("%(path)s is not used by any step.") % {"path": name})


# Whole sentences per kind of step (a kind's code or label inside a sentence does not
# translate: articles and word order differ by language).
MISSING_MEDIA = {
    "image": lambda: _("is missing: an image step needs a file."),
    "audio": lambda: _("is missing: an audio step needs a file."),
    "video": lambda: _("is missing: a video step needs a file."),
}
WRONG_MEDIA = {
    "image": lambda: _("%(ref)s is %(type)s, which an image step cannot show."),
    "audio": lambda: _("%(ref)s is %(type)s, which an audio step cannot play."),
    "video": lambda: _("%(ref)s is %(type)s, which a video step cannot play."),
}


def _endings_problem(content_type: str, endings: tuple[str, ...]) -> str:
    if len(endings) == 1:
        return _("a file of type %(type)s must end in %(ending)s.") % {
            "type": content_type,
            "ending": endings[0],
        }
    return _("a file of type %(type)s must have one of these endings: %(endings)s.") % {
        "type": content_type,
        "endings": ", ".join(endings),
    }


def _join(path: str, key: Any) -> str:
    return str(key) if path == "$" else f"{path}.{key}"


def _json(value: Any) -> str:
    """What kind of JSON value this is, in words."""
    if isinstance(value, dict):
        return _("an object")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, bool):
        return _("true or false")
    if value is None:
        return "null"
    return _("a number")


def _show(value: Any) -> str:
    """A short rendering of a JSON value for a message."""
    text = json.dumps(value, ensure_ascii=False) if _plain(value) else _json(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _plain(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())
