"""A declined applicant is not invited to a study at the clinic that declined them
(decision 0135).

The status page of an application the clinic had declined, referred elsewhere or found
to copy another went on saying "The clinic is running a research study you may be able
to join", and the applicant could consent: an answer never carried over (no course comes
of the application) under words promising "your application and your care go on exactly
the same". Such an application is now offered no study, and an answer sent from a page
drawn before the decision is refused in words."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tessera.intake.models import Application
from tessera.research.models import ApplicationAnswer
from tests.conftest import sign_in
from tests.intake.intake_helpers import make_application
from tests.research import fixtures  # noqa: F401  (the shared study is built there)


@pytest.mark.parametrize("status", ["declined", "redirected", "duplicate"])
def test_an_application_that_leads_to_no_course_is_offered_no_study(world, study, client, status):
    application = make_application(world.clinic, f"{status}@apply.test")
    sign_in(client, application.applicant)
    studies = reverse("application_studies", args=[application.pk])
    assert studies in client.get(reverse("intake_status", args=[application.pk])).content.decode()
    Application.objects.filter(pk=application.pk).update(status=status)
    assert (
        studies not in client.get(reverse("intake_status", args=[application.pk])).content.decode()
    )
    assert "CALM trial" not in client.get(studies).content.decode()
    # The study page drawn before the decision, its consent sent after it.
    url = reverse("application_study_consent", args=[application.pk, study.study.pk])
    said = client.post(url, {"consent": study.consent_en.pk}, follow=True)
    words = " ".join(str(m) for m in said.context["messages"])
    assert "did not lead to a course at this clinic" in words
    assert not ApplicationAnswer.objects.filter(application=application).exists()
