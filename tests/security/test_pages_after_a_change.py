"""Every page a person had open, opened again after one change made elsewhere: the
class of edge behind the plan page, the ask page and the module reader answering "Page
not found" after a discharge or a plan change (each fixed with its own test). This
walks the demo's pages about one patient as a browser's links would, makes the change,
and asks each page again, so that a page added later is held to the same rule:

- after the discharge, every page the therapist and the patient had open still answers
  (the pages of the ended course, or a redirect with a word), none a 4xx;
- after the patient's modules are taken out of the plan, every page the patient had
  open still answers;
- after the care moves to a colleague, the old therapist's pages about the patient say
  that their access ended, never a bare Page not found."""

from __future__ import annotations

import re

from django.test import Client

from tessera.core.actions.staff import do_change_therapist
from tessera.core.models import Episode, User
from tessera.treatment.actions.plans import do_remove_module
from tessera.treatment.ending import close_episode
from tessera.treatment.models import PlanEntry
from tests.conftest import sign_in

LINK = re.compile(r'href="(/[^"#]*)"')
# Other people's and the clinic's pages, files, and signing out are not about this change.
NOT_WALKED = re.compile(
    r"^/(static|accounts|i18n|media|reports|library|research|audit|practice|admin|clinics)/"
    r"|\.(pdf|csv|xlsx|ics|json)$|/export|/download|logout|/fhir"
)


def _client(email: str) -> Client:
    client = Client()
    sign_in(client, User.objects.get(email=email))
    return client


def _walk(client: Client, starts: list[str], about=lambda url: True, depth: int = 2) -> list[str]:
    """The pages reachable from ``starts`` in ``depth`` clicks that answered 200."""
    seen: dict[str, int] = {}
    queue = [(url, 0) for url in starts]
    while queue:
        url, level = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        html = response.get("Content-Type", "").startswith("text/html")
        if response.status_code != 200 or level >= depth or not html:
            continue
        for link in LINK.findall(response.content.decode()):
            link = link.replace("&amp;", "&")
            if link not in seen and not NOT_WALKED.search(link) and about(link):
                queue.append((link, level + 1))
    return [url for url, status in seen.items() if status == 200]


def _episode(email: str) -> Episode:
    return Episode.objects.get(patient__user__email=email, status="active")


def _about(episode):
    ids = (f"/{episode.pk}/", f"/{episode.patient_id}/")
    return lambda url: any(i in url for i in ids)


def _staff_pages(client: Client, episode) -> list[str]:
    starts = [f"/episodes/{episode.pk}/", f"/patients/{episode.patient_id}/plan/"]
    return _walk(client, starts, _about(episode))


def _answers(client: Client, pages: list[str]) -> dict:
    return {url: client.get(url) for url in pages}


def _refused(answers: dict) -> dict[str, int]:
    return {url: r.status_code for url, r in answers.items() if r.status_code >= 400}


def test_every_page_open_before_a_change_elsewhere_still_answers(seeded_demo):
    """One demo, three changes to three patients (each walked before any change)."""
    manager = User.objects.get(email="manager@demo.tessera.test")
    therapist = _client("therapist@demo.tessera.test")
    discharged = _episode("patient@demo.tessera.test")
    moved = _episode("patient2@demo.tessera.test")
    replanned = _episode("patient8@demo.tessera.test")  # self-help: the patient's own pages

    discharged_staff = _staff_pages(therapist, discharged)
    moved_staff = _staff_pages(therapist, moved)
    discharged_patient = _client("patient@demo.tessera.test")
    discharged_own = _walk(discharged_patient, ["/"], depth=3)
    replanned_patient = _client("patient8@demo.tessera.test")
    replanned_own = _walk(replanned_patient, ["/"], depth=3)
    for pages in (discharged_staff, moved_staff, discharged_own, replanned_own):
        assert len(pages) > 10
    assert any(url.startswith("/me/modules/") and url != "/me/modules/" for url in replanned_own)

    close_episode(discharged, acting_user=manager, reason="completed", note="")
    do_change_therapist(
        moved,
        acting_user=manager,
        to_user=User.objects.get(email="therapist2@demo.tessera.test"),
        reason="Parental leave",
    )
    for entry in PlanEntry.objects.filter(episode=replanned, removed_at__isnull=True):
        do_remove_module(entry, acting_user=manager, reason="A new plan")

    assert _refused(_answers(therapist, discharged_staff)) == {}
    assert _refused(_answers(discharged_patient, discharged_own)) == {}
    assert _refused(_answers(replanned_patient, replanned_own)) == {}
    refused = {
        url: r for url, r in _answers(therapist, moved_staff).items() if r.status_code >= 400
    }
    assert refused  # the patient is no longer theirs
    for url, response in refused.items():
        assert response.status_code == 404, url
        assert "You can no longer open this record" in response.content.decode(), url
