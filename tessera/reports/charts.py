"""Bar charts as server-drawn SVG, like the progress graphs (treatment/graphs.py): no
script, no inline style, a title and description for screen readers, and always a
table beside them in the page (the chart is decoration for those who see it)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 220
LEFT, BOTTOM, TOP = 40, 36, 12


def bar_chart(labels: list[str], values: list[float], *, title: str) -> SafeString:
    """Bars of ``values`` labelled by ``labels`` (every few labels, as room allows)."""
    count = max(len(values), 1)
    top = max([*values, 1])
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    step = plot_w / count
    bar_w = max(step * 0.7, 1)
    every = max(1, round(count / 8))
    parts = [
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(_describe(labels, values))}</desc>",
        f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 8}" '
        f'y2="{TOP + plot_h}" stroke="#555"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 10}" text-anchor="end" font-size="11" '
        f'fill="#222">{_num(top)}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="11" '
        f'fill="#222">0</text>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * value / top
        x = LEFT + i * step + (step - bar_w) / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar_w:.1f}" '
            f'height="{h:.1f}" fill="#1f5f8b"/>'
        )
        if i % every == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle" font-size="11" fill="#222">{escape(label)}</text>'
            )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="chart" role="img" aria-label="{escape(title)}">{"".join(parts)}</svg>'
    )
    return mark_safe(svg)  # noqa: S308 - every text above is escaped


def _describe(labels: list[str], values: list[float]) -> str:
    if not values:
        return str(_("No data."))
    pairs = ", ".join(
        f"{label}: {_num(value)}" for label, value in zip(labels, values, strict=True)
    )
    return pairs


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
