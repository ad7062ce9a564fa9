"""Content in another language than the page is marked with ``lang`` (WCAG 3.1.2):
module and programme titles (library, caseload, overview, patient home, progress), the
measures' English source notes and the instruments' English licence texts. Stop 27
found them unmarked on Swedish pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tessera.core.models import Patient
from tests.plan_fixtures import build_plan

SV = {"HTTP_ACCEPT_LANGUAGE": "sv"}


@pytest.fixture
def swedish(world):
    Patient.objects.filter(pk=world.patient.pk).update(preferred_language="sv")
    plan = build_plan(world)
    plan.entry.completed_at = timezone.now()
    plan.entry.save(update_fields=["completed_at"])
    return plan


def _page(client, url) -> str:
    response = client.get(url, **SV)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert '<html lang="sv"' in html, url
    return html


def test_programme_and_module_titles_carry_their_language(world, login, swedish):
    therapist = login(world["therapist"])
    library = _page(therapist, reverse("library_index"))
    assert 'lang="en">Depression</a>' in library
    caseload = _page(therapist, reverse("caseload"))
    assert '<span lang="en">Depression</span>' in caseload
    overview = _page(therapist, reverse("episode_overview", args=[world.episode.pk]))
    assert '<span lang="en">Depression</span>' in overview
    assert '<span lang="en">Activity and mood</span>' in overview  # the plan section
    patient = login(world.patient.user)
    progress = _page(patient, reverse("my_progress"))
    assert '<span lang="en">Activity and mood</span>' in progress
    home = _page(patient, reverse("home"))
    assert '<span lang="en">Values</span>' in home  # the next module
    # On an English page nothing is marked.
    english = therapist.get(reverse("caseload"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span lang="en">' not in english


def test_english_licence_texts_and_source_notes_carry_their_language(world, login):
    manager = login(world["manager"])
    instruments = _page(manager, reverse("clinic_instruments", args=[world.clinic.slug]))
    assert instruments.count('<span lang="en">') >= 1
    measures = _page(manager, reverse("clinic_measures", args=[world.clinic.slug]))
    assert measures.count('<span lang="en">') >= 1


def test_a_programmes_page_a_plan_and_a_practice_worksheet_mark_their_content(
    world, login, swedish
):
    """The sweep of every role's pages in every language (this session's report) found
    these unmarked on Swedish pages."""
    from tessera.feedback.actions import do_create_training_patient

    therapist = login(world["therapist"])
    programme = _page(
        therapist, reverse("library_programme", args=[swedish.depression.programme_id])
    )
    assert '<h1 lang="en">Depression</h1>' in programme
    assert 'lang="en">Activity and mood</a>' in programme  # its modules
    plan = _page(therapist, reverse("plan", args=[world.patient.pk]))
    assert '<span lang="en">Depression</span>' in plan
    episode = do_create_training_patient(
        world["therapist"], world.clinic, acting_user=world["therapist"]
    )
    sheet = episode.practice_worksheets.order_by("position").first()
    practice = _page(therapist, reverse("feedback_practice_worksheet", args=[sheet.pk]))
    assert '<span lang="en">Activity diary</span>' in practice
    assert '<dl class="worksheet-answers" lang="en">' in practice
