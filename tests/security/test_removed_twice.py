"""A removal sent twice (a double click on "Remove", back and send again) or a form about
something removed meanwhile in another window: found walking the demo's settings, plan
and template pages at their edges. The first request did its work; the second answered
a bare "Page not found", so the person could not tell whether anything had happened.
Now the second goes back to the page it came from, which shows things as they are, with
a word; nothing is removed twice. A request that did not come from one of our pages (no
Referer, another site, htmx) still gets the 404."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tessera.core.models import CrisisContact, OnCallShift, Patient, User
from tessera.feedback.models import FeedbackTemplate
from tessera.treatment.models import PlanEntry
from tests.conftest import sign_in

ALREADY = "Nothing was changed: this was already removed."
PLAN_ALREADY = "Nothing was changed: this module was already taken out of the plan."


@pytest.fixture
def demo(seeded_demo):
    pass


def _signed_in(email: str) -> Client:
    client = Client()
    sign_in(client, User.objects.get(email=email))
    return client


def _form(page: str, action: str) -> dict:
    """The fields of the form posting to ``action`` on the page (hidden and text)."""
    marker = f'action="{action}"'
    start = page.index(marker) if marker in page else page.index('<form method="post"', 500)
    form = page[start : page.index("</form>", start)]
    data = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    for name in re.findall(r'<textarea[^>]*name="([^"]+)"', form):
        data[name] = "No longer needed"
    for name in re.findall(r'<input[^>]*name="([^"]+)"', form):
        data.setdefault(name, "No longer needed")  # the reason asked for a change
    return data


def _first_action(page: str, pattern: str) -> str:
    return re.search(rf'(?:action|href)="({pattern})"', page).group(1)


REMOVALS = {
    # name: (who, page, the removal's address, the rows that count)
    "crisis contact": (
        "manager",
        "/clinics/riverside/crisis-contacts/",
        r"/clinics/riverside/crisis-contacts/\d+/remove/",
        lambda: CrisisContact.objects.count(),
    ),
    "on-call stretch": (
        "manager",
        "/clinics/riverside/on-call/",
        r"/clinics/riverside/on-call/\d+/remove/",
        lambda: OnCallShift.objects.count(),
    ),
    "plan module": (
        "therapist",
        None,  # the first patient's plan page, found below
        r"/patients/\d+/plan/\d+/remove/",
        lambda: PlanEntry.objects.filter(removed_at__isnull=True).count(),
    ),
    "feedback template": (
        "therapist",
        None,
        r"/feedback/templates/\d+/delete/",  # the list's link, then its confirmation page
        lambda: FeedbackTemplate.objects.count(),
    ),
}


def _page_of(name: str, client: Client) -> str:
    if name == "plan module":
        patient = Patient.objects.get(user__email="patient@demo.tessera.test")
        return f"/patients/{patient.pk}/plan/"
    return "/feedback/templates/"


@pytest.mark.parametrize("name", REMOVALS)
def test_a_removal_sent_twice_goes_back_to_its_page_with_a_word(demo, name):
    who, page_url, pattern, rows = REMOVALS[name]
    client = _signed_in(f"{who}@demo.tessera.test")
    page_url = page_url or _page_of(name, client)
    page = client.get(page_url).content.decode()
    action = _first_action(page, pattern)
    if name == "feedback template":  # a link to a confirmation page that posts to itself
        page = client.get(action).content.decode()
    data = _form(page, action)
    before = rows()
    if name == "feedback template":  # its page is about the template: back home after
        page_url = action
    referer = {"HTTP_REFERER": f"http://testserver{page_url}"}
    first = client.post(action, data, **referer)
    assert first.status_code == 302
    assert rows() == before - 1
    again = client.post(action, data, **referer)
    back = "/feedback/templates/" if name == "feedback template" else page_url
    assert again.status_code == 302 and again["Location"] == back
    assert rows() == before - 1
    shown = client.get(back, follow=True)
    assert shown.status_code == 200
    assert (PLAN_ALREADY if name == "plan module" else ALREADY) in shown.content.decode()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_REFERER": "http://testserver/clinics/riverside/", "HTTP_HX_REQUEST": "true"},
        {"HTTP_REFERER": "https://elsewhere.example/", "HTTP_SEC_FETCH_SITE": "cross-site"},
    ],
)
def test_a_missing_thing_not_sent_from_one_of_our_pages_is_still_not_found(demo, headers):
    client = _signed_in("manager@demo.tessera.test")
    response = client.post("/clinics/riverside/crisis-contacts/999999/remove/", **headers)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path, back",
    [
        ("/feedback/templates/5/delete/", "/feedback/templates/"),
        ("/clinics/riverside/roles/7/", "/clinics/riverside/"),
        ("/nowhere/9/gone/", "/"),
    ],
)
def test_a_page_about_the_gone_thing_goes_back_to_its_list(path, back):
    from tessera.core.views.errors import _list_of

    assert _list_of(path) == back
