"""An unguided patient starts at once (issue 14): unguided care waits for no therapist's
place, so acceptance starts the course and the first module is open the same day."""

from __future__ import annotations

from django.urls import reverse

from tessera.core.models import Episode
from tessera.intake.actions import decisions as decision_actions
from tessera.intake.models import Status
from tessera.treatment import plans
from tests.conftest import sign_in
from tests.intake.assessment_helpers import assess_kwargs, published_version
from tests.intake.intake_helpers import make_application


def test_an_unguided_acceptance_starts_at_once_with_the_first_module_open(world, client):
    world.clinic.offers_unguided = True
    world.clinic.save()
    version = published_version(world)
    application = make_application(world.clinic, "self@apply.test")
    decision_actions.do_assess(
        application,
        acting_user=world["assessor"],
        programme_version=version,
        **assess_kwargs(decision="wait", care_model="unguided"),
    )
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED and application.started_at is not None
    episode = application.episode
    assert episode.status == Episode.Status.ACTIVE and episode.therapist_id is None
    first = plans.next_step(plans.episode_states(episode))
    assert first is not None and first.is_open
    sign_in(client, application.applicant)
    home = client.get(reverse("home")).content.decode()
    assert reverse("module_reader", args=[first.entry.pk]) in home


def test_guided_care_still_waits_for_a_place(world):
    version = published_version(world)
    application = make_application(world.clinic, "wait@apply.test")
    decision_actions.do_assess(
        application,
        acting_user=world["assessor"],
        programme_version=version,
        therapist=world["therapist"],
        **assess_kwargs(decision="wait"),
    )
    application.refresh_from_db()
    assert application.status == Status.WAITING_LIST and application.started_at is None
