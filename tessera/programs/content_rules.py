"""What content must satisfy: worksheet fields, uploaded media, and what stands in the way
of publishing a module or a programme. Every problem is said in words, for the author.

Pure checks with no writes; tessera.programs.actions uses them and re-exports the ones
that views and the package importer call (validate_fields, upload_problem, ...).
"""

from __future__ import annotations

import io
import re
import warnings

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image

from tessera.core.models.organisation import LANGUAGE_CHOICES
from tessera.instruments.scoring import load_all
from tessera.instruments.time_points import TimePoint

from .markdown import block_problems
from .models import FIELD_TYPES, ModuleVersion, ProgrammeVersion, Step, StepKind

LANGUAGES = [code for code, _label in LANGUAGE_CHOICES]
MEDIA_KINDS = {StepKind.IMAGE: "image/", StepKind.AUDIO: "audio/", StepKind.VIDEO: "video/"}
FIELD_KINDS = {StepKind.WORKSHEET, StepKind.HOMEWORK}

# --- worksheet and homework fields -----------------------------------------------------

FIELD_PROPERTIES = {"key", "label", "type", "required", "choices", "columns", "help"}
_FIELD_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def validate_fields(fields) -> list[str]:
    """What is wrong with a worksheet's fields, in words (empty when nothing is)."""
    if not isinstance(fields, list):
        return [_("The fields must be a list, written between [ and ].")]
    problems: list[str] = []
    _check_field_list(fields, problems, table=None)
    return problems


def _where(number: int, field, table: str | None) -> str:
    key = field.get("key") if isinstance(field, dict) else None
    if table is None:
        if isinstance(key, str) and key:
            return _("Field %(n)s (“%(key)s”)") % {"n": number, "key": key}
        return _("Field %(n)s") % {"n": number}
    if isinstance(key, str) and key:
        return _("Column %(n)s (“%(key)s”) of %(table)s") % {
            "n": number,
            "key": key,
            "table": table,
        }
    return _("Column %(n)s of %(table)s") % {"n": number, "table": table}


def _check_field_list(fields: list, problems: list[str], *, table: str | None) -> None:
    seen: set[str] = set()
    for number, field in enumerate(fields, start=1):
        where = _where(number, field, table)
        if not isinstance(field, dict):
            problems.append(
                _("%(where)s is not written as {…} with a key, a label and a type.")
                % {"where": where}
            )
            continue
        _check_field(field, where, problems, table=table)
        key = field.get("key")
        if isinstance(key, str) and _FIELD_KEY.match(key):
            if key in seen:
                problems.append(
                    _("%(where)s uses a key that an earlier one has; keys must differ.")
                    % {"where": where}
                )
            seen.add(key)


def _check_field(field: dict, where: str, problems: list[str], *, table: str | None) -> None:
    say = problems.append
    unknown = sorted(set(field) - FIELD_PROPERTIES)
    if unknown:
        say(
            _("%(where)s has properties Tessera does not know: %(names)s.")
            % {"where": where, "names": ", ".join(unknown)}
        )
    key = field.get("key")
    if not isinstance(key, str) or not _FIELD_KEY.match(key):
        say(
            _(
                "%(where)s needs a key of at most 40 lower-case letters, digits, - and _, "
                "such as “mood”."
            )
            % {"where": where}
        )
    label = field.get("label")
    if not isinstance(label, str) or not label.strip():
        say(_("%(where)s needs a label: the text the patient sees.") % {"where": where})
    if not isinstance(field.get("required", False), bool):
        say(_("%(where)s: “required” must be true or false.") % {"where": where})
    if not isinstance(field.get("help", ""), str):
        say(_("%(where)s: “help” must be text.") % {"where": where})
    _check_type(field, where, problems, table=table)


