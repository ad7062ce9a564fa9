"""The study page gives its eligibility rules and the reader's study role in words, as
the matching rules are shown elsewhere (issues 19 and 20: readable labels, never codes
or a raw rule dictionary)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tessera.research import actions
from tests.conftest import sign_in


@pytest.fixture
def study(world):
    return actions.do_create_study(
        acting_user=world["researcher"],
        key="words",
        title="Study in words",
        clinics=[world.clinic],
        target_size=20,
        eligibility={"min_age": 18, "exclude": ["high_risk"], "diagnoses": ["F32"]},
    )


def test_the_study_page_says_its_rules_and_your_role_in_words(client, world, study):
    sign_in(client, world["researcher"])
    page = client.get(reverse("study_detail", args=[study.pk])).content.decode()
    assert "min_age" not in page and "high_risk" not in page and "{&#x27;" not in page
    assert "Age: 18 or older." in page
    assert "Working diagnosis among: F32" in page
    assert "Your role</dt><dd>Investigator</dd>" in page
