"""Every form with typed text that a person had open, sent after one change made
elsewhere: nothing they wrote is lost. The class of edge behind a note, a message, a time
entry or a question to a colleague sent by a therapist whose patient had meanwhile moved
to a colleague: "Nothing was changed", back on a page that answered "no longer open to
you", and the text gone. And a comment sent after the consultation was ended.

Each form is read from the page as a browser has it (its fields and their values, its
text boxes typed into), the change is made, and the form is sent. The answer must not be
a 5xx; when it says that nothing was saved (an error page, or a message of error on the
page it leads to), what was typed must be on it, to copy."""

from __future__ import annotations

from html.parser import HTMLParser

from django.test import Client

from tessera.consultation.actions import do_end_consultation
from tessera.consultation.models import ConsultationRequest
from tessera.core.actions.staff import do_change_therapist
from tessera.core.middleware import IDLE_RESTORE_COOKIE
from tessera.core.models import AuditEvent, User
from tessera.treatment.actions.plans import do_remove_module
from tessera.treatment.ending import close_episode
from tessera.treatment.models import PlanEntry
from tests.security.test_pages_after_a_change import _client, _episode, _staff_pages, _walk

TYPED = "Written before the change elsewhere, kept 7Q"


class _Forms(HTMLParser):
    """The page's POST forms with a text box, as a browser would send them typed into."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}, "typed": False}
            self.forms.append(self._form)
        form = self._form
        if form is None or not a.get("name"):
            return
        name = a["name"]
        kind = (a.get("type") or "text").lower()
        if tag == "textarea":
            form["fields"][name] = TYPED
            form["typed"] = True
        elif tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in a or name not in form["fields"]:
                form["fields"][name] = a.get("value", "on")
        elif tag == "input" and kind not in ("submit", "button", "image", "file"):
            form["fields"][name] = a.get("value", "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and self._select not in form["fields"]:
            if a.get("value"):
                form["fields"][self._select] = a["value"]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _typed_forms(client: Client, pages: list[str]) -> dict[tuple[str, str], dict]:
    found = {}
    for url in pages:
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = form["action"] or url
            if form["typed"] and not action.startswith(("/accounts/", "/i18n/")):
                found.setdefault((url, action), form)
    return found


def _lost(client: Client, forms: dict) -> dict[str, str]:
    """Each form sent after the change: those whose answer refused it without the text,
    on the page or to be put back there by idle.js (the restore cookie "refused",
    ``core.middleware.restoring_typed_text``: a letter's page, a study's forms; the
    browser journeys show idle.js putting the text back)."""
    lost = {}
    for (page, action), form in forms.items():
        client.cookies.pop(IDLE_RESTORE_COOKIE, None)
        response = client.post(action, form["fields"], HTTP_REFERER=page, follow=True)
        body = response.content.decode(errors="replace")
        assert response.status_code < 500, (action, response.status_code)
        refused = response.status_code >= 400 or "message message-error" in body
        restored = getattr(client.cookies.get(IDLE_RESTORE_COOKIE), "value", "") == "refused"
        if refused and TYPED not in body and not restored:
            lost[f"{page} → {action}"] = response.status_code
    return lost


def test_no_typed_text_lost_when_a_form_is_sent_after_a_change_elsewhere(seeded_demo):
    manager = User.objects.get(email="manager@demo.tessera.test")
    therapist = _client("therapist@demo.tessera.test")
    colleague = _client("therapist2@demo.tessera.test")
    discharged = _episode("patient@demo.tessera.test")
    moved = _episode("patient2@demo.tessera.test")
    replanned = _episode("patient8@demo.tessera.test")
    consultation = ConsultationRequest.objects.get(episode=discharged, ended_at__isnull=True)

    moved_forms = _typed_forms(therapist, _staff_pages(therapist, moved))
    discharged_forms = _typed_forms(therapist, _staff_pages(therapist, discharged))
    asked_forms = _typed_forms(colleague, [f"/consultations/{consultation.pk}/"])
    discharged_patient = _client("patient@demo.tessera.test")
    own_forms = _typed_forms(discharged_patient, _walk(discharged_patient, ["/"], depth=3))
    replanned_patient = _client("patient8@demo.tessera.test")
    replanned_forms = _typed_forms(replanned_patient, _walk(replanned_patient, ["/"], depth=3))
    # What the walk must have found, or the test proves nothing.
    assert {a for _, a in moved_forms} >= {
        f"/episodes/{moved.pk}/notes/",
        f"/episodes/{moved.pk}/messages/",
        f"/consultations/ask/{moved.pk}/",
    }
    assert f"/consultations/{consultation.pk}/comment/" in {a for _, a in asked_forms}
    assert own_forms and replanned_forms and discharged_forms

    do_change_therapist(
        moved,
        acting_user=manager,
        to_user=User.objects.get(email="therapist2@demo.tessera.test"),
        reason="Parental leave",
    )
    do_end_consultation(consultation, acting_user=User.objects.get(pk=consultation.asker_id))
    close_episode(discharged, acting_user=manager, reason="completed", note="")
    for entry in PlanEntry.objects.filter(episode=replanned, removed_at__isnull=True):
        do_remove_module(entry, acting_user=manager, reason="A new plan")
    denied_before = AuditEvent.objects.filter(action="security.access_denied").count()

    assert _lost(therapist, moved_forms) == {}
    assert _lost(colleague, asked_forms) == {}
    assert _lost(therapist, discharged_forms) == {}
    assert _lost(discharged_patient, own_forms) == {}
    assert _lost(replanned_patient, replanned_forms) == {}
    # The refusals of the moved patient's forms are audited as before.
    assert AuditEvent.objects.filter(action="security.access_denied").count() > denied_before
