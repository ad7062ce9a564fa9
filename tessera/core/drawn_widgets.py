"""The form renderer: Django's, with its common widgets drawn in Python (issue 16: CPU
per request; decision 0094).

Django draws every widget through the form renderer's templates: a text box is three
templates (``text.html``, ``input.html``, ``attrs.html``), a select one more per option,
a list of radio buttons three more per choice. An application page's eleven fields
took a seventh of its CPU in those templates. ``DrawnWidgets.render`` draws the
templates named in ``DRAWN`` in Python, character for character as the templates do
(the newline each template file ends with included, and the whole stripped as Django's
renderer strips it); any other template (a file input, a widget of several parts, the
form templates) is Django's own.

tests/core/test_drawn_widgets.py compares every drawing with Django's templates over
the widgets, attributes, values, groups and choices the project's forms use, and fails
if Django changes its templates; it also fails if the project ever overrides one of
the templates drawn here.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

_CONTEXT = Context(autoescape=True)  # how ``{{ value }}`` is drawn: localised, escaped


def _shown(value) -> str:
    """``{{ value }}``."""
    return render_value_in_context(value, _CONTEXT)


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}`` (a safe value stays as it is, as the filter is
    ``is_safe``)."""
    try:
        text = "%s" % value  # noqa: UP031 - the filter's own formatting
    except (ValueError, TypeError):
        return ""
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs: dict) -> str:
    """``attrs.html``."""
    html = ""
    for name, value in attrs.items():
        if value is False:
            continue
        html += f" {_shown(name)}"
        if value is not True:
            html += f'="{_formatted(value)}"'
    return html


def _input(widget: dict) -> str:
    """``input.html`` (and its newline)."""
    html = f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"'
    if widget["value"] is not None:
        html += f' value="{_formatted(widget["value"])}"'
    return html + _attrs(widget["attrs"]) + ">\n"


def _included_input(widget: dict) -> str:
    """``text.html``, ``email.html``, ``checkbox.html``, ...: ``input.html`` included."""
    return _input(widget) + "\n"


def _input_option(widget: dict) -> str:
    """``input_option.html``: one radio button or checkbox, its label around it or not."""
    html = ""
    if widget["wrap_label"]:
        html += "<label"
        if widget["attrs"].get("id"):
            html += f' for="{_shown(widget["attrs"]["id"])}"'
        html += ">"
    html += _input(widget)
    if widget["wrap_label"]:
        html += f" {_shown(widget['label'])}</label>"
    return html + "\n"


def _option(widget: dict) -> str:
    """``radio_option.html`` and ``checkbox_option.html``: ``input_option.html``
    included."""
    return _input_option(widget) + "\n"


def _grouped(optgroups, opening: str, item: str, closing: str) -> str:
    """The options of a select or of a radio or checkbox list, each group opened and
    closed around its options as the widget's template does (``opening`` takes the
    group's name, ``item`` an option as drawn)."""
    html = ""
    for group, options, _index in optgroups:
        if group:
            html += opening.format(_shown(group))
        for option in options:
            html += item.format(_drawn(option["template_name"], option))
        if group:
            html += closing
    return html


def _multiple_input(widget: dict) -> str:
    """``multiple_input.html`` (``radio.html``, ``checkbox_select.html``)."""
    attrs = widget["attrs"]
    html = "<div"
    if attrs.get("id"):
        html += f' id="{_shown(attrs["id"])}"'
    if attrs.get("class"):
        html += f' class="{_shown(attrs["class"])}"'
    html += ">" + _grouped(
        widget["optgroups"], "\n  <div><label>{}</label>", "<div>\n    {}</div>", "\n  </div>"
    )
    return html + "\n</div>\n"


def _included_multiple_input(widget: dict) -> str:
    return _multiple_input(widget) + "\n"


def _select_option(widget: dict) -> str:
    """``select_option.html``."""
    return (
        f'<option value="{_formatted(widget["value"])}"{_attrs(widget["attrs"])}>'
        f"{_shown(widget['label'])}</option>\n"
    )


def _select(widget: dict) -> str:
    """``select.html``."""
    html = f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>'
    html += _grouped(widget["optgroups"], '\n  <optgroup label="{}">', "\n  {}", "\n  </optgroup>")
    return html + "\n</select>\n"


def _textarea(widget: dict) -> str:
    """``textarea.html``."""
    value = _shown(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>\n'
    )


_W = "django/forms/widgets/"
DRAWN = {
    **{
        f"{_W}{name}.html": _included_input
        for name in (
            "text",
            "email",
            "number",
            "password",
            "date",
            "datetime",
            "time",
            "url",
            "search",
            "tel",
            "hidden",
            "color",
            "checkbox",
        )
    },
    f"{_W}input.html": _input,
    f"{_W}input_option.html": _input_option,
    f"{_W}radio_option.html": _option,
    f"{_W}checkbox_option.html": _option,
    f"{_W}multiple_input.html": _multiple_input,
    f"{_W}radio.html": _included_multiple_input,
    f"{_W}checkbox_select.html": _included_multiple_input,
    f"{_W}select.html": _select,
    f"{_W}select_option.html": _select_option,
    f"{_W}textarea.html": _textarea,
}


def _drawn(template_name: str, widget: dict) -> str:
    """An included template: drawn here when it is one of ``DRAWN``, else by the
    template (its context as the include gives it)."""
    draw = DRAWN.get(template_name)
    if draw is not None:
        return draw(widget)
    from django.forms.renderers import get_default_renderer

    return get_default_renderer().get_template(template_name).render({"widget": widget})


class DrawnWidgets(DjangoTemplates):
    """Django's form renderer (``DjangoTemplates``), the templates of ``DRAWN`` drawn
    in Python."""

    def render(self, template_name, context, request=None):
        draw = DRAWN.get(template_name)
        if draw is None or request is not None or set(context) != {"widget"}:
            return super().render(template_name, context, request=request)
        # as ``BaseRenderer.render``: the template's output, stripped
        return draw(context["widget"]).strip()
