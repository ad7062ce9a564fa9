"""One list of which anxiety measure goes with which problem area
(talking_therapies.ANXIETY_BY_PROBLEM), used by both the letters and the reports."""

from __future__ import annotations

import ast
from pathlib import Path

from tessera.instruments.scoring import talking_therapies as tt
from tessera.letters import outcome as letters
from tessera.reports import outcome_table


def test_letters_and_reports_use_the_one_list():
    assert letters.ANXIETY_BY_PROBLEM is tt.ANXIETY_BY_PROBLEM
    assert outcome_table.ANXIETY_BY_PROBLEM is tt.ANXIETY_BY_PROBLEM


def test_no_other_module_keeps_its_own_list():
    owners = []
    for path in Path("tessera").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
            if isinstance(node, ast.Assign | ast.AnnAssign) and any(
                isinstance(t, ast.Name) and t.id == "ANXIETY_BY_PROBLEM" for t in targets
            ):
                owners.append(str(path))
    assert owners == ["tessera/instruments/scoring/talking_therapies.py"]


def test_the_reports_pick_each_area_s_measure_by_hand():
    # (problem area, the codes the episode's responses carry) -> the anxiety measure read.
    cases = {
        ("panic", frozenset({"PHQ-9", "GAD-7", "PDSS-SR"})): "PDSS-SR",
        ("agoraphobia", frozenset({"PHQ-9", "GAD-7", "MI"})): "MI",
        ("health_anxiety", frozenset({"PHQ-9", "SHAI"})): "SHAI",
        ("social_anxiety", frozenset({"PHQ-9", "SPIN"})): "SPIN",
        ("ptsd", frozenset({"PHQ-9", "IES-R"})): "IES-R",
        # No scores on the area's measure, or an area without one: GAD-7.
        ("agoraphobia", frozenset({"PHQ-9", "GAD-7"})): "GAD-7",
        ("ocd", frozenset({"PHQ-9", "OCI-R"})): "GAD-7",
        ("depression", frozenset({"PHQ-9", "PDSS-SR"})): "GAD-7",
    }
    for (area, scored), expected in cases.items():
        assert outcome_table._anxiety_code(area, set(scored)) == expected, area
