"""Every settings form saved unchanged changes nothing (issue 20, item 7, as a class).

Each form is read from its page and sent back exactly as a browser would send it:
fields in the page's order, checked boxes only, the selected options. The row behind
it must be the same afterwards. This is how the clinic's languages were reordered (the
checkboxes arrive in the list's order, en before sv), and so the next GP letter switched
to English; the test would find the same class of bug in any other settings form."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from tessera.core.models import Clinic, ClinicRole, Patient


class _Forms(HTMLParser):
    """The fields each <form method=post> on a page would send, in page order."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "").lower() == "post":
            self.forms.append({"action": a.get("action", ""), "fields": []})
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "multiple": "multiple" in a, "chosen": []}
            self._first = None
        elif tag == "option" and self._select is not None:
            self._option = a.get("value")
            if self._first is None:
                self._first = self._option
            if "selected" in a:
                self._select["chosen"].append(self._option)
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            chosen = self._select["chosen"]
            if not chosen and not self._select["multiple"] and self._first is not None:
                chosen = [self._first]
            self.forms[-1]["fields"] += [(self._select["name"], v) for v in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea[1]
            self.forms[-1]["fields"].append(
                (self._textarea[0], text[1:] if text.startswith("\n") else text)
            )
            self._textarea = None


def _resend(client, page_url: str, action: str):
    """Read the form posting to ``action`` on the page and send it back unchanged."""
    parser = _Forms()
    parser.feed(client.get(page_url).content.decode())
    form = next(f for f in parser.forms if f["action"] in (action, ""))
    data: dict[str, list[str]] = {}
    for name, value in form["fields"]:
        data.setdefault(name, []).append(value)
    return client.post(action, data)


def _row(model, pk):
    return model_to_dict(model.objects.get(pk=pk))


@pytest.mark.parametrize("languages", [["sv", "en"], ["en", "sv"], ["sv", "nb", "en"]])
def test_the_clinic_settings_saved_unchanged_change_nothing(world, login, languages):
    Clinic.objects.filter(pk=world.clinic.pk).update(languages=languages)
    before = _row(Clinic, world.clinic.pk)
    url = reverse("clinic_edit", args=[world.clinic.slug])
    response = _resend(login(world["manager"]), url, url)
    assert response.status_code == 302
    assert _row(Clinic, world.clinic.pk) == before


def test_a_staff_members_role_settings_saved_unchanged_change_nothing(world, login):
    grant = ClinicRole.objects.get(user=world["therapist"], clinic=world.clinic)
    ClinicRole.objects.filter(pk=grant.pk).update(max_caseload=37, weekly_hours=30)
    before = _row(ClinicRole, grant.pk)
    page = reverse("staff_member", args=[world.clinic.slug, world["therapist"].pk])
    action = reverse("staff_role_edit", args=[world.clinic.slug, grant.pk])
    response = _resend(login(world["manager"]), page, action)
    assert response.status_code == 302
    assert _row(ClinicRole, grant.pk) == before


def test_a_patients_details_saved_unchanged_by_staff_change_nothing(world, login):
    before = _row(Patient, world.patient.pk)
    url = reverse("patient_edit", args=[world.patient.pk])
    response = _resend(login(world["manager"]), url, url)
    assert response.status_code == 302
    assert _row(Patient, world.patient.pk) == before
