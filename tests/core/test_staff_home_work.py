"""Each staff role's home shows its own work (decision 0157): the intake queue's counts
for those who triage; the caseload for those who take one. Before, an intake
coordinator's and a researcher's home said "No patients are assigned to you" and nothing
of the queue."""

from __future__ import annotations

import uuid

from django.urls import reverse

from tessera.intake.actions.messages import do_write_to_clinic
from tessera.intake.models import Application
from tests.intake.intake_helpers import PHQ_RISK, make_application
from tests.staff_home import read_home


def test_the_intake_coordinators_home_counts_the_queue(world, login):
    page, _ = read_home(login, world["intake"])
    assert "0 applications wait for a decision" in page
    assert "Your caseload" not in page and "No patients are assigned to you" not in page
    make_application(world.clinic, "ada@example.test")
    urgent = make_application(world.clinic, "bo@example.test", phq=PHQ_RISK)
    Application.objects.filter(pk=urgent.pk).update(urgent=True)
    make_application(world.clinic, "cy@example.test", submit=False)  # a draft: not counted
    page, queries = read_home(login, world["intake"])
    assert "2 applications wait for a decision" in page
    assert f'href="{reverse("intake_queue")}?urgent=on">1 urgent</a>' in page
    assert "nobody has read" not in page
    do_write_to_clinic(
        urgent, acting_user=urgent.applicant, body="Can I call?", submission_key=uuid.uuid4()
    )
    page, _ = read_home(login, world["intake"])
    assert "1 with a message from the applicant nobody has read" in page
    # The same queries for two applications as for ten.
    for n in range(8):
        make_application(world.clinic, f"more{n}@example.test")
    page, more = read_home(login, world["intake"])
    assert "10 applications wait for a decision" in page
    assert more == queries


def test_who_takes_no_caseload_is_not_told_of_one(world, login):
    for role in ("researcher", "author", "intake"):
        page, _ = read_home(login, world[role])
        assert "Your caseload" not in page, role
    # A therapist with no patients yet is told so; a therapist's home has no intake part.
    page, _ = read_home(login, world["therapist"])
    assert "Your caseload" in page
    assert "wait for a decision" not in page
