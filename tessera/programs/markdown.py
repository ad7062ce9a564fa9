"""Markdown for module steps and programme descriptions, made safe to show.

CommonMark (with tables) is rendered with raw HTML disabled, so HTML typed into a step is
shown as text; the result then goes through nh3 with a short allow-list. Links may only
be http(s) or mailto and open with rel="noopener noreferrer"; images are not allowed
here (an image is a step of its own, with its description).

A text may say different things in guided and in unguided care (issue 14: a self-help
course must not promise a therapist). Lines between ``::: guided`` and ``:::`` are shown
only in guided care (guided, blended, face to face, and to authors previewing), and lines
between ``::: unguided`` and ``:::`` only in a self-help course without a therapist; the
marker lines themselves are never shown (docs/content-packages.md).
"""

from __future__ import annotations

import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "blockquote",
    "code",
    "pre",
    "br",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
_LINK_PREFIXES = ("http://", "https://", "mailto:")
# Whose contents go with them, not only the tag.
_DROP_WITH_CONTENT = {"script", "style"}

_parser = MarkdownIt("commonmark", {"html": False}).enable("table")
_HEADINGS = {"h1": "h2", "h5": "h4", "h6": "h4"}


def _adjust(tokens) -> None:
    """Headings stay within h2-h4 (the page and step titles are above them); an image
    written in markdown becomes its description, as text."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _HEADINGS.get(token.tag, token.tag)
        if token.children:
            for index, child in enumerate(token.children):
                if child.type == "image":
                    text = Token("text", "", 0)
                    text.content = "".join(c.content for c in child.children or []) or child.content
                    token.children[index] = text


def _only_absolute_links(tag: str, attribute: str, value: str) -> str | None:
    """Relative and fragment links would point into Tessera itself: drop them too."""
    if tag == "a" and attribute == "href":
        return value if value.strip().lower().startswith(_LINK_PREFIXES) else None
    return value


_CARE_BLOCK = re.compile(r"^:::\s*(guided|unguided)?\s*$")


def for_care_model(text: str, care_model: str | None) -> str:
    """The text as a patient in ``care_model`` reads it: the other care model's blocks
    left out, the marker lines removed. ``None`` (an author's preview) reads as guided."""
    if ":::" not in text:
        return text
    keep = "unguided" if care_model == "unguided" else "guided"
    lines, inside = [], None
    for line in text.splitlines():
        marker = _CARE_BLOCK.match(line.strip())
        if marker:
            inside = marker.group(1)  # None on a closing ":::"
            continue
        if inside is None or inside == keep:
            lines.append(line)
    return "\n".join(lines)


def render(text: str | None, *, care_model: str | None = None) -> SafeString:
    """Markdown to HTML that is safe to put on a page as it is, with the blocks for the
    other care model left out (see above)."""
    if not text or not text.strip():
        return mark_safe("")  # noqa: S308 (empty)
    text = for_care_model(text, care_model)
    env: dict = {}
    tokens = _parser.parse(text, env)
    _adjust(tokens)
    html = _parser.renderer.render(tokens, _parser.options, env)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_only_absolute_links,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 with the allow-list above)
