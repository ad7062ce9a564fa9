"""Markdown for module steps and programme descriptions, made safe to show.

CommonMark (with tables) is rendered with raw HTML disabled, so HTML typed into a step is
shown as text; the result then goes through nh3 with a short allow-list. Links may only
be http(s) or mailto and open with rel="noopener noreferrer"; images are not allowed
here (an image is a step of its own, with its description).
"""

from __future__ import annotations

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


def render(text: str | None) -> SafeString:
    """Markdown to HTML that is safe to put on a page as it is."""
    if not text or not text.strip():
        return mark_safe("")  # noqa: S308 (empty)
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
