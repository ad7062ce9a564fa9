"""The demo's running trial: every research page shows something, and its export opens
with the codebook's types."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tessera.core.models import User
from tessera.research import actions
from tessera.research.models import Study
from tests.conftest import sign_in


@pytest.fixture
def demo(seeded_demo):
    return Study.objects.get(key="calm")


def _as(email):
    client = Client()
    sign_in(client, User.objects.get(email=email))
    return client


def test_the_demo_trial_is_running_with_participants_at_every_stage(demo):
    stages = sorted(p.stage for p in demo.participants.all())
    assert stages == ["excluded", "invited", "invited", "randomised"]
    client = _as("researcher@demo.tessera.test")
    for name in ["study_detail", "study_participants", "study_consort", "study_export"]:
        response = client.get(reverse(name, args=[demo.pk]))
        assert response.status_code == 200, name
    consort = client.get(reverse("study_consort", args=[demo.pk])).content.decode()
    assert "n = 4" in consort and "n = 1" in consort
    patient = _as("patient@demo.tessera.test")
    page = patient.get(reverse("my_studies")).content.decode()
    assert "CALM" in page and "I consent to take part" in page


def test_the_demo_blinded_assessor_sees_measures_not_arms(demo):
    client = _as("blinded.assessor@demo.tessera.test")
    randomised = demo.participants.get(randomised_at__isnull=False)
    page = client.get(reverse("participant_detail", args=[randomised.pk])).content.decode()
    assert "PHQ-9" in page and "GAD-7" in page
    assert "Guided weekly" not in page and "Guided on demand" not in page


def test_seeding_twice_changes_nothing(demo, settings):
    printed = io.StringIO()
    call_command("seed_demo", stdout=printed)
    assert Study.objects.count() == 1 and demo.participants.count() == 4
    # The logins printed say which researcher is which in the trial (decision 0157);
    # before, "Researcher (Riverside Internet Psychiatry)" three times.
    lines = {line.split()[0]: line for line in printed.getvalue().splitlines() if "@" in line}
    assert lines["researcher@demo.tessera.test"].endswith("; investigator of the CALM trial")
    assert lines["research.coordinator@demo.tessera.test"].endswith(
        "; research coordinator of the CALM trial"
    )
    assert lines["blinded.assessor@demo.tessera.test"].endswith(
        "; blinded outcome assessor of the CALM trial"
    )


def test_the_demo_export_opens_in_pandas_with_the_codebooks_types(demo):
    pd = pytest.importorskip("pandas")
    investigator = User.objects.get(email="researcher@demo.tessera.test")
    archive = zipfile.ZipFile(io.BytesIO(actions.do_export(demo, acting_user=investigator)))
    book = pd.read_csv(archive.open("codebook.csv"))
    dtypes = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}
    for name in ["participants.csv", "scores_long.csv", "scores_wide.csv", "allocation_log.csv"]:
        types = book[book.file == name].set_index("variable").type.map(dtypes).to_dict()
        frame = pd.read_csv(archive.open(name), dtype=types)
        assert list(frame.columns) == list(types)
        for column, kind in types.items():
            assert str(frame[column].dtype) == kind, (name, column)


def test_two_applicants_answered_about_the_study_when_applying(demo):
    from tessera.research.models import ApplicationAnswer

    answers = {
        a.application.applicant.email.split("@")[0]: a.answer
        for a in ApplicationAnswer.objects.filter(study=demo).select_related(
            "application__applicant"
        )
    }
    assert answers == {"applicant2": "consented", "applicant4": "declined"}


def test_a_research_measure_that_expired_unanswered_is_missed_not_overdue_for_ever(demo):
    """The participant page says of each questionnaire not answered what it is now: one
    past its expiry can no longer be filled in ("expired"), one withdrawn "cancelled",
    only one still open after its day "overdue" (as the worklists, issue 16)."""
    import datetime as dt

    from django.utils import timezone

    from tessera.research.models import ResearchMeasure

    randomised = demo.participants.get(randomised_at__isnull=False)
    rows = list(
        ResearchMeasure.objects.filter(participant=randomised, due__isnull=False)
        .select_related("due", "measure")
        .order_by("measure__days_after_randomisation")
    )
    assert len(rows) == 2
    now = timezone.now()
    opened = now - dt.timedelta(days=40)

    def set_due(rm, **values):
        values = {"completed_at": None, "cancelled": False, "opens_at": opened, **values}
        type(rm.due).objects.filter(pk=rm.due.pk).update(**values)

    def states():
        page = _as("blinded.assessor@demo.tessera.test").get(
            reverse("participant_detail", args=[randomised.pk])
        )
        assert page.status_code == 200
        rows = page.content.decode().split("<tr>")[1:]
        cells = [row.split("</td>")[3] for row in rows if row.count("</td>") >= 5]
        return [cell.rsplit(">", 1)[-1] for cell in cells]

    set_due(rows[0], due_at=now - dt.timedelta(days=30), expires_at=now - dt.timedelta(days=2))
    set_due(rows[1], due_at=now - dt.timedelta(days=3), expires_at=now + dt.timedelta(days=4))
    assert states() == ["expired", "overdue"]
    set_due(
        rows[1],
        due_at=now - dt.timedelta(days=3),
        expires_at=now + dt.timedelta(days=4),
        cancelled=True,
    )
    assert states() == ["expired", "cancelled"]


def test_the_printed_logins_say_each_researchers_role_in_the_trial(demo):
    """The three researchers hold the same clinic role; the logins `make demo` prints say
    which of them is the investigator, the coordinator and the blinded assessor, as the
    trial has them (before: "Researcher (Riverside Internet Psychiatry)" three times)."""
    from tessera.core.roles import StudyRole
    from tessera.portal import demo as portal_demo

    said = {
        "investigator": StudyRole.INVESTIGATOR,
        "research coordinator": StudyRole.COORDINATOR,
        "blinded outcome assessor": StudyRole.BLINDED_ASSESSOR,
    }
    for local, words in portal_demo.STUDY_ROLES.items():
        (role,) = [role for text, role in said.items() if f"; {text} of" in words]
        email = f"{local}@demo.tessera.test"
        assert demo.members.filter(user__email=email, role=role).exists(), (local, role)
