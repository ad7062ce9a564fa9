"""A plan change refused for a missing field says which field (found walking the demo,
decision 0122): "Add module" sent without a reason answered "Nothing was changed: This
field is required." above a form of two required fields, a module and a reason."""

from __future__ import annotations

from django.urls import reverse

from tessera.core.forms import form_error_texts
from tessera.treatment.forms.plans import AddModuleForm


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_add_module_without_a_reason_names_the_reason(world, plan, login):
    client = login(world["therapist"])
    url = reverse("plan_add", args=[world.patient.pk])
    said = _messages(client.post(url, {"add-module_version": "", "add-reason": ""}, follow=True))
    assert "Nothing was changed:" in said
    assert "Why (kept in the plan history): This field is required." in said
    assert "Module: This field is required." in said


def test_errors_not_of_a_field_are_said_as_they_are():
    form = AddModuleForm({"add-module_version": "x", "add-reason": "r"}, choices=[], prefix="add")
    assert not form.is_valid()
    form.add_error(None, "Something else.")
    texts = form_error_texts(form)
    assert texts[-1] == "Something else."
    assert all(text.startswith("Module: ") for text in texts[:-1])
