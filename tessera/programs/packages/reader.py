"""Reading a content package safely.

``read_package(data)`` opens the zip in memory, never on disk, and rejects it (raising
PackageRejected with every problem found) unless:

- it is a zip of at most ``TESSERA_PACKAGE_MAX_FILES`` (2,000) plain files, neither
  encrypted nor compressed with anything but stored/deflate, with relative '/' paths that
  stay inside the package (no absolute paths, '..', backslashes, symbolic links or
  duplicate names);
- nothing unpacks beyond ``TESSERA_PACKAGE_MAX_FILE_BYTES`` per file or
  ``TESSERA_PACKAGE_MAX_BYTES`` in all. Sizes in the zip's headers are not trusted: every
  file is decompressed in chunks and counted, and one that inflates more than
  RATIO_LIMIT times beyond a megabyte is taken for a zip bomb;
- manifest.json is UTF-8 JSON (no duplicate keys, no NaN) that validate_manifest accepts;
- every file the manifest names is there, no other file is, body files are UTF-8, and
  each media file has the size, sha256 and content type the manifest says, the type
  sniffed from its first bytes and on the allow-list.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ..content_rules import SNIFF_BYTES, image_is_whole, sniff_media_type
from ..markdown import block_problems
from .manifest import PackageRejected, path_problem, validate_manifest

MANIFEST = "manifest.json"
MAX_FILES = 2000
MAX_MANIFEST_BYTES = 10 * 1024 * 1024
RATIO_LIMIT = 100
RATIO_FLOOR = 1024 * 1024
CHUNK = 64 * 1024
# Bytes of central directory allowed per file: entries are 46 bytes plus a name of at most
# 255 and extra fields; bounding it keeps a hostile table of contents cheap to parse.
DIRECTORY_BYTES_PER_FILE = 1024

S_IFMT, S_IFREG, S_IFDIR, S_IFLNK = 0o170000, 0o100000, 0o040000, 0o120000
READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OSError,
)
OPEN_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    ValueError,
    EOFError,
    OSError,
    NotImplementedError,
    struct.error,
)


@dataclass(frozen=True)
class Limits:
    total: int
    per_file: int
    files: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            total=settings.TESSERA_PACKAGE_MAX_BYTES,
            per_file=settings.TESSERA_PACKAGE_MAX_FILE_BYTES,
            files=getattr(settings, "TESSERA_PACKAGE_MAX_FILES", MAX_FILES),
        )


@dataclass
class Package:
    """A package that passed every check: the manifest, body files as text, media bytes."""

    manifest: dict
    texts: dict[str, str] = field(default_factory=dict)
    media: dict[str, bytes] = field(default_factory=dict)


def size(n: int) -> str:
    return str(filesizeformat(n))


def read_package(data: bytes) -> Package:
    limits = Limits.from_settings()
    if not data:
        raise PackageRejected([_("The file is empty.")])
    if len(data) > limits.total:
        raise PackageRejected(
            [
                _("The package is %(size)s; the largest accepted is %(limit)s.")
                % {"size": size(len(data)), "limit": size(limits.total)}
            ]
        )
    _check_table_of_contents(data, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except OPEN_ERRORS:
        raise PackageRejected([_("This is not a zip file, or it is damaged.")]) from None
    with archive:
        files = _entries(archive, limits)
        budget = _Budget(archive, limits)
        manifest = _manifest(files, budget)
        problems = validate_manifest(manifest)
        if problems:
            raise PackageRejected(problems)
        return _contents(manifest, files, budget)


def _check_table_of_contents(data: bytes, limits: Limits) -> None:
    """Read the zip's end record before zipfile parses the whole directory."""
    end = b"PK\x05\x06"
    pos = len(data) - 22
    if pos < 0 or data[pos : pos + 4] != end:
        pos = data.rfind(end, max(0, len(data) - 22 - 65535))
    if pos < 0 or pos + 22 > len(data):
        return  # zipfile will say it is not a zip
    count, directory = struct.unpack("<HL", data[pos + 10 : pos + 16])
    record64 = pos - 20 - 56
    if (count == 0xFFFF or directory == 0xFFFFFFFF) and record64 >= 0:
        if data[record64 : record64 + 4] == b"PK\x06\x06":
            count, directory = struct.unpack("<QQ", data[record64 + 32 : record64 + 48])
    if count > limits.files:
        raise PackageRejected([_too_many(count, limits)])
    if directory > limits.files * DIRECTORY_BYTES_PER_FILE:
        raise PackageRejected(
            [
                _("The package's table of contents is larger than %(limit)s files would need.")
                % {"limit": limits.files}
            ]
        )


