"""A form refused by a view that answers by going back to its page with a line (a letter
that cannot be written, a study's protocol form, a participant's deviation) dropped what
was typed: the page was drawn anew, empty. Found sending these forms at their edges
(no recipient for the letter, a value the form refuses, a text over its length). Now the
answer carries the cookie that has idle.js put back what was typed into that form on
the page (as after a sign-out or a stale token); a form that was saved does not."""

from __future__ import annotations

import uuid

from django.urls import reverse

from tessera.core.middleware import IDLE_RESTORE_COOKIE
from tessera.letters.models import Letter
from tessera.research.models import ConsentVersion, Deviation
from tests.gp_letters import agree_to_gp_letters
from tests.research.fixtures import build_study, new_participant

NOTE = "She asked us to mention the sleep diary she keeps, and the new medication"


def _restores(response) -> bool:
    cookie = response.cookies.get(IDLE_RESTORE_COOKIE)
    return cookie is not None and cookie.value == "refused"


def test_a_letter_that_cannot_be_written_keeps_the_note(world, login):
    client = login(world["therapist"])
    url = reverse("letter_write", args=[world.episode.pk])
    body = {"kind": "started", "language": "en", "letter_note": NOTE}
    refused = client.post(url, body)  # no GP to write to yet
    assert refused.status_code == 302 and _restores(refused)
    assert not Letter.objects.exists()
    agree_to_gp_letters(world)
    written = client.post(url, body)
    assert Letter.objects.count() == 1 and not _restores(written)


def test_a_refused_protocol_form_keeps_its_text(world, login):
    ns = build_study(world)
    client = login(ns.investigator)
    url = reverse("study_consent_publish", args=[ns.study.pk])
    before = ConsentVersion.objects.count()
    refused = client.post(url, {"language": "xx", "text": NOTE})
    assert refused.status_code == 302 and _restores(refused)
    published = client.post(url, {"language": "en", "text": NOTE})
    assert ConsentVersion.objects.count() == before + 1 and not _restores(published)
    again = client.post(url, {"language": "en", "text": NOTE})  # the action refuses it
    assert _restores(again)


def test_a_refused_deviation_keeps_its_text(world, login):
    ns = build_study(world)
    participant = new_participant(world, 1)
    client = login(ns.coordinator)
    url = reverse("participant_deviation", args=[participant.pk])
    refused = client.post(url, {"dv-description": NOTE * 10})
    assert refused.status_code == 302 and _restores(refused)
    recorded = client.post(url, {"dv-description": NOTE})
    assert Deviation.objects.count() == 1 and not _restores(recorded)


def test_a_refused_message_between_applicant_and_clinic_keeps_its_text(world, login):
    """Over the length allowed it was also told "Write your message.", which it was."""
    from tessera.intake.models import ApplicationMessage
    from tests.intake.intake_helpers import make_application

    application = make_application(world.clinic, "ada@apply.test")
    applicant = login(application.applicant)
    url = reverse("intake_write_to_clinic", args=[application.pk])
    refused = applicant.post(url, {"body": NOTE * 60, "submission_key": str(uuid.uuid4())})
    assert refused.status_code == 302 and _restores(refused)
    page = applicant.get(refused["Location"])
    said = " ".join(str(m) for m in page.context["messages"])
    assert "at most 4000 characters" in said and "Write your message." not in said
    staff = login(world["intake"])
    url = reverse("intake_answer_applicant", args=[application.pk])
    assert _restores(staff.post(url, {"body": NOTE * 60, "submission_key": str(uuid.uuid4())}))
    sent = staff.post(url, {"body": NOTE, "submission_key": str(uuid.uuid4())})
    assert ApplicationMessage.objects.count() == 1 and not _restores(sent)
