"""Every demo login reaches its home page and every page in its navigation."""

import pytest
from django.test import Client
from django.urls import reverse

from tessera.core.models import User
from tests.conftest import sign_in


@pytest.fixture
def demo(seeded_demo):
    pass


# The demo's logins in shares, one test each, so that the suite's workers share the walk
# out (decision 0071): the n-th share walks every SHARES-th login from the n-th on.
SHARES = 4


@pytest.mark.parametrize("share", range(SHARES))
def test_every_demo_login_can_use_every_page_in_its_navigation(demo, share):
    failures = []
    for user in list(User.objects.order_by("pk"))[share::SHARES]:
        client = Client()
        sign_in(client, user)
        home = client.get(reverse("home"))
        if home.status_code != 200:
            failures.append((user.email, "home", home.status_code))
            continue
        for href, _label in home.context["nav"]:
            status = client.get(href).status_code
            if status != 200:
                failures.append((user.email, href, status))
    assert not failures


def test_the_demo_patient_has_a_history_and_questionnaires_due_today(demo):
    client = Client()
    sign_in(client, User.objects.get(email="patient@demo.tessera.test"))
    home = client.get(reverse("home")).content.decode()
    assert "A questionnaire about your mood (PHQ-9)" in home
    assert "A questionnaire about worry and anxiety (GAD-7)" in home
    assert "due today" in home and "overdue" not in home
    progress = client.get(reverse("my_progress")).content.decode()
    assert "<td>15</td>" in progress and "<td>7</td>" in progress  # PHQ-9 from 15 down to 7


def test_a_risk_answer_from_the_demo_patient_opens_an_alert(
    demo, django_capture_on_commit_callbacks
):
    """Issue "done when": PHQ-9 item 9 answered 2 by a demo patient, through the pages the
    patient uses, opens a high-severity alert for their therapist."""
    from tessera.safety.models import RiskAlert
    from tessera.treatment.models import DueMeasure

    patient = User.objects.get(email="patient@demo.tessera.test")
    due = DueMeasure.objects.open_now().get(episode__patient__user=patient, instrument="PHQ-9")
    client = Client()
    sign_in(client, patient)
    answers = {f"item{n}": "1" for n in range(1, 9)} | {"item9": "2"}
    client.post(reverse("questionnaire_fill", args=[due.pk]), answers)
    review = client.get(reverse("questionnaire_review", args=[due.pk]))
    key = review.context["submission_key"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("questionnaire_review", args=[due.pk]), {"submission_key": key})
    assert sent.status_code == 302
    alert = RiskAlert.objects.get(response__due=due)
    assert alert.severity == "high" and alert.rule_codes == ["phq9_item9"]
    assert alert.episode.therapist.email == "therapist@demo.tessera.test"


def test_the_nordic_and_dutch_demo_patients_have_the_whole_course_in_their_language(demo):
    # Issue 17: depression-ba is translated whole into nb, da and nl.
    from tessera.core.models import Patient

    checked = 0
    for patient in Patient.objects.filter(preferred_language__in=["nb", "da", "nl"]):
        for episode in patient.episodes.exclude(programme_version=None):
            if episode.programme_version.programme.key != "depression-ba":
                continue
            languages = {
                e.module_version.language
                for e in episode.plan.current().select_related("module_version")
            }
            assert languages == {patient.preferred_language}, (patient, languages)
            checked += 1
    assert checked >= 3


def test_the_ended_demo_course_kept_its_safety_plan_in_the_patients_language(demo):
    """The Danish patient whose course ended kept a safety plan, written in Danish: the
    page marks a patient's words with their language (decision 0118), so an English plan
    was read to her with Danish rules."""
    from tessera.portal.demo import ENDED_SAFETY_PLAN
    from tessera.safety.models import SafetyPlan

    plan = SafetyPlan.objects.select_related("episode__patient").get(
        episode__patient__email="patient9@demo.tessera.test"
    )
    assert plan.episode.patient.preferred_language == "da"
    assert plan.parts["people"] == ENDED_SAFETY_PLAN["da"]["people"] == "Min søster Anna."


def test_the_demo_library_has_a_translation_being_written(demo):
    from tessera.programs.models import Module

    draft = Module.objects.get(key="sleep-1-how-sleep-works-da")
    assert draft.translation_of.key == "sleep-1-how-sleep-works"
    version = draft.versions.get()
    assert (version.status, version.language) == ("draft", "da") and version.steps.exists()


def test_the_swedish_demo_clinic_reads_outcomes_by_the_swedish_rule(demo):
    """Issue 12: the 40 %/30 % rule is the Swedish demo clinic's choice, shown on its
    settings page; the sample programmes show their primary measure."""
    from tessera.core.models import Clinic
    from tessera.programs.models import Programme

    assert Clinic.objects.get(slug="riverside").outcome_rule == "swedish"
    assert set(Clinic.objects.exclude(slug="riverside").values_list("outcome_rule", flat=True)) == {
        "national"
    }
    client = Client()
    sign_in(client, User.objects.get(email="manager@demo.tessera.test"))
    page = client.get(reverse("clinic_detail", args=["riverside"])).content.decode()
    assert "Swedish reporting rule" in page
    client = Client()
    sign_in(client, User.objects.get(email="author@demo.tessera.test"))
    for key, code in (("panic", "PDSS-SR"), ("insomnia", "ISI"), ("depression-ba", "PHQ-9")):
        programme = Programme.objects.get(key=key)
        page = client.get(reverse("library_programme", args=[programme.pk])).content.decode()
        assert f"<dt>Primary measure</dt><dd>{code} (the problem area's default)" in page


def test_the_ended_demo_course_shows_a_risk_answer_sent_after_its_questionnaire_closed(
    demo, client
):
    """Vera's course had ended when she sent a PHQ-9 that had closed, with a risk answer:
    it reached her therapist as a "late" alert, who phoned her (decision 0136)."""
    from tessera.safety.models import RiskAlert

    alert = RiskAlert.objects.get(
        episode__patient__email="patient9@demo.tessera.test", source=RiskAlert.Source.LATE
    )
    assert alert.resolved_at is not None and alert.action == RiskAlert.Action.PHONED
    assert alert.due.completed_at is None and [f["item"] for f in alert.late_flags] == [9]
    sign_in(client, User.objects.get(email="harbour.therapist@demo.tessera.test"))
    page = client.get(reverse("risk_alert", args=[alert.pk])).content.decode()
    assert 'id="late-answers"' in page


def test_the_demo_has_a_patient_with_two_open_courses(demo):
    """Decision 0158: Ebba, referred to Fjordside while Riverside's course is still open,
    finds Riverside's word on Messages and both courses' modules on My modules (her
    pages are in Swedish: the marks are read, not the words)."""
    user = User.objects.get(email="patient11@demo.tessera.test")
    riverside, fjordside = user.patient_record.episodes.order_by("created_at", "id")
    assert riverside.status == fjordside.status == "active"
    client = Client()
    sign_in(client, user)
    messages = client.get(reverse("my_messages")).content.decode()
    assert 'id="unread-other"' in messages
    assert reverse("my_earlier_messages", args=[riverside.pk]) in messages
    modules = client.get(reverse("my_plan")).content.decode()
    assert f'id="other-course-{riverside.pk}"' in modules and 'id="course-shown"' in modules
    other = client.get(reverse("my_earlier_messages", args=[riverside.pk]))
    assert other.status_code == 200 and other.context["form"] is not None
