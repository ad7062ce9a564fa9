"""Found by opening again every page a therapist had open, after one change made
elsewhere: the patient's care handed to a colleague, or a consultation ended. Every page
about the patient then answered a bare "Page not found", as for an address that never
existed, and the therapist could not tell a fault from the end of their access.

Now a staff member who has opened this patient's record before (their own actions are in
the patient's trail) is told that their access ended, and why it may have; anyone else,
for any other id, still gets the plain Page not found, so that the existence of a record
is never revealed. The refusal is audited as before."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from tessera.consultation import actions as consultation
from tessera.core.actions import do_grant_role
from tessera.core.actions.staff import do_change_therapist, do_remove_role
from tessera.core.models import AuditEvent, ClinicRole
from tessera.core.roles import Role
from tests.conftest import make_user, sign_in

ENDED = "You can no longer open this record"
NOT_FOUND = "Page not found"


def _client(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _pages(w) -> list[str]:
    return [
        f"/episodes/{w.episode.pk}/",
        f"/patients/{w.patient.pk}/plan/",
        f"/episodes/{w.episode.pk}/messages/",
        f"/episodes/{w.episode.pk}/sessions/",
    ]


def test_the_therapist_whose_patient_moved_to_a_colleague_is_told_their_access_ended(world):
    w = world
    therapist = _client(w["therapist"])
    for url in _pages(w):
        assert therapist.get(url).status_code == 200, url
    do_change_therapist(
        w.episode, acting_user=w["manager"], to_user=w["colleague"], reason="Parental leave"
    )
    denied = AuditEvent.objects.filter(action="security.access_denied").count()
    for url in _pages(w):
        response = therapist.get(url)
        assert response.status_code == 404, url
        body = response.content.decode()
        assert ENDED in body, url
        assert "may have moved to a colleague" in body
        assert w.patient.last_name not in body  # nothing about the patient is shown
    assert AuditEvent.objects.filter(action="security.access_denied").count() == denied + len(
        _pages(w)
    )


def test_a_consulted_colleague_after_the_consultation_ended_is_told_too(world):
    w = world
    request = consultation.do_ask_colleague(
        w.episode,
        acting_user=w["therapist"],
        colleague=w["colleague"],
        question="Would you add the sleep module?",
        submission_key=uuid.uuid4(),
    )
    colleague = _client(w["colleague"])
    url = f"/episodes/{w.episode.pk}/"
    assert colleague.get(url).status_code == 200
    consultation.do_end_consultation(request, acting_user=w["therapist"])
    response = colleague.get(url)
    assert response.status_code == 404
    assert ENDED in response.content.decode()


@pytest.mark.parametrize(
    "who, url",
    [
        # another clinic's therapist: the record exists but was never theirs
        ("other_therapist", "/episodes/{episode}/"),
        ("other_therapist", "/patients/{patient}/plan/"),
        # a colleague at the same clinic who never opened this patient's record
        ("colleague", "/episodes/{episode}/"),
        # ids that do not exist
        ("therapist", "/episodes/987654/"),
        ("therapist", "/patients/987654/plan/"),
    ],
)
def test_a_record_never_opened_stays_a_plain_page_not_found(world, who, url):
    w = world
    response = _client(w[who]).get(url.format(episode=w.episode.pk, patient=w.patient.pk))
    assert response.status_code == 404
    body = response.content.decode()
    assert NOT_FOUND in body
    assert ENDED not in body


def test_a_patient_never_sees_the_staff_wording(world):
    w = world
    response = _client(w.other_patient.user).get(f"/episodes/{w.episode.pk}/")
    assert response.status_code in (403, 404)
    assert ENDED not in response.content.decode()


def test_a_missing_thing_of_a_patient_still_theirs_is_not_called_the_end_of_access(world):
    """The therapist has opened this record and still may: an answer that does not
    exist (removed, or a wrong link) is Page not found, not "your access ended"."""
    w = world
    therapist = _client(w["therapist"])
    assert therapist.get(f"/episodes/{w.episode.pk}/").status_code == 200
    response = therapist.get(f"/patients/{w.patient.pk}/responses/987654/")
    assert response.status_code == 404
    body = response.content.decode()
    assert NOT_FOUND in body
    assert ENDED not in body


ROLE_REMOVED = "This page is no longer open to you"


def test_a_role_removed_while_another_still_sees_the_patient_says_so(world):
    """One of two roles removed (therapist; intake kept, which sees the clinic's
    patients): the record still opens, and a page that was the therapist's (ending the
    course) says the role it belonged to was removed, where it was a bare Page not found.
    (With every role kept, a missing thing stays Page not found: the test above.)"""
    w = world
    therapist = w["therapist"]
    do_grant_role(therapist, w.clinic, Role.INTAKE_COORDINATOR)
    client = _client(therapist)
    end = f"/episodes/{w.episode.pk}/end/"
    assert client.get(end).status_code == 200
    do_remove_role(
        ClinicRole.objects.get(user=therapist, role=Role.THERAPIST), acting_user=w["manager"]
    )
    assert client.get(f"/episodes/{w.episode.pk}/").status_code == 200  # intake sees it
    response = client.get(end)
    assert response.status_code == 404
    body = response.content.decode()
    assert ROLE_REMOVED in body and ENDED not in body
    assert w.patient.last_name not in body
    # The end form sent from the page left open: refused with the same words, and the
    # note typed into it shown back to copy.
    note = "She asked to stop for the summer and come back in August."
    response = client.post(
        end, {"reason": "completed", "note": note}, HTTP_REFERER=f"http://testserver{end}"
    )
    assert response.status_code == 404
    assert ROLE_REMOVED in response.content.decode() and note in response.content.decode()


NO_ROLE = "You have no role at a clinic"


def test_only_a_former_staff_member_is_told_they_have_no_role(world):
    """An applicant (an account with no role ever and no patient record) opening a staff
    page is refused in plain words; "you hold no role now, ask your manager if it was
    removed by mistake" is for someone whose last role was removed."""
    w = world
    applicant = make_user("applicant@alpha.test")
    response = _client(applicant).get("/caseload/")
    assert response.status_code == 403
    assert NO_ROLE not in response.content.decode()
    assert "You do not have access to this page" in response.content.decode()
    therapist = _client(w["therapist"])
    assert therapist.get(f"/episodes/{w.episode.pk}/").status_code == 200  # under a role
    do_remove_role(
        ClinicRole.objects.get(user=w["therapist"], role=Role.THERAPIST), acting_user=w["manager"]
    )
    response = therapist.get("/caseload/")
    assert response.status_code == 403
    assert NO_ROLE in response.content.decode()
