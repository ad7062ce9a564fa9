"""``core.template_rows.ByName``: a row the engine reads by name answers ``row[name]``
with its attribute (no exception on every look-up, issue 16), and a template draws the
same text from it as from the plain object."""

from dataclasses import dataclass

import pytest
from django.template import engines
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from tessera.core.template_rows import ByName, escaped
from tessera.intake.timeline import Step


@dataclass(frozen=True, slots=True)
class Plain:
    name: str
    count: int

    def shout(self):
        return self.name.upper()


@dataclass(frozen=True, slots=True)
class Row(Plain, ByName):
    pass


def test_a_row_is_read_by_name_as_its_attributes():
    row = Row("<b>", 3)
    assert row["name"] == "<b>" and row["count"] == 3
    assert row["shout"]() == "<B>"
    with pytest.raises(KeyError):
        row["missing"]
    with pytest.raises(TypeError):
        row[0]


def test_a_template_draws_the_same_as_from_the_plain_object():
    source = (
        "{{ r.name }}|{{ r.count }}|{{ r.shout }}|{{ r.missing }}|{{ r.0 }}|"
        "{% if r.count %}y{% endif %}"
    )
    template = engines["django"].from_string(source)
    assert template.render({"r": Row("<b>", 3)}) == template.render({"r": Plain("<b>", 3)})
    assert template.render({"r": Row("<b>", 3)}) == "&lt;b&gt;|3|&lt;B&gt;|||y"


def test_the_timeline_steps_and_the_patient_homes_rows_are_read_by_name():
    from tessera.portal.home import DueRow, HomeworkRow

    assert Step("start", "Started")["label"] == "Started"
    assert issubclass(DueRow, ByName) and issubclass(HomeworkRow, ByName)


@pytest.mark.parametrize(
    "value",
    ["<b>'&\"", "plain", 12, None, mark_safe("<i>kept</i>"), gettext_lazy("Home"), ""],
)
def test_escaped_is_what_conditional_escape_gives(value):
    assert escaped(value) == conditional_escape(value)
    assert isinstance(escaped(value), SafeString)
