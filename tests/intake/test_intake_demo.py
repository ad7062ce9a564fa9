"""The intake demo: consent texts everywhere, seven applications at riverside (one urgent,
two on the waiting list), one professional referral at fjordside; loading it again adds
nothing."""

from django.core.management import call_command

from tessera.intake.models import Application, ConsentText


def test_the_intake_demo_is_there_once(seeded_demo):
    counts = (Application.objects.count(), ConsentText.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Application.objects.count(), ConsentText.objects.count()) == counts
    # The reports' year of history (portal/demo_history.py) adds referrals, turned-away
    # applications and its courses' applications of its own; these are the intake demo's.
    riverside = (
        Application.objects.filter(clinic__slug="riverside")
        .exclude(applicant__email__startswith="turned.away")
        .exclude(email__startswith="history")  # the courses' own, accepted long ago
    )
    # Riverside's named patients in treatment came in through intake too (decision 0133):
    # Pia, both Olles, Elin and Ebba (decision 0158), accepted and closed; the seven
    # applicants' stay as they were.
    admitted = riverside.filter(applicant__email__startswith="patient")
    assert admitted.count() == 5 and set(admitted.values_list("status", flat=True)) == {"accepted"}
    riverside = riverside.exclude(pk__in=admitted)
    assert riverside.count() == 7 and riverside.exclude(status="draft").count() == 7
    assert riverside.filter(urgent=True).count() == 1
    assert len(set(riverside.values_list("status", flat=True))) >= 3
    assert riverside.filter(possible_duplicate_of__isnull=False).count() == 1
    fjordside = Application.objects.get(
        clinic__slug="fjordside", referral__referrer_name="Dr Eva Berg"
    )
    assert fjordside.source == "professional" and fjordside.referral.consent_to_letters
    assert ConsentText.objects.filter(clinic__slug="riverside", language="sv").exists()


def test_the_demo_waiting_list_shows_two_people_in_order(seeded_demo, client):
    """Riverside's waiting list has people on it, each with an expected start from the
    clinic's pace (its history's starts), and each applicant sees they are waiting."""
    from tessera.core.models import User
    from tests.conftest import sign_in

    sign_in(client, User.objects.get(email="intake@demo.tessera.test"))
    response = client.get("/intake/waiting/", HTTP_ACCEPT_LANGUAGE="en")
    rows = response.context["rows"]
    assert [row.application.first_name for row in rows] == ["Elin", "Filip"]
    assert [row.position for row in rows] == [1, 2]
    assert all(row.expected_start for row in rows) and response.context["pace"]
    assert rows[0].application.assessment.programme_version.programme.key == "depression-ba"
    # They joined the list weeks apart, after applying and being assessed, not all on the
    # day the demo was seeded: the list's order is the order of its decisions.
    from django.utils import timezone

    elin, filip = (row.application for row in rows)
    assert elin.submitted_at < elin.triaged_at < elin.decided_at < filip.decided_at
    assert (timezone.now() - elin.decided_at).days >= 14 > (timezone.now() - filip.decided_at).days
    assert elin.assessment.assessed_at == elin.decided_at
    assert all(a.at == elin.decided_at for a in elin.triage_actions.all())
    sign_in(client, User.objects.get(email="applicant6@demo.tessera.test"))
    text = client.get("/").content.decode()  # in the Swedish they applied in
    assert "På väntelistan" in text
