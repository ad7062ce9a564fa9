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


def _enclosing(text: str, at: int) -> str:
    """The opening tag of the innermost <div> or <form> still open at ``at``, or ""."""
    stack = []
    for match in re.finditer(r"<(?:div|form)\b[^>]*>|</(?:div|form)>", text[:at]):
        if match.group(0).startswith("</"):
            if stack:
                stack.pop()
        else:
            stack.append(match.group(0))
    return stack[-1] if stack else ""


def test_a_link_beside_a_forms_button_sits_in_an_actions_row():
    """axe target-size (2.5.8), found at 320 px in Danish and Dutch: a "Cancel" or "Manage
    templates" link right after a button wrapped to sit just under it, its 24 px target
    overlapping the button's. The .actions row (flex, a gap between them) keeps them
    apart at every width and in every language."""
    beside = re.compile(r"</button>\s*(?:\{%[^%]*%\}\s*)*<a\s")
    found = []
    for path in _templates():
        text = path.read_text()
        found += [(path.relative_to(ROOT), text, m.start()) for m in beside.finditer(text)]
    assert len(found) > 10
    bad = [
        f"{path}: line {text.count(chr(10), 0, at) + 1}"
        for path, text, at in found
        if "actions" not in _enclosing(text, at)
    ]
    assert not bad, "\n".join(bad)


# A module's or a programme's title, a questionnaire's question: content written in its
# own language (a module's, a programme's, the one the answers were given in), whatever
# the page's.
CONTENT_TITLE = re.compile(
    r"(?:\{\{\s*|with [^%]*?=)(?:[\w.]*?(?:module_version|programme_version|version|shown|"
    r"draft|latest)\.title|(?:s|p|sheet)\.title|item\.text)(?!\w)([^}%]*)"
)


def test_a_module_or_programme_title_or_a_question_is_marked_with_its_language():
    """WCAG 3.1.2 (language of parts): on a Swedish page an English programme's title is
    read with the English voice (and a GAD-7 answered in English shown to staff in Swedish)
    only when marked ``lang="en"``: by the ``in_language``
    filter (which marks it only when it differs from the page's) or a ``lang`` on the
    element around it. The document's <title> cannot mark a part, so it is left out."""
    found, bad = 0, []
    for path in _templates():
        text = path.read_text()
        for match in CONTENT_TITLE.finditer(text):
            found += 1
            line = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
            tag = line[line.rfind("<") :] if "<" in line else ""
            if "in_language" in match.group(1) or "lang=" in tag or "head_title" in line:
                continue
            where = text.count("\n", 0, match.start()) + 1
            bad.append(f"{path.relative_to(ROOT)}: line {where}: {match.group(0)[:60]}")
    assert found > 30
    assert not bad, "\n".join(bad)


def test_every_field_error_is_linked_to_its_field():
    """WCAG 1.3.1 and 3.3.1: a field's error is in an element whose id the field names in
    aria-describedby. Django (5.2) gives a field drawn with ``{{ field }}`` an
    aria-describedby of ``<auto_id>_error`` when it has errors, so the errors drawn beside
    it must sit in an element of that id; any other error id must be named by an
    aria-describedby in the same template."""
    loops = re.compile(r"\{% for error in ([\w.]+)\.errors %\}")
    error_ids = re.compile(r'id="([^"]*[-_]error)"')
    bad = []
    for path in _templates():
        text = path.read_text()
        for match in loops.finditer(text):
            field = match.group(1)
            before = text[max(0, match.start() - 120) : match.start()]
            if f'id="{{{{ {field}.auto_id }}}}_error"' not in before and not re.search(
                r'id="id_\w+_error">$', before
            ):
                bad.append(f"{path.relative_to(ROOT)}: errors of {field} in no element of its id")
        described = " ".join(re.findall(r'aria-describedby="([^"]*)"', text))
        for error_id in error_ids.findall(text):
            drawn = re.fullmatch(r"\{\{ ([\w.]+)\.auto_id \}\}_error", error_id)
            if error_id in described or (drawn and f"{{{{ {drawn.group(1)} }}}}" in text):
                continue
            bad.append(f"{path.relative_to(ROOT)}: no aria-describedby names {error_id}")
    assert not bad, "\n".join(bad)
