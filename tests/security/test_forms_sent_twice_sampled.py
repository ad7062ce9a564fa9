"""A form sent twice (a double click, back and send again) changes once and never
answers a 5xx: a sample of the access matrix's pages, as each kind of user who may open
them, every POST form on them sent twice as the page has it (decision 0095: the walk
over every page, about 12 minutes, found eight such defects; this keeps the class
guarded in seconds).

The sample is fixed: for each app, for each kind of user, the first of the app's pages
(in the order of their URL names) on which that user finds a POST form; its forms are
sent twice with their values as drawn (the chosen option, the checked box, a line in
each text box), each address shape once per app (the same form about another row, or
as another kind, is left out; every kind sends at least its first). The second send may
add rows only where ``ALLOWED`` says why, counted before the page it leads to is drawn;
when it is refused it says so in words (decision 0097)."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import get_resolver, reverse

from tests.access_rows.base import KINDS
from tests.security.test_forms_after_a_change import _Forms
from tests.test_access_matrix import MATRIX, _walk, become, matrix_world  # noqa: F401 - a fixture

# Tables the second send may add rows to, and why.
ALLOWED = {
    # The attempt itself is audited (an access denial, a refusal, a page read).
    "core_auditevent": "the second attempt is audited as the first was",
    # Sessions: a redirect after the refusal carries its message in the session.
    "django_session": "a message carried to the next page",
}
LEFT_OUT = ("/accounts/", "/i18n/")  # signing out or in, the language: not a change
# The nine kinds of user the walk of decision 0095 drew the pages as, and the anonymous
# visitor. Left out: the other patient, the other clinic's therapist, manager and our
# colleague (the same forms as the patient's, the therapist's and the manager's, about
# other rows) and staff without a second factor (every page sends them to set one up).
MIRRORS = {"other_patient", "colleague", "other_therapist", "other_manager", "staff_no_mfa"}
SAMPLED = [kind for kind in KINDS if kind not in MIRRORS]


class _PageForms(_Forms):
    """The page's POST forms as a person sends them: an option marked selected is the
    one sent, not the first; an empty line of text (a reason asked for) typed into."""

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        a, form = dict(attrs), self._form
        if form is None:
            return
        if tag == "option" and self._select and "selected" in a:
            form["fields"][self._select] = a.get("value", "")
        elif tag == "input" and (a.get("type") or "text") == "text" and not a.get("value"):
            form["fields"][a["name"]] = "Sent twice"


def _app_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if parts[0] == "tessera" else parts[0]


PAGES: dict[str, list[str]] = defaultdict(list)  # app -> its pages' URL names, sorted
for _name, _pattern in sorted(_walk(get_resolver()), key=lambda found: found[0]):
    if _name in MATRIX and MATRIX[_name].method == "get":
        PAGES[_app_of(_pattern.callback.__module__)].append(_name)


def _counts() -> dict[str, int]:
    tables = sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True)})
    sql = "SELECT " + ", ".join(f'(SELECT COUNT(*) FROM "{t}")' for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _grown(before: dict, after: dict) -> dict[str, int]:
    return {t: after[t] - before[t] for t in after if after[t] > before[t] and t not in ALLOWED}


def _forms_of(client: Client, world, app: str, kind: str):
    """The first page of the app that shows this user a POST form, and its forms."""
    for name in PAGES[app]:
        row = MATRIX[name]
        if row.outcome(kind) != "ok":
            continue
        url = reverse(name, kwargs=row.kwargs(world))
        if url.startswith(LEFT_OUT):
            continue
        become(client, world, kind)
        response = client.get(url, row.data)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _PageForms()
        parser.feed(response.content.decode())
        forms = [f for f in parser.forms if not (f["action"] or url).startswith(LEFT_OUT)]
        if forms:
            return url, forms
    return None, []


def _said(response) -> bool:
    """A refusal in words: an error page's text."""
    body = response.content.decode(errors="replace")
    main = re.search(r"<main[^>]*>(.*?)</main>", body, re.S)
    text = re.sub(r"<[^>]+>|\s+", " ", main.group(1) if main else body).strip()
    return response.status_code >= 400 and len(text) > 20


@pytest.mark.parametrize("app", sorted(PAGES))
def test_each_form_sent_twice_changes_once(app, matrix_world, client):  # noqa: F811
    world = matrix_world
    failures, sent, shapes = [], 0, set()
    for kind in SAMPLED:
        page, forms = _forms_of(client, world, app, kind)
        for i, form in enumerate(forms):
            action = form["action"] or page
            shape = re.sub(r"\d+", "#", action)
            if i and shape in shapes:
                continue  # the same form about another row, or as another kind
            shapes.add(shape)
            become(client, world, kind)
            first = client.post(action, form["fields"], HTTP_REFERER=f"http://testserver{page}")
            before = _counts()
            become(client, world, kind)
            again = client.post(action, form["fields"], HTTP_REFERER=f"http://testserver{page}")
            grown = _grown(before, _counts())  # before the page it leads to is drawn
            if again.status_code in (301, 302, 303):
                again = client.get(again["Location"])
            sent += 1
            where = f"{kind} {page} → {action}"
            if first.status_code >= 500 or again.status_code >= 500:
                failures.append(f"{where}: {first.status_code}, then {again.status_code}")
            elif grown:
                failures.append(f"{where}: the second send added {grown}")
            elif again.status_code >= 400 and not _said(again):
                failures.append(f"{where}: the second send refused without a word")
    assert not failures, f"{app}: {sent} forms sent twice\n" + "\n".join(failures)
