"""The same form sent twice (a double click, or back and send again): one record, and the
second answer says what happened to the first. Found walking the referral form, the
concern form and the letters page at their edges (decision 0067): each made a second
application (and a second invitation e-mail to the person), a second risk alert (and a
second page to whoever is on call), a second letter.

A form carries a ``submission_key`` (a hidden UUID made when the page is drawn); the
action given a key it has already seen returns the record the key made. A form without
one (a page drawn before the key existed) is taken as before."""

from __future__ import annotations

import datetime as dt
import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tessera.appointments.models import Appointment
from tessera.core.models import CrisisContact, Episode
from tessera.feedback.models import FeedbackTemplate
from tessera.inbox.models import ClinicalNote
from tessera.intake.models import Application, AssessmentBooking, TriageAction
from tessera.letters.models import Letter
from tessera.research.models import Deviation
from tessera.safety.models import RiskAlert
from tests.fhir.test_bulk_export_parts import flushable  # noqa: F401 - a fixture
from tests.gp_letters import agree_to_gp_letters
from tests.intake.test_intake_referral_pages import _form as referral_form


def _key_in(page: str) -> str:
    marker = 'name="submission_key" value="'
    if marker not in page:
        marker = '-submission_key" value="'
    start = page.index(marker) + len(marker)
    return page[start : start + 36]


def test_a_referral_sent_twice_makes_one_application(world, client, mailoutbox):
    url = reverse("intake_refer", args=["alpha"])
    key = _key_in(client.get(url).content.decode())
    first = client.post(url, referral_form(**{"referrer-submission_key": key}))
    assert first.status_code == 302
    again = client.post(url, referral_form(**{"referrer-submission_key": key}))
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Application.objects.filter(clinic=world.clinic, email="gus@person.test").count() == 1
    receipt = client.get(again["Location"]).content.decode()
    application = Application.objects.get(email="gus@person.test")
    assert application.reference in receipt
    invitations = [m for m in mailoutbox if "gus@person.test" in m.to]
    assert len(invitations) <= 1


def test_a_referral_key_from_another_browser_does_not_show_its_receipt(world, client):
    """A key is not a way in: another browser sending a key already used gets its own
    answer (a new referral), never the first referral's reference."""
    from django.test import Client

    url = reverse("intake_refer", args=["alpha"])
    key = str(uuid.uuid4())
    client.post(url, referral_form(**{"referrer-submission_key": key}))
    first = Application.objects.get(email="gus@person.test").reference
    other = Client()
    response = other.post(url, referral_form(**{"referrer-submission_key": key}))
    if response.status_code == 302:
        assert first not in other.get(response["Location"]).content.decode()


@pytest.fixture
def therapist_client(world, client, login):
    return login(world["therapist"])


def test_a_concern_sent_twice_raises_one_alert(world, therapist_client):
    url = reverse("raise_concern", args=[world.episode.pk])
    key = _key_in(therapist_client.get(url).content.decode())
    before = RiskAlert.objects.count()
    data = {"concern": "Said he has a plan.", "severity": "high", "submission_key": key}
    first = therapist_client.post(url, data)
    again = therapist_client.post(url, data)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert RiskAlert.objects.count() == before + 1
    page = therapist_client.get(again["Location"]).content.decode()
    assert "already" in page


def test_another_users_concern_key_is_not_theirs(world, login):
    url = reverse("raise_concern", args=[world.episode.pk])
    key = str(uuid.uuid4())
    data = {"concern": "Said he has a plan.", "severity": "high", "submission_key": key}
    assert login(world["therapist"]).post(url, data).status_code == 302
    response = login(world["manager"]).post(url, data)
    assert response.status_code < 500
    assert RiskAlert.objects.filter(raised_by=world["manager"]).count() <= 1


def test_a_letter_written_twice_is_one_letter(world, therapist_client):
    agree_to_gp_letters(world)
    page = therapist_client.get(reverse("episode_letters", args=[world.episode.pk]))
    key = _key_in(page.content.decode())
    url = reverse("letter_write", args=[world.episode.pk])
    data = {"kind": "started", "language": "en", "submission_key": key}
    first = therapist_client.post(url, data)
    again = therapist_client.post(url, data)
    assert first["Location"] == again["Location"]
    assert Letter.objects.count() == 1
    page = therapist_client.get(again["Location"]).content.decode()
    assert "already" in page


def test_a_concern_sent_again_from_a_fresh_form_after_back_raises_one_alert(
    world, therapist_client
):
    """Back draws the form anew (a new key): the same concern from the same person in
    the last minutes is the same alert."""
    url = reverse("raise_concern", args=[world.episode.pk])
    before = RiskAlert.objects.count()
    data = {"concern": "Said he has a plan.", "severity": "high"}
    first = therapist_client.post(url, data | {"submission_key": str(uuid.uuid4())})
    again = therapist_client.post(url, data | {"submission_key": str(uuid.uuid4())})
    assert again["Location"] == first["Location"]
    assert RiskAlert.objects.count() == before + 1
    other = therapist_client.post(url, data | {"concern": "Another worry."})
    assert other["Location"] != first["Location"]
    assert RiskAlert.objects.count() == before + 2


