"""Every text field of every form has a maximum length (issue 13, "over-long values ...
in every form"): enforced by the server with a clear message, shown to the browser as a
``maxlength`` attribute, and never longer than the column it is stored in.

The test walks every form class of the project (each module under ``tessera`` is
imported, then every subclass of Django's BaseForm defined there is looked at), so a new
form with an unbounded text field fails here.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms
from django.core.exceptions import ValidationError

import tessera
from tessera.core.validation import CONTENT_MAX_LENGTH


def _import_everything() -> None:
    for module in pkgutil.walk_packages(tessera.__path__, "tessera."):
        name = module.name
        if ".migrations" in name or name.endswith("__main__"):
            continue
        importlib.import_module(name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _project_forms() -> list[type[forms.BaseForm]]:
    _import_everything()
    found = {c for c in _subclasses(forms.BaseForm) if c.__module__.startswith("tessera.")}
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


FORMS = _project_forms()


def _fields(form_class) -> dict[str, forms.Field]:
    """The fields of a form as it is built (fields added in ``__init__`` too) when it can
    be built without arguments, else the fields its class declares."""
    try:
        return form_class().fields
    except Exception:
        return form_class.base_fields


def _text_fields(form_class) -> list[tuple[str, forms.CharField]]:
    """The form's text fields: CharField and its kinds (e-mail, URL, slug ...). A UUID field
    is left out: anything but a UUID is refused by its format."""
    return [
        (name, field)
        for name, field in _fields(form_class).items()
        if isinstance(field, forms.CharField) and not isinstance(field, forms.UUIDField)
    ]


def test_the_walk_finds_the_projects_forms():
    names = {c.__name__ for c in FORMS}
    assert len(FORMS) > 60
    assert {"ReferralForm", "MessageForm", "PatientContactForm", "StepForm"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_text_field_has_a_maximum_length(form_class):
    unbounded = [name for name, field in _text_fields(form_class) if field.max_length is None]
    assert not unbounded, f"{form_class.__qualname__}: no max_length on {unbounded}"


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_the_limit_is_enforced_shown_and_fits_the_column(form_class):
    model = getattr(getattr(form_class, "_meta", None), "model", None)
    for name, field in _text_fields(form_class):
        limit = field.max_length
        assert limit <= CONTENT_MAX_LENGTH, (form_class, name)
        # enforced by the server, with a message (not only by the browser)
        with pytest.raises(ValidationError):
            field.clean("x" * (limit + 1))
        # shown to the browser, unless the field is hidden
        if not field.widget.is_hidden:
            assert str(field.widget_attrs(field.widget).get("maxlength") or "") == str(limit), (
                form_class,
                name,
            )
        # never longer than the column it is saved into
        if model is not None:
            try:
                column = model._meta.get_field(name)
            except Exception:
                continue
            if getattr(column, "max_length", None):
                assert limit <= column.max_length, (form_class, name, column.max_length)


def test_an_over_long_value_gets_a_clear_message():
    from tessera.intake.forms import DeclineForm

    form = DeclineForm({"reason": "x" * 10_001})
    assert not form.is_valid()
    assert "10000" in str(form.errors["reason"]) or "10,000" in str(form.errors["reason"])


def test_worksheet_fields_carry_the_length_the_server_keeps():
    """Worksheets and diaries are not Django forms: their fields are drawn from the
    module's specs. Every text input and text area says how much the server keeps."""
    from django.template.loader import render_to_string

    from tessera.treatment import worksheets

    specs = [
        {"key": "what", "type": "text"},
        {"key": "more", "type": "longtext"},
        {"key": "log", "type": "table", "columns": [{"key": "when"}, {"key": "mood"}]},
    ]
    html = "".join(
        render_to_string("treatment/worksheet_field.html", {"f": view})
        for view in worksheets.field_views(specs, {}, blank_rows=2)
    )
    assert html.count(f'maxlength="{worksheets.MAX_TEXT}"') == 2 + 2 * 2
    assert "<textarea" in html