def _check_type(field: dict, where: str, problems: list[str], *, table: str | None) -> None:
    say = problems.append
    allowed = [t for t in FIELD_TYPES if table is None or t != "table"]
    kind = field.get("type")
    if kind not in allowed:
        say(
            _("%(where)s has the type “%(type)s”; use one of: %(types)s.")
            % {"where": where, "type": kind, "types": ", ".join(allowed)}
        )
    choices = field.get("choices")
    if kind == "choice":
        texts = (
            [c for c in choices if isinstance(c, str) and c.strip()]
            if isinstance(choices, list)
            else []
        )
        if not isinstance(choices, list) or len(texts) < 2 or len(texts) != len(choices):
            say(
                _("%(where)s is a choice: give at least two choices as a list of texts.")
                % {"where": where}
            )
        elif len(set(texts)) != len(texts):
            say(_("%(where)s offers the same choice twice.") % {"where": where})
    elif choices is not None:
        say(_("%(where)s has choices, but only a choice field uses them.") % {"where": where})
    columns = field.get("columns")
    if kind == "table":
        if not isinstance(columns, list) or not columns:
            say(_("%(where)s is a table: give its columns as a list of fields.") % {"where": where})
        else:
            _check_field_list(columns, problems, table=where)
    elif columns is not None:
        say(_("%(where)s has columns, but only a table uses them.") % {"where": where})


# --- media -------------------------------------------------------------------------------

MEDIA_TYPES = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "audio/mpeg": ".mp3",
    "audio/ogg": ".ogg",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
}
SNIFF_BYTES = 64
# Second byte of an MPEG audio layer III frame header (MPEG 1, 2 and 2.5, with or without CRC).
_MP3_SYNC = {0xFB, 0xFA, 0xF3, 0xF2, 0xE3, 0xE2}
_MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"dash",
    b"M4V ",
    b"mp71",
}


def sniff_media_type(head: bytes) -> str | None:
    """The content type of a file from its first bytes, among MEDIA_TYPES; None otherwise.
    The name and the browser's claim are never trusted."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] in _MP3_SYNC):
        return "audio/mpeg"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head[4:8] == b"ftyp" and head[8:12] in _MP4_BRANDS:
        return "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:SNIFF_BYTES]:
        return "video/webm"
    return None


def image_is_whole(data: bytes) -> bool:
    """Whether an image decodes to its end. A file cut short in an upload or a copy keeps
    its first bytes, so it passed the sniffing above and was stored; the browser then
    drew half of it or nothing. Pillow checks a PNG's chunks (``verify``) and decodes
    every pixel (``load``; an image saying it holds more pixels than Pillow's bomb limit
    is refused too). Pillow's decoders accept a JPEG cut short once anything in the
    process has set ``ImageFile.LOAD_TRUNCATED_IMAGES`` (WeasyPrint does, on import, for
    letters), so a JPEG must also reach its end marker after its image data."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format
                image.load()
    except Exception:  # noqa: BLE001 - whatever Pillow raises, the image is not whole
        return False
    return kind != "JPEG" or _jpeg_reaches_its_end(data)


def _jpeg_reaches_its_end(data: bytes) -> bool:
    """The end-of-image marker (FF D9) after the first scan's header: the segments before
    it (a thumbnail in the EXIF data has its own FF D9) are stepped over by their lengths;
    inside the scan's data an FF byte is always followed by 00 or a restart marker
    (ITU-T T.81, B.1.1.2 and F.1.2.3), so FF D9 there is the end."""
    at = 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xDA:  # start of scan
            return data.find(b"\xff\xd9", at) != -1
        if marker == 0xFF:  # fill byte before a marker
            at += 1
            continue
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return False


