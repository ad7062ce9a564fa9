"""One page checked as the axe walk checks each page (tests/e2e/test_axe.py): WCAG 2.2 AA
by axe-core and no sideways scroll at 1280, 640 and 320 px, for the journeys that reach a
page the walk cannot (a question shown after a POST, a page of a made-up situation)."""

from __future__ import annotations

from tests.e2e.conftest import DESKTOP
from tests.e2e.test_axe import _covers, _violations


def fits_and_passes_axe(page) -> None:
    """WCAG 2.2 AA by axe, nothing fixed or sticky over the focus (2.4.11), and no
    sideways scroll, at 1280, 640 and 320 px; the window put back to the desktop's."""
    problems = []
    for width in (1280, 640, 320):
        page.set_viewport_size({"width": width, "height": 800})
        problems += [f"{width}px: {v}" for v in _violations(page)]
        if page.evaluate("() => document.documentElement.scrollWidth") > width:
            problems.append(f"{width}px: the page scrolls sideways")
    problems += _covers(page)
    page.set_viewport_size(DESKTOP)
    assert not problems, "\n".join(problems)
