"""Managers keep the clinic's measurement schedule and risk thresholds."""

import re
import uuid

from django.test import Client
from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.treatment import actions
from tessera.treatment.models import DueMeasure, MeasureRule, RiskThreshold


def test_a_manager_adds_a_questionnaire_and_new_treatments_get_it(world, login):
    url = reverse("clinic_measures", args=["alpha"])
    response = login(world["manager"]).post(
        url,
        {
            "instrument": "PHQ-9",
            "time_point": "follow_up_6",
            "open_days_before": "3",
            "expire_days_after": "14",
        },
    )
    assert response.status_code == 302
    assert MeasureRule.objects.filter(clinic=world.clinic, time_point="follow_up_6").exists()
    assert AuditEvent.objects.filter(action="clinic.measure_added").exists()
    actions.do_start_treatment(world.other_patient.episodes.get(), acting_user=world["manager"])
    assert DueMeasure.objects.filter(
        episode__patient=world.other_patient, time_point="follow_up_6"
    ).exists()


def test_bad_schedule_input_gets_messages_and_keeps_the_input(world, login):
    url = reverse("clinic_measures", args=["alpha"])
    client = login(world["manager"])
    response = client.post(
        url,
        {
            "instrument": "PHQ-9",
            "time_point": "custom",
            "open_days_before": "2",
            "expire_days_after": "7",
        },
    )
    assert "A custom interval needs a number of days." in response.content.decode()
    response = client.post(
        url,
        {
            "instrument": "PHQ-9",
            "time_point": "pre",
            "open_days_before": "2",
            "expire_days_after": "7",
        },
    )
    assert "already on the schedule" in response.content.decode()
    response = client.post(url, {"instrument": "K10", "time_point": "pre"})
    assert response.status_code == 200  # K10 has no wording yet: not offered


def test_removing_a_rule_keeps_occasions_already_planned(world, login):
    rule = MeasureRule.objects.get(clinic=world.clinic, instrument="PHQ-9", time_point="pre")
    url = reverse("clinic_measure_remove", args=["alpha", rule.pk])
    assert login(world["manager"]).post(url).status_code == 302
    assert not MeasureRule.objects.filter(pk=rule.pk).exists()
    assert DueMeasure.objects.filter(pk=world.due.pk).exists()


def test_a_clinic_threshold_changes_what_is_flagged(world, login):
    url = reverse("clinic_risk_threshold", args=["alpha"])
    data = {"prefix": "p", "p-instrument": "PHQ-9", "p-rule_code": "phq9_item9", "p-at_least": "2"}
    assert login(world["manager"]).post(url, data).status_code == 302
    assert RiskThreshold.objects.get(clinic=world.clinic).at_least == 2
    answers = {**dict.fromkeys(range(1, 9), 0), 9: 1}
    stored = actions.do_submit_response(
        world.due,
        answers,
        acting_user=world.patient.user,
        submission_key=uuid.uuid4(),
        language="en",
    )
    assert not stored.risk_flagged


def test_an_impossible_threshold_is_refused_with_a_message(world, login):
    url = reverse("clinic_risk_threshold", args=["alpha"])
    data = {"prefix": "p", "p-instrument": "PHQ-9", "p-rule_code": "phq9_item9", "p-at_least": "9"}
    response = login(world["manager"]).post(url, data, follow=True)
    assert "The threshold was not saved" in response.content.decode()
    assert not RiskThreshold.objects.exists()


def test_the_schedule_page_lists_risk_rules_with_their_source(world, login):
    text = login(world["manager"]).get(reverse("clinic_measures", args=["alpha"])).content.decode()
    assert "Published threshold: 1" in text
    assert "CLINICAL.md" in text or "Kroenke" in text


def _threshold_form(client):
    """The PHQ-9 item 9 row's form as the schedule page drew it: its hidden values."""
    text = client.get(reverse("clinic_measures", args=["alpha"])).content.decode()
    prefix = "PHQ-9-phq9_item9"
    drawn = re.search(rf'name="{prefix}-drawn" value="([0-9a-f]*)"', text)
    return {
        "prefix": prefix,
        f"{prefix}-instrument": "PHQ-9",
        f"{prefix}-rule_code": "phq9_item9",
        f"{prefix}-drawn": drawn.group(1) if drawn else "",
    }


def test_a_threshold_saved_by_another_manager_meanwhile_is_not_overwritten(world, login):
    """Two managers open the schedule page; the first raises item 9's threshold to 2, the
    second, from the page drawn before, saves 3: refused (409), the 2 kept, the 3 still
    in the form; saving again from the refused page replaces it knowingly (0152)."""
    url = reverse("clinic_risk_threshold", args=["alpha"])
    first, second = login(world["manager"]), Client()
    second.force_login(world["manager"])
    first_form, second_form = _threshold_form(first), _threshold_form(second)
    prefix = first_form["prefix"]
    assert first.post(url, {**first_form, f"{prefix}-at_least": "2"}).status_code == 302
    assert first.post(url, {**first_form, f"{prefix}-at_least": "2"}).status_code == 302  # twice
    response = second.post(url, {**second_form, f"{prefix}-at_least": "3"})
    assert response.status_code == 409
    assert RiskThreshold.objects.get(clinic=world.clinic).at_least == 2
    text = response.content.decode()
    assert "Someone else changed this threshold" in text
    assert f'name="{prefix}-at_least" value="3"' in text
    drawn = re.search(rf'name="{prefix}-drawn" value="([0-9a-f]*)"', text).group(1)
    again = second.post(url, {**second_form, f"{prefix}-drawn": drawn, f"{prefix}-at_least": "3"})
    assert again.status_code == 302
    assert RiskThreshold.objects.get(clinic=world.clinic).at_least == 3
    assert AuditEvent.objects.filter(action="clinic.risk_threshold_set").count() == 3
