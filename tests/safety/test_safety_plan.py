"""The safety plan: written together, never overwritten, one tap from every page."""

import pytest

from tessera.core.models import AuditEvent
from tessera.safety.actions.plans import EditedMeanwhile, do_save_safety_plan
from tessera.safety.models import SAFETY_PLAN_KEYS, SafetyPlan
from tests.conftest import sign_in


def parts(**given):
    return {key: given.get(key, "") for key in SAFETY_PLAN_KEYS}


def form_data(version, **given):
    return {"based_on": str(version), **parts(**given)}


def test_each_save_is_a_revision_and_audited(world):
    plan = do_save_safety_plan(
        world.episode, acting_user=world["therapist"], parts=parts(coping="Walk"), based_on=0
    )
    plan = do_save_safety_plan(
        world.episode,
        acting_user=world.patient.user,
        parts=parts(coping="Walk, music"),
        based_on=1,
    )
    assert plan.version == 2
    assert [r.parts["coping"] for r in plan.revisions.all()] == ["Walk, music", "Walk"]
    events = AuditEvent.objects.filter(action="safety_plan.saved").order_by("id")
    assert [e.purpose for e in events] == ["care", "self"]


def test_a_save_from_an_old_version_overwrites_nothing(world):
    first = do_save_safety_plan(
        world.episode, acting_user=world["therapist"], parts=parts(people="Anna"), based_on=0
    )
    with pytest.raises(EditedMeanwhile):
        do_save_safety_plan(
            world.episode, acting_user=world.patient.user, parts=parts(people="Bo"), based_on=0
        )
    assert SafetyPlan.objects.get().parts["people"] == "Anna" == first.parts["people"]


def test_the_patient_writes_and_prints_their_plan(world, client):
    sign_in(client, world.patient.user)
    home = client.get("/")
    assert 'href="/me/safety-plan/"' in home.content.decode()
    assert client.get("/me/safety-plan/?edit=1").status_code == 200
    saved = client.post("/me/safety-plan/", form_data(0, warning_signs="I stop answering my phone"))
    assert saved.status_code == 302
    page = client.get("/me/safety-plan/").content.decode()
    assert "I stop answering my phone" in page
    printable = client.get("/me/safety-plan/?print=1").content.decode()
    assert "I stop answering my phone" in printable
    assert "112" in printable  # the clinic's crisis contacts are part of the plan


def test_a_stale_form_keeps_what_was_typed(world, client):
    do_save_safety_plan(
        world.episode, acting_user=world["therapist"], parts=parts(coping="Tea"), based_on=0
    )
    sign_in(client, world.patient.user)
    response = client.post("/me/safety-plan/", form_data(0, coping="Run"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Someone else saved the plan" in body
    assert "Run" in body and "Tea" in body


def test_a_plan_sent_after_the_treatment_ended_says_so_and_shows_what_was_written(world, client):
    """Found at the edges: the page was open while the clinic ended the treatment; Save
    answered the plan as it was, without a word, and the changes were gone."""
    from tessera.core.models import Episode

    sign_in(client, world.patient.user)
    Episode.objects.filter(pk=world.episode.pk).update(status=Episode.Status.ENDED)
    response = client.post("/me/safety-plan/", form_data(0, coping="Ring <Anna> & walk"))
    assert response.status_code == 409
    body = response.content.decode()
    assert "The treatment has ended, so the safety plan can no longer be changed." in body
    assert "Your changes were not saved." in body
    assert "Ring &lt;Anna&gt; &amp; walk" in body
    assert not SafetyPlan.objects.exists()


def test_the_therapist_opens_the_same_plan(world, client):
    do_save_safety_plan(
        world.episode,
        acting_user=world.patient.user,
        parts=parts(environment="Pills to Mum"),
        based_on=0,
    )
    sign_in(client, world["therapist"])
    page = client.get(f"/episodes/{world.episode.pk}/safety-plan/")
    assert "Pills to Mum" in page.content.decode()
    assert AuditEvent.objects.filter(
        action="safety_plan.viewed", actor=world["therapist"], patient=world.patient
    ).exists()


def test_staff_pages_have_no_safety_plan_link(world, client):
    sign_in(client, world["therapist"])
    assert "/me/safety-plan/" not in client.get("/").content.decode()
