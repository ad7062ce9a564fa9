"""Fixtures and helpers for the content-package tests. Test modules import what they use
explicitly (``from tests.programs.fixtures_packages import ...``), so that this file does
not depend on a tests/programs/conftest.py that others may write."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tessera.core import actions as core
from tessera.core.models import AuditEvent, Region, User
from tessera.core.roles import Role
from tessera.programs import actions
from tessera.programs.models import (
    MediaFile,
    Module,
    ModuleVersion,
    Programme,
    ProgrammeModule,
    ProgrammeVersion,
    Status,
    Step,
)
from tessera.programs.packages import write_zip
from tests.conftest import make_clinic, make_user

# --- files -----------------------------------------------------------------------------


def tiny_png(rgb: tuple[int, int, int] = (0, 128, 255)) -> bytes:
    """A real one-pixel PNG."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + tag
            + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + bytes(rgb))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def tiny_mp3() -> bytes:
    """An ID3 tag and one silent MPEG-1 layer III frame header: enough to be sniffed."""
    return b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + b"\x00" * 413


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def media_entry(path: str, data: bytes, content_type: str = "image/png") -> dict:
    return {"path": path, "sha256": sha(data), "content_type": content_type, "size": len(data)}


# --- manifests and packages ------------------------------------------------------------


def minimal_manifest(key: str = "tiny", *, module: str = "hello", version: int = 1) -> dict:
    """The smallest valid manifest: one programme, one module, one text step."""
    return {
        "format": "tessera-content-package",
        "format_version": 1,
        "programme": {
            "key": key,
            "version": version,
            "title": "A tiny programme",
            "problem_area": "depression",
            "languages": ["en"],
            "modules": [module],
        },
        "modules": [
            {
                "key": module,
                "version": version,
                "title": "Hello",
                "steps": [{"kind": "text", "title": "Welcome", "body": "Hello **there**."}],
            }
        ],
        "media": [],
    }


def image_manifest(png: bytes) -> dict:
    """A valid manifest with a text step from a file and an image step."""
    manifest = minimal_manifest()
    manifest["modules"][0]["steps"] += [
        {"kind": "text", "title": "From a file", "body_file": "modules/hello/why.md"},
        {"kind": "image", "title": "A picture", "media": "media/dot.png", "media_alt": "A dot"},
    ]
    manifest["media"] = [media_entry("media/dot.png", png)]
    return manifest


def image_files(png: bytes) -> dict[str, bytes]:
    return {"modules/hello/why.md": b"Because *why not*.\n", "media/dot.png": png}


def package(manifest: dict | bytes | str, files: dict[str, bytes] | None = None) -> bytes:
    """A zip with this manifest and these files."""
    if isinstance(manifest, dict):
        manifest = json.dumps(manifest, indent=1)
    if isinstance(manifest, str):
        manifest = manifest.encode()
    return write_zip({"manifest.json": manifest, **(files or {})})


