"""A form and a field drawn in Python, character for character as the templates
``includes/form.html`` and ``includes/field.html`` drew them (issue 16: CPU per request;
decision 0102).

Every form of the project is drawn through ``includes/form.html``, which included
``includes/field.html`` once per field: an application page's four forms took an eighth
of its CPU in those two templates' nodes. The two templates now call the tags here.
tests/core/test_drawn_forms.py keeps the templates' last text and compares the two
drawings over every kind of field the project uses (bound and not, with errors, help
texts, hostile labels), in English and Swedish.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from tessera.core.drawn_widgets import _shown

register = template.Library()

CHOICE_LISTS = ("checkboxselectmultiple", "radioselect")


def _described_by(field, errors) -> str:
    """The ``aria-describedby`` attribute: the help text, then the errors."""
    if not (field.help_text or errors):
        return ""
    html = ' aria-describedby="'
    if field.help_text:
        html += f"{_shown(field.auto_id)}_helptext "
    if errors:
        html += f"{_shown(field.auto_id)}_error"
    return html + '"'


def _required(field) -> str:
    if not field.field.required:
        return ""
    return f' <span class="required">({_shown(gettext("required"))})</span>'


def field_html(field) -> str:
    """``includes/field.html`` (and its last newline)."""
    errors = field.errors
    html = '<div class="field' + (" field-error" if errors else "") + '">\n'
    kind = field.widget_type
    if kind == "checkbox":
        html += (
            f'\n  <input type="checkbox" name="{_shown(field.html_name)}"'
            f' id="{_shown(field.id_for_label)}"'
            + (" checked" if field.value() else "")
            + _described_by(field, errors)
            + (' aria-invalid="true"' if errors else "")
            + ">\n"
            f'  <label for="{_shown(field.id_for_label)}">{_shown(field.label)}</label>\n'
        )
    elif kind in CHOICE_LISTS:
        html += f"\n  <fieldset{_described_by(field, errors)}>\n"
        html += f"    <legend>{_shown(field.label)}{_required(field)}</legend>\n    "
        for choice in field:
            html += (
                f'<div class="choice">{_shown(choice.tag())} '
                f'<label for="{_shown(choice.id_for_label)}">{_shown(choice.choice_label)}'
                "</label></div>"
            )
        html += "\n  </fieldset>\n"
    else:
        html += (
            f'\n  <label for="{_shown(field.id_for_label)}">{_shown(field.label)}'
            f"{_required(field)}</label>\n"
            f"  {_shown(field)}\n"
        )
    html += "\n  "
    if field.help_text:
        html += (
            f'<p class="help" id="{_shown(field.auto_id)}_helptext">{_shown(field.help_text)}</p>'
        )
    html += "\n  "
    if errors:
        html += f'<div id="{_shown(field.auto_id)}_error">'
        check = _shown(gettext("Please check:"))
        for error in errors:
            html += f'<p class="error-text"><strong>{check}</strong> {_shown(error)}</p>'
        html += "</div>"
    return html + "\n</div>\n"


def form_html(form) -> str:
    """``includes/form.html`` without its last newline (the template keeps it)."""
    html = ""
    non_field = form.non_field_errors()
    if non_field:
        html += '<div class="error-summary" role="alert">'
        for error in non_field:
            html += f"<p>{_shown(error)}</p>"
        html += "</div>"
    html += "\n"
    if form.errors and not non_field:
        summary = gettext("Some answers need another look. Nothing you typed has been lost.")
        html += f'<div class="error-summary" role="alert"><p>{_shown(summary)}</p></div>'
    html += "\n"
    for field in form.hidden_fields():
        html += _shown(field)
    html += "\n"
    for field in form.visible_fields():
        html += field_html(field)
    return html


@register.simple_tag
def drawn_form(form) -> str:
    """``{% drawn_form form %}``: the form's errors, hidden and visible fields."""
    return mark_safe(form_html(form))  # noqa: S308 - every value escaped above


@register.simple_tag
def drawn_field(field) -> str:
    """``{% drawn_field field %}``: one visible field with its label, help and errors."""
    return mark_safe(field_html(field)[:-1])  # noqa: S308 - every value escaped above
