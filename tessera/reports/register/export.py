"""Exporting to a quality register: pseudonymised, incremental, idempotent, validated.

- The profile (``profiles/<profile>-<version>.json``) lists the columns in order, each
  with its source (a field of the outcome table, ``clinic.slug``, or a keyed hash) and
  its codebook entry (type, codes or range, required). A national register's profile
  is another file; the code does not change.
- Pseudonyms are HMAC-SHA256 of the patient's (or episode's) id with the register's
  own key, so the same person links across exports to one register and not across
  registers.
- Incremental and idempotent: a row is sent when its values differ from what was last
  sent for that episode (``RegisterRow`` keeps a digest); a second run sends nothing.
- Validated: every value is checked against the codebook before anything is written; a
  single bad value writes nothing and names the episode and the column.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from tessera.core import audit

from ..models import EpisodeOutcome, Register, RegisterExport, RegisterRow

PROFILES = Path(__file__).resolve().parent / "profiles"
TYPES = {"string", "code", "date", "number", "flag"}
BATCH = 2000


@cache
def load_profile(profile: str, version: int) -> dict:
    data = json.loads((PROFILES / f"{profile}-{version}.json").read_text(encoding="utf-8"))
    for column in data["columns"]:
        if column["type"] not in TYPES or not column.get("source") or not column.get("description"):
            raise ValueError(f"{profile}-{version}: column {column.get('name')} is incomplete")
    return data


def _hash(key: str, kind: str, value: int) -> str:
    return hmac.new(key.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:24]


def _value(row: EpisodeOutcome, source: str, register: Register):
    if source == "pseudonym":
        return _hash(register.key, "patient", row.episode.patient_id)
    if source == "episode_ref":
        return _hash(register.key, "episode", row.episode_id)
    if source == "clinic.slug":
        return row.clinic.slug
    return getattr(row, source)


def _cell(value, column: dict) -> str:
    if value is None or value == "":
        return ""
    if column["type"] == "flag":
        return "1" if value else "0"
    if column["type"] == "date":
        return value.isoformat()
    if column["type"] == "number" and float(value).is_integer():
        return str(int(value))
    return str(value)


def check(cell: str, column: dict) -> str | None:
    """What is wrong with one cell by the codebook, or None."""
    if cell == "":
        return "is required" if column.get("required") else None
    kind = column["type"]
    if kind == "code" and cell not in column["codes"]:
        return f"{cell!r} is not in the codebook"
    if kind == "flag" and cell not in ("0", "1"):
        return f"{cell!r} is not 0 or 1"
    if kind == "date":
        try:
            dt.date.fromisoformat(cell)
        except ValueError:
            return f"{cell!r} is not a date"
    if kind == "number":
        try:
            number = float(cell)
        except ValueError:
            return f"{cell!r} is not a number"
        if not column.get("min", number) <= number <= column.get("max", number):
            return f"{cell} is outside {column['min']}-{column['max']}"
    return None


def validate(text: str, profile: dict) -> list[str]:
    """Problems of an export file by its profile's codebook (empty when it holds)."""
    columns = profile["columns"]
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header != [c["name"] for c in columns]:
        return ["the header does not match the profile"]
    problems = []
    for number, cells in enumerate(reader, start=2):
        if len(cells) != len(columns):
            problems.append(f"line {number}: expected {len(columns)} cells")
            continue
        for cell, column in zip(cells, columns, strict=True):
            problem = check(cell, column)
            if problem:
                problems.append(f"line {number}: {column['name']} {problem}")
    return problems


def profiles() -> list[tuple[str, int]]:
    """Every shipped profile as (name, version), from the files in ``profiles/``."""
    found = []
    for path in sorted(PROFILES.glob("*.json")):
        name, _dash, version = path.stem.rpartition("-")
        if name and version.isdigit():
            found.append((name, int(version)))
    return found


def _rows(clinic_ids, start: dt.date | None, end: dt.date | None):
    """The episodes an export covers: treatment started, of these clinics, and in
    treatment at some time in the period (started on or before its end, not ended
    before its start)."""
    rows = EpisodeOutcome.objects.filter(started_on__isnull=False).select_related(
        "clinic", "episode"
    )
    if clinic_ids is not None:
        rows = rows.filter(clinic_id__in=clinic_ids)
    if end is not None:
        rows = rows.filter(started_on__lte=end)
    if start is not None:
        rows = rows.exclude(ended_on__lt=start)
    return rows


@dataclass
class Pending:
    """What an export would send now: the file, the episodes and their digests, and any
    problems by the codebook."""

    content: str
    changed: list[tuple[int, str]]
    problems: list[str]
    header: list[str] | None = None
    lines: list[list[str]] | None = None  # the cells of each changed row, as in content


def count(*, clinic_ids=None, start=None, end=None) -> int:
    """How many courses an export reads (for its progress)."""
    return _rows(clinic_ids, start, end).count()


