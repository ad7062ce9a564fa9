"""Every table on a screen page can scroll sideways inside a region the keyboard reaches
and a screen reader names (WCAG 2.1.1 and 1.4.10 at 320 px, axe
``scrollable-region-focusable``), so that a wide table never widens the page. Print
pages (letters, PDFs, the quarterly report) are laid out for paper and are left out."""

from __future__ import annotations

import re
from pathlib import Path

import tessera

ROOT = Path(tessera.__file__).parent
PRINT = ("/letters/", "pdf", "quarterly_report", "email")
WRAP = re.compile(r'<div tabindex="0" role="region" aria-label="[^"]+"[^>]*class="[^"]*table-wrap')


def test_every_screen_table_is_in_a_focusable_labelled_scroll_region():
    bare = []
    for path in sorted(ROOT.glob("**/templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        if any(part in str(path) for part in PRINT):
            continue
        for match in re.finditer(r"<table\b", text):
            before = text[: match.start()]
            opening = before[before.rfind("<div") :] if "<div" in before else ""
            if not WRAP.match(opening) or "</div>" in opening:
                bare.append(f"{path.relative_to(ROOT)}:{before.count(chr(10)) + 1}")
    assert not bare, "tables outside a focusable scroll region: " + ", ".join(bare)
