"""Every sample programme measures weekly with an instrument that carries a risk item, so
a risk answer during treatment opens an alert (issue 12, priority 3)."""

import json
from pathlib import Path

import pytest

from tessera.instruments.scoring import load_definition

CONTENT = Path("tessera/programs/content")


@pytest.mark.parametrize(
    "manifest", sorted(CONTENT.glob("*/manifest.json")), ids=lambda p: p.parent.name
)
def test_a_weekly_measure_has_a_risk_rule(manifest):
    programme = json.loads(manifest.read_text())["programme"]
    weekly = [m["instrument"] for m in programme["default_measures"] if m["time_point"] == "weekly"]
    assert any(load_definition(code).risk_rules for code in weekly), weekly