def _sent(register: Register, rows) -> dict[int, str]:
    """The digests last sent to ``register`` of the courses ``rows`` covers, by episode:
    not every row the register was ever sent (a region's or the country's register, read
    whole for one clinic's preview of a few courses; decision 0153)."""
    if register.pk is None:  # a register not made yet has sent nothing
        return {}
    covered = rows.order_by().values("episode_id")
    found = RegisterRow.objects.filter(register=register, episode_id__in=covered)
    return dict(found.values_list("episode_id", "digest"))


def pending(register: Register, *, clinic_ids=None, start=None, end=None, progress=None) -> Pending:
    """The rows that are new or changed since the last export, checked (writes nothing).
    ``progress(courses_read)`` is called after every batch of courses read."""
    profile = load_profile(register.profile, register.version)
    columns = profile["columns"]
    rows = _rows(clinic_ids, start, end)
    sent = _sent(register, rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c["name"] for c in columns])
    changed: list[tuple[int, str]] = []
    lines: list[list[str]] = []
    problems = []
    for read, row in enumerate(rows.order_by("episode_id").iterator(chunk_size=BATCH), 1):
        if progress is not None and read % BATCH == 0:
            progress(read)
        cells = [_cell(_value(row, c["source"], register), c) for c in columns]
        for cell, column in zip(cells, columns, strict=True):
            problem = check(cell, column)
            if problem:
                problems.append(f"episode {row.episode_id}: {column['name']} {problem}")
        digest = hashlib.sha256("\x1f".join(cells).encode()).hexdigest()
        if sent.get(row.episode_id) != digest:
            writer.writerow(cells)
            changed.append((row.episode_id, digest))
            lines.append(cells)
    header = [c["name"] for c in columns]
    return Pending(out.getvalue(), changed, problems, header, lines)


@transaction.atomic
def do_export(
    register: Register, *, acting_user=None, clinic_ids=None, start=None, end=None, clinic=None
) -> RegisterExport | None:
    """Export what is new or changed since the last export; None when nothing is.
    ``clinic`` (with ``clinic_ids={clinic.pk}``) marks an export made for one clinic from
    its page, which only that clinic's managers may download."""
    found = pending(register, clinic_ids=clinic_ids, start=start, end=end)
    return write(register, found, acting_user=acting_user, start=start, end=end, clinic=clinic)


@transaction.atomic
def write(
    register: Register,
    found: Pending,
    *,
    acting_user=None,
    start=None,
    end=None,
    clinic=None,
    region=None,
) -> RegisterExport | None:
    """Write what ``pending`` found, checked again under a lock on the register: a row
    that another export sent in the meantime (a background export reads outside this
    transaction) is left out, so nothing is sent twice. None when nothing is left.
    ``region`` marks an export made for a region's clinics from the region's page."""
    if found.problems:
        raise ValidationError(found.problems[:50])
    if not found.changed:
        return None
    Register.objects.select_for_update(no_key=True).filter(pk=register.pk).first()
    ids = [episode_id for episode_id, _digest in found.changed]
    sent = {}
    for part in range(0, len(ids), BATCH):
        sent.update(
            RegisterRow.objects.filter(
                register=register, episode_id__in=ids[part : part + BATCH]
            ).values_list("episode_id", "digest")
        )
    keep = [
        i for i, (episode_id, digest) in enumerate(found.changed) if sent.get(episode_id) != digest
    ]
    if not keep:
        return None
    changed = [found.changed[i] for i in keep]
    content = found.content
    if len(keep) != len(found.changed):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(found.header)
        writer.writerows(found.lines[i] for i in keep)
        content = out.getvalue()
    export = RegisterExport.objects.create(
        register=register,
        created_by=acting_user,
        rows=len(changed),
        content=content,
        clinic=clinic,
        region=region,
        period_start=start,
        period_end=end,
    )
    # In bulk (a region sends many thousands): rows sent before are updated, new ones
    # inserted; the lock above keeps any other export from writing them meanwhile.
    RegisterRow.objects.bulk_create(
        [
            RegisterRow(register=register, episode_id=episode_id, digest=digest, export=export)
            for episode_id, digest in changed
            if episode_id not in sent
        ],
        batch_size=BATCH,
    )
    again = [(episode_id, digest) for episode_id, digest in changed if episode_id in sent]
    for part in range(0, len(again), BATCH):
        by_episode = dict(again[part : part + BATCH])
        rows = list(RegisterRow.objects.filter(register=register, episode_id__in=by_episode))
        for row in rows:
            row.digest, row.export = by_episode[row.episode_id], export
        RegisterRow.objects.bulk_update(rows, ["digest", "export"])
    audit.record(
        "report.register_exported",
        actor=acting_user,
        clinic=clinic,
        obj=export,
        changes={
            "register": register.name,
            "rows": len(changed),
            "start": str(start or ""),
            "end": str(end or ""),
            **({"region": region.pk} if region is not None else {}),
        },
    )
    return export
