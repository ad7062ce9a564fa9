"""Markdown in steps and descriptions is shown safely: no HTML of the author's own, no
scripts, links only to http(s) and mailto."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.utils.safestring import SafeString

from tessera.programs.markdown import ALLOWED_TAGS, render


def elements(html: str) -> list[tuple[str, dict]]:
    """Every element in the HTML as a browser would parse it, with its attributes."""
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collect().feed(html)
    return found


def test_it_renders_commonmark_with_tables():
    html = render(
        "Some **bold** and *soft* text.\n\n- one\n- two\n\n| a | b |\n|---|--:|\n| 1 | 2 |"
    )
    assert isinstance(html, SafeString)
    assert "<strong>bold</strong>" in html and "<em>soft</em>" in html
    assert "<ul>" in html and "<li>one</li>" in html
    assert "<table>" in html and "<td>2</td>" in html
    assert "style=" not in html  # column alignment would need an inline style


def test_headings_stay_below_the_page_title():
    html = render("# Top\n\n## Second\n\n###### Tiny")
    assert "<h1" not in html
    assert "<h2>Top</h2>" in html and "<h2>Second</h2>" in html and "<h4>Tiny</h4>" in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "Hello <script src='https://evil.example/x.js'></script>",
        "<SCRIPT>alert(1)</SCRIPT>",
        "```\n</code></pre><script>alert(1)</script>\n```",
    ],
)
def test_script_tags_never_come_through(text):
    assert "script" not in [tag for tag, _attrs in elements(render(text))]


@pytest.mark.parametrize(
    "text",
    [
        "<img src=x onerror=alert(1)>",
        '<a href="https://example.org" onclick="alert(1)">x</a>',
        "![a picture](https://example.org/x.png)",
        '<div onmouseover="alert(1)">x</div>',
    ],
)
def test_no_tag_with_an_event_handler_or_an_image_comes_through(text):
    found = elements(render(text))
    assert all(tag in ALLOWED_TAGS for tag, _attrs in found)
    assert not any(name.startswith("on") for _tag, attrs in found for name in attrs)
    assert "img" not in [tag for tag, _attrs in found]


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](java&#x73;cript:alert(1))",
        "<javascript:alert(1)>",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](vbscript:msgbox(1))",
    ],
)
def test_javascript_and_data_links_are_stripped(text):
    assert not [attrs for _tag, attrs in elements(render(text)) if "href" in attrs]


def test_links_keep_http_https_and_mailto_with_rel_and_drop_relative_ones():
    html = render(
        "[a](https://example.org/a) [b](http://example.org/b) [c](mailto:help@example.org) "
        "[d](/admin/) [e](#top)"
    )
    assert 'href="https://example.org/a"' in html
    assert 'href="http://example.org/b"' in html
    assert 'href="mailto:help@example.org"' in html
    assert html.count('rel="noopener noreferrer"') == 5
    assert 'href="/admin/"' not in html and 'href="#top"' not in html


def test_an_image_in_markdown_becomes_its_description():
    html = render("Look: ![the cycle of *low mood*](https://example.org/c.png)")
    assert "<img" not in html
    assert "the cycle of low mood" in html


def test_empty_text_renders_as_nothing():
    assert render("") == ""
    assert render(None) == ""
    assert render("   \n") == ""


CARE_TEXT = (
    "Describe your sleep.\n"
    "::: guided\nThis helps your therapist.\n:::\n"
    "::: unguided\nThis helps you see where you start from.\n:::\n"
    "Take your time."
)


def test_a_self_help_course_reads_only_its_own_block():
    html = str(render(CARE_TEXT, care_model="unguided"))
    assert "where you start from" in html and "therapist" not in html
    assert ":::" not in html and "Describe your sleep" in html and "Take your time" in html


@pytest.mark.parametrize("care_model", ["guided", "blended", "face_to_face", None])
def test_guided_care_and_the_authors_preview_read_the_guided_block(care_model):
    html = str(render(CARE_TEXT, care_model=care_model))
    assert "This helps your therapist." in html and "where you start from" not in html
    assert ":::" not in html


def test_a_text_without_blocks_is_unchanged():
    assert str(render("A ::: inside a line stays.", care_model="unguided")) == (
        "<p>A ::: inside a line stays.</p>\n"
    )
