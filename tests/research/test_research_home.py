"""A researcher's home lists their studies and what they are in each (decision 0157's
follow-up): before, it said only "Researcher — Riverside Internet Psychiatry", the same
for the investigator, the coordinator and the blinded assessor. The part comes from the
research app through the portal's contributions (siblings in the layers contract)."""

from __future__ import annotations

from django.urls import reverse

from tessera.core.models import User
from tessera.research.models import Study
from tests.staff_home import read_home


def test_each_researcher_sees_their_studies_and_their_role_in_each(seeded_demo, login):
    study = Study.objects.get(key="calm")
    link = f'<a href="{reverse("study_detail", args=[study.pk])}">{study.title}</a>'
    for email, role in (
        ("researcher@demo.tessera.test", "Investigator"),
        ("research.coordinator@demo.tessera.test", "Research coordinator"),
        ("blinded.assessor@demo.tessera.test", "Blinded outcome assessor"),
    ):
        page, _ = read_home(login, User.objects.get(email=email))
        assert "Your studies" in page, email
        assert f"{link} — {role} · " in page, (email, role)


def test_a_researcher_in_no_study_is_told_so_and_a_therapist_sees_no_studies(world, login):
    page, _ = read_home(login, world["researcher"])
    assert "Your studies" in page and "You hold no role in a study yet." in page
    page, _ = read_home(login, world["therapist"])
    assert "Your studies" not in page