def read_head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def upload_problem(upload, *, kind: str | None = None) -> str | None:
    """Why this uploaded file cannot be stored for a step of this kind (None if it can)."""
    limit = settings.TESSERA_PACKAGE_MAX_FILE_BYTES
    if upload.size > limit:
        return _("The file is larger than %(mb)s MB, the most Tessera accepts.") % {
            "mb": limit // (1024 * 1024)
        }
    content_type = sniff_media_type(read_head(upload))
    if content_type is None:
        return _(
            "Tessera cannot use this file. Use a PNG, JPEG or WebP image, MP3 or Ogg audio, "
            "or MP4 or WebM video."
        )
    expected = MEDIA_KINDS.get(kind)
    if expected and not content_type.startswith(expected):
        return _("This file is %(found)s, which does not fit this step.") % {"found": content_type}
    if content_type.startswith("image/") and not image_is_whole(_read_whole(upload)):
        return _(
            "This image is damaged or cut short: it cannot be shown whole. Open it on your "
            "computer, save it again, and upload that file."
        )
    return None


def _read_whole(upload) -> bytes:
    upload.seek(0)
    data = upload.read()  # at most the size limit, checked above
    upload.seek(0)
    return data


# --- publishing ------------------------------------------------------------------------


def step_problems(step: Step) -> list[str]:
    """What a step lacks before its module can be published, in words."""
    problems = []
    if step.kind == StepKind.TEXT and not step.body.strip():
        problems.append(_("it has no text yet."))
    problems.extend(block_problems(step.body))
    problems.extend(block_problems(step.transcript))
    expected = MEDIA_KINDS.get(step.kind)
    if expected and step.media is None:
        problems.append(_("it needs a file."))
    elif expected and not step.media.content_type.startswith(expected):
        problems.append(_("its file does not fit a step of this kind."))
    if step.kind == StepKind.IMAGE and not step.media_alt.strip():
        problems.append(_("the image needs a description for people who cannot see it."))
    if step.kind in (StepKind.AUDIO, StepKind.VIDEO) and not step.transcript.strip():
        problems.append(_("it needs captions or a transcript."))
    if step.kind in FIELD_KINDS:
        if not step.fields:
            problems.append(_("it needs at least one field to fill in."))
        else:
            problems.extend(validate_fields(step.fields))
    return problems


def module_problems(version: ModuleVersion) -> list[str]:
    """Everything that stands in the way of publishing this version, in words."""
    problems = []
    steps = list(version.steps.select_related("media"))
    if not steps:
        problems.append(_("A module needs at least one step before it can be published."))
    for step in steps:
        for problem in step_problems(step):
            problems.append(
                _("Step %(n)s (“%(title)s”): %(problem)s")
                % {"n": step.position, "title": step.title, "problem": problem}
            )
    return problems


def programme_problems(version: ProgrammeVersion) -> list[str]:
    problems = []
    if not version.entries.exists():
        problems.append(_("A programme needs at least one module before it can be published."))
    if not version.languages:
        problems.append(_("Choose at least one language for the programme."))
    problems.extend(block_problems(version.description_patient))
    return problems


# --- programme settings ------------------------------------------------------------------


def eligibility_problems(value) -> list[str]:
    if not isinstance(value, dict):
        return [_("The eligibility rules must be written between { and }.")]
    problems = []
    ages = [value.get("min_age"), value.get("max_age")]
    for age in ages:
        if age is not None and (
            not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= 120
        ):
            problems.append(_("An age limit must be a whole number from 0 to 120."))
    if all(isinstance(a, int) for a in ages) and ages[0] > ages[1]:
        problems.append(_("The lowest age is above the highest age."))
    for name in ("scores", "exclude"):
        if not isinstance(value.get(name, []), list):
            problems.append(
                _("“%(name)s” must be a list, written between [ and ].") % {"name": name}
            )
    return problems


def measures_problems(value) -> list[str]:
    known = load_all()
    if not isinstance(value, list):
        return [_("The measurement schedule must be a list.")]
    for measure in value:
        if (
            not isinstance(measure, dict)
            or set(measure) != {"instrument", "time_point"}
            or measure["instrument"] not in known
            or measure["time_point"] not in TimePoint.values
        ):
            return [_("Each measure needs a known questionnaire and a time point.")]
    return []