def raw_zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    """A zip written entry by entry, exactly as given (duplicates, odd names, modes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return buffer.getvalue()


# --- the database ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Stored media go to a fresh folder for each test."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@dataclass
class Regions:
    region: Region
    other_region: Region
    author: User
    other_author: User


@pytest.fixture
def regions(db) -> Regions:
    """Two regions, each with a clinic and a content author."""
    region = core.do_create_region(name="North", country="SE")
    other = core.do_create_region(name="South", country="SE")
    author = make_user("author@north.test", second_factor=True)
    core.do_grant_role(author, make_clinic(region, "north"), Role.CONTENT_AUTHOR)
    other_author = make_user("author@south.test", second_factor=True)
    core.do_grant_role(other_author, make_clinic(other, "south"), Role.CONTENT_AUTHOR)
    return Regions(region, other, author, other_author)


def _store(region, author, name: str, data: bytes) -> MediaFile:
    upload = SimpleUploadedFile(name, data)
    return actions.do_store_media(region, acting_user=author, upload=upload)


def _module(region, author, key: str, title: str, steps: list[dict]) -> ModuleVersion:
    module = actions.do_create_module(
        region, acting_user=author, key=key, title=title, summary=f"About {title}."
    )
    draft = module.versions.get()
    for step in steps:
        actions.do_add_step(draft, acting_user=author, **step)
    return actions.do_publish_module(draft, acting_user=author)


def build_programme(region, author, *, key: str = "cbt-basics") -> ProgrammeVersion:
    """A published programme built through the editor's actions: a module with text, an
    image and audio, and one with a worksheet (a table among its fields) and homework."""
    png = _store(region, author, "A dot (small).PNG", tiny_png())
    mp3 = _store(region, author, "breathing.mp3", tiny_mp3())
    intro = _module(
        region,
        author,
        f"{key}-intro",
        "What CBT is",
        [
            {"kind": "text", "title": "Thoughts, feelings, actions", "body": "# Hello\n\nText."},
            {"kind": "image", "title": "The cycle", "media": png, "media_alt": "A blue dot"},
            {
                "kind": "audio",
                "title": "Breathing",
                "media": mp3,
                "transcript": "Breathe in. Breathe out.",
            },
        ],
    )
    fields = [
        {"key": "activity", "label": "What I did", "type": "text", "required": True},
        {"key": "mood", "label": "Mood", "type": "scale_0_10"},
        {"key": "when", "label": "When", "type": "choice", "choices": ["Morning", "Evening"]},
        {
            "key": "plan",
            "label": "My plan",
            "type": "table",
            "columns": [
                {"key": "day", "label": "Day", "type": "date"},
                {"key": "what", "label": "What", "type": "text"},
            ],
        },
    ]
    work = _module(
        region,
        author,
        f"{key}-diary",
        "Activity diary",
        [
            {"kind": "worksheet", "title": "My week", "body": "Fill in.", "fields": fields},
            {
                "kind": "homework",
                "title": "Every evening",
                "fields": [{"key": "note", "label": "Note", "type": "longtext"}],
            },
        ],
    )
    programme = actions.do_create_programme(
        region,
        acting_user=author,
        key=key,
        title="CBT basics",
        problem_area="depression",
        languages=["en", "sv"],
        weeks=6,
        eligibility={"min_age": 18, "max_age": None, "scores": [], "exclude": []},
        default_measures=[{"instrument": "PHQ-9", "time_point": "weekly"}],
        description_patient="For *you*.",
        evidence="Plenty.",
    )
    draft = programme.versions.get()
    actions.do_set_programme_modules(
        draft, acting_user=author, module_version_ids=[intro.pk, work.pk]
    )
    return actions.do_publish_programme(draft, acting_user=author)


def latest(region, key: str) -> ProgrammeVersion:
    return ProgrammeVersion.objects.get(
        programme__region=region, programme__key=key, status=Status.PUBLISHED
    )


# --- comparing ---------------------------------------------------------------------------

PROGRAMME_FIELDS = [
    "number",
    "status",
    "title",
    "problem_area",
    "languages",
    "care_model",
    "unlock_rule",
    "weeks",
    "eligibility",
    "default_measures",
    "description_patient",
    "description_professional",
    "evidence",
]
MODULE_FIELDS = ["number", "status", "title", "summary", "language", "estimated_minutes"]
STEP_FIELDS = ["position", "kind", "title", "body", "media_alt", "transcript", "fields"]


def snapshot(version: ProgrammeVersion) -> dict:
    """Everything a programme version holds, without ids, regions, people or times."""
    modules = []
    for entry in version.entries.order_by("position"):
        mv = entry.module_version
        steps = []
        for step in mv.steps.order_by("position"):
            item = {name: getattr(step, name) for name in STEP_FIELDS}
            if step.media is not None:
                with step.media.file.open("rb") as stream:
                    data = stream.read()
                item["media"] = {
                    "sha256": step.media.sha256,
                    "content_type": step.media.content_type,
                    "size": step.media.size,
                    "bytes": data,
                }
            steps.append(item)
        modules.append(
            {"position": entry.position, "key": mv.module.key}
            | {name: getattr(mv, name) for name in MODULE_FIELDS}
            | {"steps": steps}
        )
    return {
        "key": version.programme.key,
        **{name: getattr(version, name) for name in PROGRAMME_FIELDS},
        "modules": modules,
    }


COUNTED = [Module, ModuleVersion, Step, MediaFile, Programme, ProgrammeVersion, ProgrammeModule]


def counts(media_root: Path | None = None) -> dict:
    """Rows of every content table, import audit events, and files in storage."""
    found = {model.__name__: model.objects.count() for model in COUNTED}
    found["imports"] = AuditEvent.objects.filter(action="content.package_imported").count()
    found["imported_again"] = AuditEvent.objects.filter(
        action="content.package_already_there"
    ).count()
    if media_root is not None:
        found["files"] = sum(1 for p in media_root.rglob("*") if p.is_file())
    return found
