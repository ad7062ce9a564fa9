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

A line ``::: crisis`` closed by a line ``:::`` (nothing between them) is where the
reader's clinic's crisis contacts and the country's emergency number are shown, in the
page's language (decision 0134). The text itself never carries a number: the caller
passes ``crisis`` (``crisis_for(clinic, language)``), and a text read where no clinic is
known still tells the reader to call the emergency number. The box is built from a
template (autoescaped) and cleaned by nh3 with its own allow-list; it takes the place of
a placeholder the author cannot write, because its name is new on every render.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

import nh3
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.token import Token

from tessera.core import crisis as core_crisis
from tessera.core.access import staff_clinic_ids
from tessera.core.models import Clinic

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


_CARE_BLOCK = re.compile(r"^:::\s*(guided|unguided|crisis)?\s*$")
CRISIS = "crisis"


def for_care_model(text: str, care_model: str | None, *, crisis_line: str = "") -> str:
    """The text as a patient in ``care_model`` reads it: the other care model's blocks
    left out, the marker lines removed. ``None`` (an author's preview) reads as guided.
    A crisis block that is shown becomes ``crisis_line`` (a placeholder paragraph), or
    nothing when none is given; a crisis block may stand inside a care block."""
    if ":::" not in text:
        return text
    keep = "unguided" if care_model == "unguided" else "guided"
    lines, inside, in_crisis = [], None, False
    for line in text.splitlines():
        marker = _CARE_BLOCK.match(line.strip())
        if marker and marker.group(1) == CRISIS:
            if (inside is None or inside == keep) and crisis_line and not in_crisis:
                lines.extend(["", crisis_line, ""])
            in_crisis = True
            continue
        if marker:
            if in_crisis and marker.group(1) is None:
                in_crisis = False
            else:
                inside = marker.group(1)  # None on a closing ":::"
            continue
        if not in_crisis and (inside is None or inside == keep):
            lines.append(line)
    return "\n".join(lines)


def block_problems(text: str | None) -> list[str]:
    """What is wrong with the ``:::`` blocks of a text, one sentence each with its line
    number; [] when they are well formed. A care block (guided, unguided) holds text and
    ends with ``:::``; a crisis block holds nothing and ends with ``:::``, and may stand
    inside a care block but not inside another crisis block."""
    if not text or ":::" not in text:
        return []
    check = _BlockCheck()
    for number, line in enumerate(text.splitlines(), start=1):
        check.line(number, line.strip())
    return check.end()


class _BlockCheck:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.care: tuple[str, int] | None = None  # the open care block and its line
        self.crisis_at = 0  # the line of the open crisis block

    def line(self, number: int, stripped: str) -> None:
        marker = _CARE_BLOCK.match(stripped)
        if marker is None:
            self.text(number, stripped)
        elif marker.group(1) == CRISIS:
            self.crisis_not_closed(number)
            self.crisis_at = number
        elif marker.group(1) is None:
            self.close(number)
        else:
            self.open_care(number, marker.group(1))

    def text(self, number: int, stripped: str) -> None:
        if stripped.startswith(":::"):
            self.problems.append(
                _(
                    "line %(n)s: %(line)s is not a block this format knows; a block starts "
                    "with ::: guided, ::: unguided or ::: crisis on a line of its own."
                )
                % {"n": number, "line": stripped[:60]}
            )
        elif self.crisis_at and stripped:
            self.problems.append(
                _(
                    "line %(n)s: a crisis block (opened on line %(open)s) holds no text; "
                    "close it with ::: on the next line and write the text before or "
                    "after it."
                )
                % {"n": number, "open": self.crisis_at}
            )

    def crisis_not_closed(self, number: int) -> None:
        if self.crisis_at:
            self.problems.append(
                _("line %(n)s: the crisis block opened on line %(open)s is not closed.")
                % {"n": number, "open": self.crisis_at}
            )
            self.crisis_at = 0

    def close(self, number: int) -> None:
        if self.crisis_at:
            self.crisis_at = 0
        elif self.care is None:
            self.problems.append(
                _("line %(n)s: ::: closes a block, but no block is open here.") % {"n": number}
            )
        else:
            self.care = None

    def open_care(self, number: int, name: str) -> None:
        self.crisis_not_closed(number)
        if self.care is not None:
            self.problems.append(
                _(
                    "line %(n)s: the %(block)s block opened on line %(open)s is not closed "
                    "before this one; close it with :::."
                )
                % {"n": number, "block": self.care[0], "open": self.care[1]}
            )
        self.care = (name, number)

    def end(self) -> list[str]:
        if self.crisis_at:
            self.problems.append(
                _("line %(open)s: the crisis block is not closed; add a line ::: after it.")
                % {"open": self.crisis_at}
            )
        if self.care is not None:
            self.problems.append(
                _("line %(open)s: the %(block)s block is not closed; end it with a line :::.")
                % {"open": self.care[1], "block": self.care[0]}
            )
        return self.problems


