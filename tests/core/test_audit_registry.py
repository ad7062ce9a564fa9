"""Audit event codes come from one registry (tessera/core/audit/events.py), each with a
label in plain words (English and Swedish) and the purpose it implies; "Who has seen my
record" shows the label in the patient's language, never the raw code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from tessera.core import audit
from tessera.core.models import AuditEvent
from tessera.intake.models import TriageAction
from tessera.treatment.models import PlanChange

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")
# Functions whose first argument is an audit code, and the app-local wrappers that pass
# theirs on; record_patient_read takes "what" third and records "<what>.viewed".
FIRST_ARGUMENT = {"record", "record_for_episode", "record_for_clinic", "_log"}


def _name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return None


def _codes_in_source() -> list[tuple[str, str]]:
    """(where, code) for every literal code handed to the audit trail in tessera/."""
    found = []
    for path in sorted((ROOT / "tessera").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/migrations/" in rel:
            continue
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(call, ast.Call):
                continue
            name = _name(call)
            if name == "record" and not (
                isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id == "audit"
            ):
                continue
            if name == "record_patient_read":
                what = call.args[2] if len(call.args) > 2 else None
                assert isinstance(what, ast.Constant), f"{rel}:{call.lineno}: name what was read"
                found.append((f"{rel}:{call.lineno}", f"{what.value}.viewed"))
                continue
            if name not in FIRST_ARGUMENT:
                continue
            for node in ast.walk(call):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    if CODE.match(node.value) or node is (call.args[0] if call.args else None):
                        found.append((f"{rel}:{node.lineno}", node.value))
    return found


def test_every_code_in_the_source_is_registered():
    found = _codes_in_source()
    assert len(found) > 100  # the walk sees the call sites
    unknown = [f"{where} {code}" for where, code in found if code not in audit.CODES]
    assert unknown == [], "register these in tessera/core/audit/events.py: " + ", ".join(unknown)


def test_codes_built_from_a_kind_are_registered():
    for kind in TriageAction.Kind.values:
        assert f"application.{kind}" in audit.CODES
    for kind in PlanChange.Kind.values:
        assert f"plan.{kind}" in audit.CODES


def test_record_refuses_a_code_that_is_not_registered(db):
    with pytest.raises(ValueError, match="not a registered audit event code"):
        audit.record("plan.veiwed")
    assert not AuditEvent.objects.filter(action="plan.veiwed").exists()


def test_the_registered_purpose_is_the_default(db):
    event = audit.record("audit.searched")
    assert event.purpose == AuditEvent.Purpose.AUDIT
    assert audit.record("audit.searched", purpose="care").purpose == "care"


def test_every_code_has_a_purpose_and_a_label_in_english_and_swedish():
    purposes = set(AuditEvent.Purpose.values)
    for event in audit.Event:
        assert CODE.match(event.value), event.value
        assert event.purpose in purposes, event.value
        with translation.override("en"):
            english = str(event.label)
        with translation.override("sv"):
            swedish = str(event.label)
        assert english and english != event.value, event.value
        assert swedish and swedish != english, f"no Swedish for {event.value}: {english}"


def test_an_unknown_stored_code_is_shown_as_it_is():
    assert audit.label("old.code") == "old.code"


@pytest.mark.parametrize(
    "language, label",
    [("en", "Your patient record was viewed"), ("sv", "Din patientjournal visades")],
)
def test_who_has_seen_my_record_shows_words_in_the_patients_language(world, login, language, label):
    login(world["therapist"]).get(reverse("patient_detail", args=[world.patient.pk]))
    client = login(world["patient"])
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    text = client.get(reverse("my_access_log")).content.decode()
    assert label in text
    assert "patient.viewed" not in text
