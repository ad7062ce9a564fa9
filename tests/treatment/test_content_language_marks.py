"""Content in another language than the page is marked with ``lang`` (WCAG 3.1.2), also
where it sits inside a translated sentence or labels a worksheet's field, and a study's
consent text shown in another language says so (issue 17)."""

from __future__ import annotations

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import translation

from tessera.core.templatetags.content_language import in_language
from tessera.treatment import worksheets

SPECS = [
    {"key": "what", "label": "What happened", "type": "text"},
    {"key": "mood", "label": "Mood", "type": "scale_0_10"},
    {"key": "log", "label": "This week", "type": "table", "columns": [{"key": "when"}]},
    {"key": "pick", "label": "Pick one", "type": "choice", "choices": ["Yes", "No"]},
]


def _entry(language):
    return SimpleNamespace(module_version=SimpleNamespace(language=language))


def _fields(language):
    return "".join(
        render_to_string("treatment/worksheet_field.html", {"f": view, "entry": _entry(language)})
        for view in worksheets.field_views(SPECS, {}, blank_rows=1)
    )


def test_a_title_in_another_language_is_marked_and_escaped():
    with translation.override("nb"):
        assert in_language("Fear & <b>", "en") == '<span lang="en">Fear &amp; &lt;b&gt;</span>'
        assert in_language("Frykt", "nb") == "Frykt"
        assert in_language("Frykt", "") == "Frykt"


def test_worksheet_labels_in_another_language_are_marked():
    with translation.override("nb"):
        html = _fields("en")
    assert '<span lang="en">What happened</span>' in html
    assert '<span lang="en">Mood</span>' in html
    assert '<span lang="en">This week</span>' in html
    assert '<span lang="en">Yes</span>' in html
    with translation.override("en"):
        assert 'lang="' not in _fields("en")


def test_worksheet_fields_render_without_a_module():
    # The diary and the length check render a field without a plan entry.
    html = render_to_string(
        "treatment/worksheet_field.html",
        {"f": worksheets.field_views(SPECS[:1], {}, blank_rows=1)[0]},
    )
    assert "What happened" in html and 'lang="' not in html


def test_a_consent_text_in_another_language_is_marked_with_a_notice():
    consent = SimpleNamespace(language="en", text="You may take part in CALM.")
    with translation.override("da"):
        html = render_to_string("research/_consent_text.html", {"consent": consent})
    assert '<div class="prewrap" lang="en">You may take part in CALM.</div>' in html
    assert "Denne tekst findes endnu ikke på dit sprog, så den vises på engelsk." in html
    with translation.override("en"):
        html = render_to_string("research/_consent_text.html", {"consent": consent})
    assert 'lang="' not in html and "notice" not in html