def _too_many(count: int, limits: Limits) -> str:
    return _("The package holds %(count)s files; at most %(limit)s are allowed.") % {
        "count": count,
        "limit": limits.files,
    }


def _show(name: str) -> str:
    return json.dumps(name, ensure_ascii=False)[:120]


def _entry_problem(info: zipfile.ZipInfo, limits: Limits) -> str | None:
    mode = (info.external_attr >> 16) & S_IFMT
    if mode == S_IFLNK:
        return _("is a symbolic link; a package holds only plain files")
    if mode not in (0, S_IFREG, S_IFDIR):
        return _("is not a plain file")
    problem = path_problem(info.orig_filename)
    if problem:
        return problem
    if info.flag_bits & 0x1:
        return _("is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return _("is compressed with a method other than stored or deflate")
    if info.file_size > limits.per_file:
        return _("is %(size)s unpacked; the largest file accepted is %(limit)s") % {
            "size": size(info.file_size),
            "limit": size(limits.per_file),
        }
    return None


def _entries(archive: zipfile.ZipFile, limits: Limits) -> dict[str, zipfile.ZipInfo]:
    """The package's files by name (directories left out), or every structural problem."""
    infos = archive.infolist()
    if len(infos) > limits.files:
        raise PackageRejected([_too_many(len(infos), limits)])
    problems, files, seen, declared = [], {}, set(), 0
    for info in infos:
        name = info.orig_filename
        problem = _entry_problem(info, limits)
        if problem is None and name in seen:
            problem = _("appears more than once")
        seen.add(name)
        if problem:
            problems.append(
                _("File %(name)s: %(problem)s.") % {"name": _show(name), "problem": problem}
            )
        elif not name.endswith("/"):
            files[name] = info
            declared += info.file_size
    if declared > limits.total:
        problems.append(
            _("The package unpacks to %(size)s; the largest accepted is %(limit)s.")
            % {"size": size(declared), "limit": size(limits.total)}
        )
    if problems:
        raise PackageRejected(problems)
    return files


class _Budget:
    """Reads files in chunks, counting what they really unpack to."""

    def __init__(self, archive: zipfile.ZipFile, limits: Limits):
        self.archive = archive
        self.limits = limits
        self.left = limits.total

    def read(self, info: zipfile.ZipInfo, *, most: int | None = None) -> bytes:
        most = min(most or self.limits.per_file, self.limits.per_file)
        name = _show(info.orig_filename)
        out = bytearray()
        try:
            with self.archive.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    out += chunk
                    self._check(len(out), info, most, name)
        except READ_ERRORS:
            raise PackageRejected(
                [_("File %(name)s is damaged and cannot be read.") % {"name": name}]
            ) from None
        self.left -= len(out)
        return bytes(out)

    def _check(self, count: int, info: zipfile.ZipInfo, most: int, name: str) -> None:
        if count > most:
            raise PackageRejected(
                [
                    _("File %(name)s unpacks to more than %(limit)s.")
                    % {"name": name, "limit": size(most)}
                ]
            )
        if count > self.left:
            raise PackageRejected(
                [
                    _("The package unpacks to more than %(limit)s.")
                    % {"limit": size(self.limits.total)}
                ]
            )
        if count > RATIO_FLOOR and count > RATIO_LIMIT * max(info.compress_size, 1):
            raise PackageRejected(
                [
                    _(
                        "File %(name)s unpacks to more than %(ratio)s times its packed size; "
                        "it looks like a zip bomb."
                    )
                    % {"name": name, "ratio": RATIO_LIMIT}
                ]
            )


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _no_constant(name: str):
    raise ValueError(_("%(name)s is not allowed in JSON") % {"name": name})


def _manifest(files: dict[str, zipfile.ZipInfo], budget: _Budget) -> object:
    info = files.get(MANIFEST)
    if info is None:
        problem = _("The package has no manifest.json at its top level.")
        nested = sorted(n for n in files if n.count("/") == 1 and n.endswith("/" + MANIFEST))
        if nested:
            problem += " " + _(
                "It has %(name)s: zip the contents of the folder, not the folder itself."
            ) % {"name": nested[0]}
        raise PackageRejected([problem])
    if info.file_size > MAX_MANIFEST_BYTES:  # said by its header: refused before unpacking
        raise PackageRejected(
            [
                _("File %(name)s unpacks to more than %(limit)s.")
                % {"name": _show(MANIFEST), "limit": size(MAX_MANIFEST_BYTES)}
            ]
        )
    raw = budget.read(info, most=MAX_MANIFEST_BYTES)
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise PackageRejected(
            [_("manifest.json is not UTF-8 text (at byte %(pos)s).") % {"pos": error.start}]
        ) from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except _DuplicateKey as error:
        problem = _("manifest.json has the key %(key)s twice in one object.") % {
            "key": _show(str(error))
        }
    except json.JSONDecodeError as error:
        problem = _(
            "manifest.json is not valid JSON: %(error)s at line %(line)s, column %(column)s."
        ) % {"error": error.msg, "line": error.lineno, "column": error.colno}
    except ValueError as error:
        problem = _("manifest.json is not valid JSON: %(error)s.") % {"error": error}
    except RecursionError:
        problem = _("manifest.json is nested too deeply.")
    raise PackageRejected([problem])


def _text_files(manifest: dict) -> dict[str, str]:
    """Body files the manifest names, each with the JSON path of its first mention."""
    found: dict[str, str] = {}
    for i, module in enumerate(manifest["modules"]):
        for j, step in enumerate(module["steps"]):
            if "body_file" in step:
                found.setdefault(step["body_file"], f"modules[{i}].steps[{j}].body_file")
    return found


def _contents(manifest: dict, files: dict[str, zipfile.ZipInfo], budget: _Budget) -> Package:
    package = Package(manifest)
    problems: list[str] = []
    texts = _text_files(manifest)
    named = set(texts) | {entry["path"] for entry in manifest["media"]} | {MANIFEST}
    for name in sorted(set(files) - named):
        problems.append(
            _("File %(name)s is not named in the manifest; a package holds nothing else.")
            % {"name": _show(name)}
        )
    for name, where in texts.items():
        if name not in files:
            problems.append(_("%(path)s: %(name)s is not in the package.") % _at(where, name))
            continue
        try:
            package.texts[name] = budget.read(files[name]).decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            problems.append(_("%(path)s: %(name)s is not UTF-8 text.") % _at(where, name))
            continue
        for problem in block_problems(package.texts[name]):
            problems.append(
                _("%(path)s: %(name)s, %(problem)s") % {**_at(where, name), "problem": problem}
            )
    for i, entry in enumerate(manifest["media"]):
        problem = _media_problem(entry, f"media[{i}]", files, budget, package)
        if problem:
            problems.append(problem)
    if problems:
        raise PackageRejected(problems)
    return package


def _at(where: str, name: str) -> dict:
    return {"path": where, "name": _show(name)}


def _media_problem(entry, where, files, budget: _Budget, package: Package) -> str | None:
    name = entry["path"]
    if name not in files:
        return _("%(path)s: %(name)s is not in the package.") % _at(f"{where}.path", name)
    data = budget.read(files[name])
    if len(data) != entry["size"]:
        return _("%(path)s: the manifest says %(said)s bytes but %(name)s has %(real)s.") % {
            "path": f"{where}.size",
            "said": entry["size"],
            "name": _show(name),
            "real": len(data),
        }
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        return _(
            "%(path)s: does not match the contents of %(name)s; the file is damaged or "
            "was changed after the manifest was written."
        ) % _at(f"{where}.sha256", name)
    found = sniff(data)
    if found is None:
        return _(
            "%(path)s: %(name)s is not a PNG, JPEG, WebP, MP3, Ogg, MP4 or WebM file, "
            "whatever its name says."
        ) % _at(where, name)
    if found != entry["content_type"]:
        return _("%(path)s: %(name)s is declared as %(said)s but its contents are %(real)s.") % {
            "path": f"{where}.content_type",
            "name": _show(name),
            "said": entry["content_type"],
            "real": found,
        }
    if found.startswith("image/") and not image_is_whole(data):
        return _("%(path)s: %(name)s is damaged or cut short; the image cannot be shown whole.") % (
            _at(where, name)
        )
    package.media[name] = data
    return None


def sniff(data: bytes) -> str | None:
    """The allowed content type the first bytes show, or None: the same test as for a file
    uploaded in the editor (content_rules.sniff_media_type)."""
    return sniff_media_type(data[:SNIFF_BYTES])
