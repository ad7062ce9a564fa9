"""The patient's side: consent per language and version, declining, withdrawal with the
two choices, care unchanged; and CONSORT counted from it all."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tessera.core.models import AuditEvent, Episode
from tessera.research import actions, consort, randomisation
from tessera.research.models import Participant
from tests.conftest import sign_in
from tests.research.fixtures import SEED, new_participant


def test_the_patient_reads_the_consent_in_their_language_and_the_version_is_kept(
    world, study, client
):
    participant = new_participant(world, 1, consent=False, confirm=False)
    patient = participant.episode.patient
    type(patient).objects.filter(pk=patient.pk).update(preferred_language="sv")
    sign_in(client, patient.user)
    page = client.get(reverse("my_studies")).content.decode()
    assert "Du kan delta i CALM." in page and "You may take part in CALM." not in page
    swedish = study.study.consent_versions.get(language="sv")
    response = client.post(
        reverse("my_study_consent", args=[participant.pk]), {"consent": swedish.pk}
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.consent_version == swedish and participant.consented_at
    event = AuditEvent.objects.filter(action="research.consent_given").get()
    assert event.changes["version"] == 1 and event.changes["language"] == "sv"


def test_an_outdated_consent_version_is_refused(world, study):
    participant = new_participant(world, 2, consent=False, confirm=False)
    actions.do_publish_consent(
        study.study, acting_user=study.investigator, language="en", text="Version two."
    )
    with pytest.raises(ValidationError, match="changed"):
        actions.do_give_consent(
            participant, study.consent_en, acting_user=participant.episode.patient.user
        )


def test_only_the_patient_answers_their_invitation(world, study):
    participant = new_participant(world, 3, consent=False, confirm=False)
    with pytest.raises(PermissionDenied):
        actions.do_give_consent(participant, study.consent_en, acting_user=world.patient.user)


def test_declining_counts_as_excluded_and_changes_nothing_in_care(world, study, client):
    participant = new_participant(world, 4, consent=False, confirm=False)
    before = Episode.objects.values().get(pk=participant.episode_id)
    sign_in(client, participant.episode.patient.user)
    client.post(reverse("my_study_decline", args=[participant.pk]))
    participant.refresh_from_db()
    assert participant.exclusion == "declined"
    assert Episode.objects.values().get(pk=participant.episode_id) == before
    assert consort.flow(study.study).excluded == {"declined to take part": 1}


@pytest.mark.parametrize("choice", ["stop_new_data", "remove_from_exports"])
def test_withdrawal_from_the_patients_own_page(world, study, client, choice):
    participant = new_participant(world, 5)
    participant.refresh_from_db()
    episode_before = Episode.objects.values().get(pk=participant.episode_id)
    sign_in(client, participant.episode.patient.user)
    page = client.get(reverse("my_studies")).content.decode()
    assert "Stop new research data" in page and "Also remove my data from future exports" in page
    client.post(reverse("my_study_withdraw", args=[participant.pk]), {"choice": choice})
    participant.refresh_from_db()
    assert participant.withdrawn_at and participant.withdrawal == choice
    assert Episode.objects.values().get(pk=participant.episode_id) == episode_before
    flow = consort.flow(study.study)
    arm = next(a for a in flow.arms if a.code == participant.arm.code)
    assert arm.withdrawn == 1
    assert arm.analysed == (0 if choice == "remove_from_exports" else 1)


def test_withdrawal_needs_a_choice(world, study, client):
    participant = new_participant(world, 6)
    sign_in(client, participant.episode.patient.user)
    response = client.post(reverse("my_study_withdraw", args=[participant.pk]), {}, follow=True)
    assert "Choose what happens to your research data." in response.content.decode()
    participant.refresh_from_db()
    assert participant.withdrawn_at is None


def test_another_patient_gets_a_404(world, study, client):
    participant = new_participant(world, 7)
    sign_in(client, world.patient.user)
    response = client.post(
        reverse("my_study_withdraw", args=[participant.pk]), {"choice": "stop_new_data"}
    )
    assert response.status_code == 404


def test_consort_counts_every_box(world, study, client):
    randomised = [new_participant(world, n) for n in range(10, 16)]
    new_participant(world, 16, confirm=False)  # consented, not yet confirmed
    excluded = new_participant(world, 17, consent=False, confirm=False)
    actions.do_exclude(excluded, acting_user=study.coordinator, reason="not_eligible")
    actions.do_discontinue(randomised[0], acting_user=study.coordinator, reason="lost_to_follow_up")
    flow = consort.flow(study.study)
    assert flow.assessed == 8 and flow.randomised == 6 and flow.pending == 1
    assert flow.excluded == {"did not meet the eligibility rules": 1}
    assert sum(a.allocated for a in flow.arms) == 6
    assert sum(a.lost for a in flow.arms) == 1
    # make_patient opens active episodes without a start date: nobody has started yet
    assert sum(a.received for a in flow.arms) == 0
    sign_in(client, study.coordinator)
    page = client.get(reverse("study_consort", args=[study.study.pk])).content.decode()
    assert "<svg" in page and "n = 6" in page and "Lost to follow-up" in page


def test_consort_runs_a_constant_number_of_queries(world, study, django_assert_max_num_queries):
    for n in range(20, 26):
        new_participant(world, n)
    the_study = Participant.objects.select_related("study").first().study
    with django_assert_max_num_queries(4):
        flow = consort.flow(the_study)
    assert flow.randomised == 6


def test_withdrawal_cancels_only_the_occasions_the_study_alone_asked_for(world, study):
    from tessera.research.models import ResearchMeasure
    from tessera.treatment.actions import do_schedule_occasion

    participant = new_participant(world, 30)
    study_only = ResearchMeasure.objects.get(participant=participant)
    assert study_only.study_only
    actions.do_withdraw(
        participant, acting_user=participant.episode.patient.user, choice="stop_new_data"
    )
    study_only.due.refresh_from_db()
    assert study_only.due.cancelled
    assert AuditEvent.objects.filter(action="episode.measures_cancelled").count() == 1
    # An occasion the clinic's schedule had already planned is shared and stays.
    other = new_participant(world, 31, confirm=False)
    shared = do_schedule_occasion(
        other.episode,
        instrument="PHQ-9",
        time_point="post",
        due_at=timezone.now(),
        source="clinic",
    )
    actions.do_confirm_eligibility(other, acting_user=study.coordinator)
    rm = ResearchMeasure.objects.get(participant=other)
    assert rm.due == shared and not rm.study_only
    actions.do_withdraw(other, acting_user=other.episode.patient.user, choice="stop_new_data")
    shared.refresh_from_db()
    assert not shared.cancelled


def test_research_measures_are_reminded_like_any_questionnaire(world, study):
    from tessera.automation.sweep import questionnaire_reminders
    from tessera.research.models import ResearchMeasure

    participant = new_participant(world, 32)
    rm = ResearchMeasure.objects.get(participant=participant)
    keys = [key for _user, _kind, key, _link, _params in questionnaire_reminders(rm.due.due_at)]
    assert f"reminder:due:{rm.due.pk}" in keys


def test_completion_of_research_measures_per_arm(world, study):
    import uuid

    import time_machine

    from tessera.research.models import ResearchMeasure
    from tessera.treatment import actions as treatment

    people = [new_participant(world, n) for n in range(40, 44)]
    first = ResearchMeasure.objects.get(participant=people[0])
    when = first.due.due_at
    with time_machine.travel(when, tick=False):
        treatment.do_submit_response(
            first.due,
            dict.fromkeys(range(1, 10), 0),
            acting_user=people[0].episode.patient.user,
            submission_key=uuid.uuid4(),
            language="en",
        )
    rows = consort.completion(study.study, now=when + dt.timedelta(days=1))
    assert sum(r.due for r in rows) == 4 and sum(r.answered for r in rows) == 1
    # The arms are the stratum's first four places: its sequence depends on the clinic's
    # key (a block of 6 can start 3 to 1), so the split is read from it, not assumed.
    places = randomisation.stratum_sequence(
        SEED, f"site={world.clinic.pk}", [("icbt", 1), ("selfhelp", 1)], 4
    )[:4]
    labels = [study.arms[place.arm].label for place in places]
    people[0].refresh_from_db()
    assert people[0].arm.label == labels[0]
    expected = {
        label: (labels.count(label), 1 if label == labels[0] else 0) for label in set(labels)
    }
    assert {r.arm: (r.due, r.answered) for r in rows} == expected
    answered_arm = next(r for r in rows if r.arm == labels[0])
    assert answered_arm.percent == round(100 / labels.count(labels[0]))
    assert consort.completion(study.study, now=when - dt.timedelta(days=30)) == []
