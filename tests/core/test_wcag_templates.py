"""Template rules from WCAG 2.2 AA that a scan can check."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "tessera"


def _templates():
    return sorted(ROOT.rglob("*.html"))


def test_every_sideways_scrolling_table_can_be_reached_by_keyboard():
    """axe scrollable-region-focusable: a .table-wrap scrolls, so it is a focusable,
    named region."""
    wrappers = []
    for path in _templates():
        for match in re.finditer(r"<div[^>]*class=\"table-wrap[^>]*>", path.read_text()):
            wrappers.append((path.relative_to(ROOT), match.group(0)))
    assert len(wrappers) > 20
    bad = [
        f"{path}: {tag}"
        for path, tag in wrappers
        if 'tabindex="0"' not in tag or 'role="region"' not in tag or "aria-label" not in tag
    ]
    assert not bad, "\n".join(bad)