def test_a_referral_sent_again_from_a_fresh_form_is_one_application(world, client):
    url = reverse("intake_refer", args=["alpha"])
    first = client.post(url, referral_form(**{"referrer-submission_key": str(uuid.uuid4())}))
    again = client.post(url, referral_form(**{"referrer-submission_key": str(uuid.uuid4())}))
    assert first.status_code == again.status_code == 302
    assert Application.objects.filter(email="gus@person.test").count() == 1


# --- every form that makes a record (decision 0070) --------------------------------------
#
# Each case: who sends it, the page that draws the form, where it is sent, the form body
# (its key field's name, then the fields), and the rows it makes. Sent twice with the same
# key (a double click, a retry after a timeout), and again from a fresh page (back and
# send again): one row, no second notification, and the page says so.


@dataclass
class Form:
    who: str
    page: Callable
    url: Callable
    key_field: str
    body: Callable
    rows: Callable
    other: dict  # a change of content that is a new record


def _application(world):
    from tests.intake.intake_helpers import make_application

    return make_application(world.clinic, "twice@apply.test")


def _later() -> str:
    return (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%d 10:00")


FORMS = {
    "session booking": Form(
        "therapist",
        lambda w, t: reverse("episode_sessions", args=[w.episode.pk]),
        lambda w, t: reverse("episode_sessions", args=[w.episode.pk]),
        "submission_key",
        lambda w: {
            "kind": "phone",
            "therapist": w["therapist"].pk,
            "starts_at": _later().replace(" ", "T"),
            "minutes": 45,
        },
        lambda w, t: Appointment.objects.filter(episode=w.episode),
        {"minutes": 30, "starts_at": _later().replace(" 10:", "T11:")},
    ),
    "asking an applicant for information": Form(
        "intake",
        lambda w, t: reverse("intake_application", args=[t.pk]),
        lambda w, t: reverse("intake_application_action", args=[t.pk, "ask_info"]),
        "ask-submission_key",
        lambda w: {"ask-message": "Which medicines do you take?"},
        lambda w, t: TriageAction.objects.filter(application=t, kind="ask_info"),
        {"ask-message": "And since when?"},
    ),
    "booking an assessment": Form(
        "intake",
        lambda w, t: reverse("intake_application", args=[t.pk]),
        lambda w, t: reverse("intake_application_action", args=[t.pk, "book"]),
        "book-submission_key",
        lambda w: {
            "book-mode": "phone",
            "book-starts_at": _later(),
            "book-assessor": w["assessor"].pk,
        },
        lambda w, t: AssessmentBooking.objects.filter(application=t),
        {"book-starts_at": _later().replace(" 10:", " 11:")},
    ),
    "clinical note": Form(
        "therapist",
        lambda w, t: reverse("episode_overview", kwargs={"episode_id": w.episode.pk}),
        lambda w, t: reverse("clinical_note_add", kwargs={"episode_id": w.episode.pk}),
        "submission_key",
        lambda w: {"text": "Phoned; she is doing better."},
        lambda w, t: ClinicalNote.objects.filter(episode=w.episode),
        {"text": "Phoned again."},
    ),
    "crisis contact": Form(
        "manager",
        lambda w, t: reverse("clinic_crisis_contacts", args=["alpha"]),
        lambda w, t: reverse("clinic_crisis_contacts", args=["alpha"]),
        "",  # no key: the same line on the list is the same contact
        lambda w: {"language": "sv", "label": "Självmordslinjen", "phone": "90101"},
        lambda w, t: CrisisContact.objects.filter(clinic=w.clinic),
        {"label": "Jourhavande präst", "phone": "112"},
    ),
    "feedback template": Form(
        "therapist",
        lambda w, t: reverse("feedback_template_new"),
        lambda w, t: reverse("feedback_template_new"),
        "",  # no key: two alike templates are of no use
        lambda w: {"title": "Thanks", "language": "en", "body": "Hi {name}, thanks."},
        lambda w, t: FeedbackTemplate.objects.filter(owner=w["therapist"]),
        {"title": "Thanks again"},
    ),
    "practice patient": Form(
        "therapist",
        lambda w, t: reverse("feedback_practice"),
        lambda w, t: reverse("feedback_practice_start"),
        "",  # no key: the practice patient just made is the one
        lambda w: {"language": "en"},
        lambda w, t: Episode.objects.filter(therapist=w["therapist"], patient__is_training=True),
        {"language": "sv"},
    ),
    "research deviation": Form(
        "coordinator",
        lambda w, t: reverse("participant_detail", args=[t.pk]),
        lambda w, t: reverse("participant_deviation", args=[t.pk]),
        "",  # no key: the same deviation by the same person within minutes
        lambda w: {"dv-description": "Asked for consent twice."},
        lambda w, t: Deviation.objects.filter(participant=t),
        {"dv-description": "Sent the wrong questionnaire."},
    ),
}


def _target(world, name):
    if name == "research deviation":
        from tests.research.fixtures import build_study, new_participant

        build_study(world)
        return new_participant(world, 1)
    return _application(world) if "applicant" in name or "assessment" in name else None


def _who(world, kind):
    research = getattr(world, "research", None)
    return getattr(research, kind) if kind not in world.users else world[kind]


def _told():
    from tessera.notifications.models import Notification

    return Notification.objects.count()


@pytest.mark.parametrize("name", FORMS)
def test_a_form_sent_twice_makes_one_record(name, world, login, django_capture_on_commit_callbacks):
    form = FORMS[name]
    target = _target(world, name)
    client = login(_who(world, form.who))
    rows = form.rows(world, target)
    before = rows.count()
    page = client.get(form.page(world, target)).content.decode()
    body = form.body(world)
    if form.key_field:
        body[form.key_field] = _key_in(page)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(form.url(world, target), body)
    assert first.status_code == 302, name
    assert rows.count() == before + 1
    told = _told()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(form.url(world, target), body)  # a double click, a retry
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert rows.count() == before + 1 and _told() == told
    assert "already" in client.get(again["Location"]).content.decode()
    if form.key_field:  # back, and send again from the page drawn anew
        body[form.key_field] = _key_in(client.get(form.page(world, target)).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(form.url(world, target), body).status_code == 302
    assert rows.count() == before + 1 and _told() == told
    # Something else sent with the same form is a new record.
    if form.key_field:
        body[form.key_field] = str(uuid.uuid4())
    assert client.post(form.url(world, target), body | form.other).status_code == 302
    assert rows.count() == before + 2


@pytest.mark.parametrize("name", [n for n, f in FORMS.items() if f.key_field])
def test_a_key_sent_by_someone_else_is_refused(name, world, login):
    form = FORMS[name]
    target = _target(world, name)
    body = form.body(world) | {form.key_field: str(uuid.uuid4())}
    assert login(_who(world, form.who)).post(form.url(world, target), body).status_code == 302
    rows = form.rows(world, target)
    before = rows.count()
    other = login(world["manager"]).post(form.url(world, target), body)
    assert other.status_code < 500
    assert rows.count() <= before + 1


def test_a_repeated_referral_does_not_use_up_the_allowance(world, client, settings):
    """The rate limit counts referrals, not the same referral sent again (decision 0070):
    a browser at its last allowed referral still gets its receipt back on a repeat."""
    settings.TESSERA_RATE_LIMITS = {**settings.TESSERA_RATE_LIMITS, "referral_form": "2/h"}
    url = reverse("intake_refer", args=["alpha"])
    key = str(uuid.uuid4())
    first = client.post(url, referral_form(**{"referrer-submission_key": key}))
    # Back and send again: a fresh key, the same referral. Not counted either.
    again = referral_form(**{"referrer-submission_key": str(uuid.uuid4())})
    assert client.post(url, again)["Location"] == first["Location"]
    for _ in range(3):  # three repeats: none counted
        assert (
            client.post(url, referral_form(**{"referrer-submission_key": key}))["Location"]
            == first["Location"]
        )
    other = referral_form(**{"referrer-submission_key": str(uuid.uuid4())})
    other["referrer-reason"] = "Another person, another reason."
    other["patient-email"] = "ida@person.test"
    assert client.post(url, other).status_code == 302  # the second of two
    third = referral_form(**{"referrer-submission_key": str(uuid.uuid4())})
    third["referrer-reason"] = "A third person."
    third["patient-email"] = "jon@person.test"
    assert client.post(url, third).status_code == 429  # the limit still holds


# --- two at the same instant, fresh keys, on PostgreSQL (decision 0070) -------------------


def _raise(w, key):
    from tessera.safety import actions

    return actions.do_raise_concern(
        w.episode,
        acting_user=w["therapist"],
        concern="A plan.",
        severity="high",
        submission_key=key,
    )


def _note(w, key):
    from tessera.inbox import actions

    return actions.do_add_clinical_note(
        w.episode, acting_user=w["therapist"], text="Phoned.", submission_key=key
    )


def _book(w, key):
    from tessera.appointments import actions

    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    return actions.do_book_appointment(
        w.episode,
        acting_user=w["therapist"],
        therapist=w["therapist"],
        kind="phone",
        starts_at=starts.replace(minute=0, second=0),
        submission_key=key,
    )


def _ask(w, key):
    from tessera.intake import actions

    return actions.do_ask_for_information(
        w.application, acting_user=w["intake"], message="Which medicines?", submission_key=key
    )


def _contact(w, key):
    from tessera.core import actions

    return actions.do_add_crisis_contact(
        w.clinic, acting_user=w["manager"], language="sv", label="Linjen", phone="90101"
    )


def _help(w, key):
    from tessera.automation.actions import do_ask_for_help

    return do_ask_for_help(w.episode, acting_user=w.patient.user, text="Please call me.")


AT_ONCE = {
    "concern": (_raise, lambda w: RiskAlert.objects.filter(concern="A plan.")),
    "a patient's call for help": (
        _help,
        lambda w: RiskAlert.objects.filter(source="help", concern="Please call me."),
    ),
    "clinical note": (_note, lambda w: ClinicalNote.objects.filter(text="Phoned.")),
    "session booking": (_book, lambda w: Appointment.objects.filter(episode=w.episode)),
    "asking for information": (
        _ask,
        lambda w: TriageAction.objects.filter(application=w.application, kind="ask_info"),
    ),
    "crisis contact": (_contact, lambda w: CrisisContact.objects.filter(label="Linjen")),
}


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="two requests at once need PostgreSQL (SQLite serialises writers: IMMEDIATE)",
)
@pytest.mark.usefixtures("flushable")
@pytest.mark.parametrize("name", AT_ONCE)
def test_the_same_form_sent_at_the_same_instant_with_fresh_keys_makes_one(name):
    from tessera.core import submissions
    from tests.conftest import build_world
    from tests.intake.intake_helpers import make_application

    world = build_world()
    world.application = make_application(world.clinic, "at-once@apply.test")
    send, rows = AT_ONCE[name]
    together = threading.Barrier(2, timeout=30)
    real = submissions.serialise
    made, errors = [], []

    def meet_then_lock(lock):  # both requests reach the check together
        together.wait()
        real(lock)

    def request():
        try:
            made.append(send(world, uuid.uuid4()))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    submissions.serialise = meet_then_lock
    try:
        threads = [threading.Thread(target=request) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        submissions.serialise = real
    assert errors == []
    assert rows(world).count() == 1
    assert len({row.pk for row in made}) == 1
    assert sorted(bool(getattr(row, "sent_before", False)) for row in made) == [False, True]


# Forms refused by a check before they write (decision 0070's "refused with a message"):
# a second request at the same instant passes the check before the first commits, and
# meets the first's row at the insert. It gets the check's message, not an error page.
# The race is made here by letting the check miss once, as it would have.


def _check_misses_once(monkeypatch, model):
    from django.db.models import QuerySet

    exists, first = QuerySet.exists, QuerySet.first
    missed = []

    def miss(method):
        def patched(self):
            if self.model is model and not missed:
                missed.append(True)
                return None if method is first else False
            return method(self)

        return patched

    monkeypatch.setattr(QuerySet, "exists", miss(exists))
    monkeypatch.setattr(QuerySet, "first", miss(first))
    return missed


def test_a_study_named_twice_at_the_same_instant_is_refused_with_the_message(world, monkeypatch):
    from django.core.exceptions import ValidationError

    from tessera.research import actions as research_actions
    from tessera.research.models import Study

    def start():
        return research_actions.do_create_study(
            acting_user=world["researcher"], key="twice", title="Twice", clinics=[world.clinic]
        )

    start()
    missed = _check_misses_once(monkeypatch, Study)
    with pytest.raises(ValidationError) as refused:
        start()
    assert missed, "the check was not the one made to miss"
    assert "Another study has this short name." in str(refused.value)
    assert Study.objects.filter(key="twice").count() == 1


@pytest.mark.parametrize("missed_model", ["user", "role"])
def test_a_staff_invitation_sent_twice_at_the_same_instant_is_refused_with_the_message(
    world, monkeypatch, missed_model
):
    from django.core.exceptions import ValidationError

    from tessera.core.actions import do_invite_staff
    from tessera.core.models import ClinicRole, User
    from tessera.core.roles import Role

    def invite():
        return do_invite_staff(
            world.clinic,
            acting_user=world["manager"],
            email="new.one@alpha.test",
            role=Role.THERAPIST,
        )

    invite()
    missed = _check_misses_once(monkeypatch, User if missed_model == "user" else ClinicRole)
    with pytest.raises(ValidationError) as refused:
        invite()
    assert missed, "the check was not the one made to miss"
    assert "already has that role" in str(refused.value) or "already exists" in str(refused.value)
    assert User.objects.filter(email="new.one@alpha.test").count() == 1
    assert ClinicRole.objects.filter(user__email="new.one@alpha.test").count() == 1