@dataclass(frozen=True)
class Crisis:
    """What a crisis block shows: the clinic's crisis contacts in the reader's language
    (then the country's helplines, ``tessera.core.crisis.contacts_for``) and the
    country's emergency number ("" where none is known)."""

    contacts: list = field(default_factory=list)
    emergency: str = ""


def crisis_for(clinic, language: str | None = None) -> Crisis:
    """The crisis block of ``clinic`` in ``language`` (the page's when None). A clinic
    with no crisis contacts of its own still gives its country's numbers."""
    language = language or get_language()
    emergency = core_crisis.emergency_number(clinic.country)
    # the box leads with the emergency number: not listed again below it (the national
    # entry, or the clinic's own when it lists the same number)
    contacts = [
        c
        for c in core_crisis.contacts_for(clinic, language)
        if not (emergency and _digits(c.phone) == _digits(emergency))
    ]
    return Crisis(contacts=contacts, emergency=emergency)


def _digits(phone: str) -> str:
    return "".join(c for c in phone or "" if c.isdigit())


def crisis_for_country(country: str) -> Crisis:
    """Where no clinic is known (a region's library): the country's numbers only."""
    emergency = core_crisis.emergency_number(country)
    national = core_crisis.national_contacts(country)
    contacts = [c for c in national if c.kind != core_crisis.EMERGENCY]
    return Crisis(contacts=contacts, emergency=emergency)


def crisis_for_staff(user, region) -> Crisis:
    """What a crisis block shows a staff member previewing content of ``region``: as a
    patient of their own clinic there would see it (the first by name when they work at
    several), else the region's country's numbers (a region administrator)."""
    clinic = (
        Clinic.objects.filter(pk__in=staff_clinic_ids(user), region_id=region.pk)
        .order_by("name", "pk")
        .first()
    )
    return crisis_for(clinic) if clinic is not None else crisis_for_country(region.country)


_BOX_TAGS = {"div", "p", "strong", "ul", "li", "a"}
_BOX_ATTRIBUTES = {"div": {"class", "lang"}, "li": {"lang"}, "a": {"href"}}
_BOX_SCHEMES = {"http", "https", "tel"}


def crisis_box(crisis: Crisis | Callable[[], Crisis | None] | None) -> str:
    """The crisis block's HTML for the page's language. ``crisis`` may be a function
    that gives it (read only when a text has a crisis block). ``None`` (no clinic known)
    still says to call the emergency number."""
    if callable(crisis):
        crisis = crisis()
    html = render_to_string(
        "programs/_crisis_block.html",
        {
            "contacts": crisis.contacts if crisis else [],
            "emergency": crisis.emergency if crisis else "",
        },
    )
    return nh3.clean(
        html,
        tags=_BOX_TAGS,
        attributes=_BOX_ATTRIBUTES,
        url_schemes=_BOX_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def render(
    text: str | None,
    *,
    care_model: str | None = None,
    crisis: Crisis | Callable[[], Crisis | None] | None = None,
) -> SafeString:
    """Markdown to HTML that is safe to put on a page as it is, with the blocks for the
    other care model left out and each crisis block showing ``crisis`` (see above)."""
    if not text or not text.strip():
        return mark_safe("")  # noqa: S308 (empty)
    placeholder = f"TESSERACRISIS{secrets.token_hex(12)}" if ":::" in text else ""
    text = for_care_model(text, care_model, crisis_line=placeholder)
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
    if placeholder and placeholder in clean:
        box = crisis_box(crisis)
        clean = re.sub(f"(?:<p>)?{placeholder}(?:</p>)?", lambda _m: box, clean)
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 with the allow-lists above)
