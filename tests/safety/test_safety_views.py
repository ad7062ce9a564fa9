"""The alert pages: ordering, audited reads, the resolve form's messages."""

import pytest

from tessera.core.models import AuditEvent
from tessera.safety import actions
from tessera.safety.models import RiskAlert
from tests.conftest import make_patient, sign_in


def concern(world, episode=None, severity="high", text="Worrying message"):
    return actions.do_raise_concern(
        episode or world.episode, acting_user=world["therapist"], concern=text, severity=severity
    )


def test_the_list_shows_open_high_alerts_first(world, client):
    moderate = concern(world, severity="moderate")
    high = concern(world, severity="high")
    # Another worry: the same words, severity and person within ten minutes are the
    # same concern sent again (decision 0067), not a third alert.
    resolved = concern(world, text="Missed two sessions")
    actions.do_resolve(resolved, acting_user=world["therapist"], action="phoned", note="ok")
    sign_in(client, world["therapist"])
    page = client.get("/alerts/")
    ids = [a.pk for a in page.context["page"]]
    assert ids == [high.pk, moderate.pk]
    everything = client.get("/alerts/?show=all")
    assert [a.pk for a in everything.context["page"]] == [high.pk, moderate.pk, resolved.pk]


def test_the_list_uses_constant_queries(world, client, django_assert_max_num_queries):
    sign_in(client, world["therapist"])
    concern(world)
    with django_assert_max_num_queries(13) as small:  # 12, and the sweep's last run
        client.get("/alerts/")
    for n in range(20):
        concern(world, text=f"note {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/alerts/")


def test_other_clinics_alerts_are_hidden(world, client):
    far_episode = world.far_patient.episodes.get()
    far = actions.do_raise_concern(
        far_episode, acting_user=world["other_therapist"], concern="x", severity="high"
    )
    sign_in(client, world["therapist"])
    assert client.get(f"/alerts/{far.pk}/").status_code == 404
    assert far not in client.get("/alerts/").context["page"]


def test_opening_an_alert_is_an_audited_read(world, client):
    alert = concern(world)
    sign_in(client, world["supervisor"])
    assert client.get(f"/alerts/{alert.pk}/").status_code == 200
    assert AuditEvent.objects.filter(
        action="risk_alert.viewed", actor=world["supervisor"], patient=world.patient
    ).exists()


def test_resolving_without_a_reason_keeps_the_alert_open_with_a_message(world, client):
    alert = concern(world)
    sign_in(client, world["therapist"])
    response = client.post(f"/alerts/{alert.pk}/resolve/", {"action": "none", "action_note": ""})
    assert response.status_code == 400
    assert "Say why no action was needed." in response.content.decode()
    alert.refresh_from_db()
    assert alert.resolved_at is None


def test_resolving_with_an_action_closes_it(world, client):
    alert = concern(world)
    sign_in(client, world["therapist"])
    response = client.post(
        f"/alerts/{alert.pk}/resolve/", {"action": "emergency", "action_note": "Sent to A&E"}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.action == "emergency" and alert.resolved_by == world["therapist"]


def test_raising_a_concern_from_the_form(world, client):
    sign_in(client, world["therapist"])
    bad = client.post(f"/episodes/{world.episode.pk}/concern/", {"severity": "high"})
    assert bad.status_code == 400
    good = client.post(
        f"/episodes/{world.episode.pk}/concern/",
        {"severity": "high", "concern": "Said on the phone she has a plan."},
    )
    alert = RiskAlert.objects.get()
    assert good["Location"] == f"/alerts/{alert.pk}/"


@pytest.mark.parametrize("kind", ["patient", "researcher", "author"])
def test_people_without_clinical_access_cannot_raise_one(world, client, kind):
    sign_in(client, world[kind])
    assert client.get(f"/episodes/{world.episode.pk}/concern/").status_code in (403, 404)


def test_a_second_patient_at_the_clinic_is_unaffected(world):
    patient, episode = make_patient(world.clinic, "third@alpha.test", therapist=world["therapist"])
    concern(world, episode=episode)
    assert RiskAlert.objects.filter(episode=world.episode).count() == 0


def test_the_alert_shows_the_phone_number_or_warns_that_there_is_none(world, client):
    """Issue 20: risk follow-up needs the means to act."""
    from tessera.core.models import Patient

    alert = concern(world)
    sign_in(client, world["therapist"])
    body = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert 'id="no-phone"' in body
    Patient.objects.filter(pk=world.patient.pk).update(phone="+46 70 555 66 77")
    body = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert 'href="tel:+46 70 555 66 77"' in body and 'id="no-phone"' not in body
