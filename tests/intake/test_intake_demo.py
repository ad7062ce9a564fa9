"""The intake demo: consent texts everywhere, five applications at riverside (one urgent),
one professional referral at fjordside; loading it again adds nothing."""

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
    assert riverside.count() == 5 and riverside.exclude(status="draft").count() == 5
    assert riverside.filter(urgent=True).count() == 1
    assert len(set(riverside.values_list("status", flat=True))) >= 3
    assert riverside.filter(possible_duplicate_of__isnull=False).count() == 1
    fjordside = Application.objects.get(
        clinic__slug="fjordside", referral__referrer_name="Dr Eva Berg"
    )
    assert fjordside.source == "professional" and fjordside.referral.consent_to_letters
    assert ConsentText.objects.filter(clinic__slug="riverside", language="sv").exists()
