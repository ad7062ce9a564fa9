"""A radio button's or a checkbox's ``<input>`` drawn in Python (issue 16: CPU per
request).

``includes/field.html`` draws each choice of a radio or checkbox list with its own label,
and Django's ``{{ choice.tag }}`` draws the input through the form renderer's templates
(``input_option.html``, ``input.html``, ``attrs.html``): three templates per choice. The
assessment form's 27 working diagnoses alone took a quarter of an application page.
``{{ choice|option_input }}`` gives the same ``<input>``, character for character
(tests/core/test_form_fields.py compares it with Django's own for every kind of choice
the project draws, and fails if Django's changes).
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


def _text(value) -> str:
    # as ``{{ value|stringformat:'s' }}`` draws it, escaped
    return conditional_escape("%s" % (value,))  # noqa: UP031 - stringformat's own


@register.filter
def option_input(choice) -> str:
    """The ``<input>`` of one choice (a ``BoundWidget`` of a RadioSelect or a
    CheckboxSelectMultiple), without a wrapping label: ``{{ choice.tag }}``."""
    widget = choice.data
    html = f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
    if widget["value"] is not None:
        html += f' value="{_text(widget["value"])}"'
    for name, value in widget["attrs"].items():
        if value is False:
            continue
        html += f" {conditional_escape(name)}"
        if value is not True:
            html += f'="{_text(value)}"'
    return mark_safe(html + ">")  # noqa: S308 - every value escaped above
