"""A crisis block in a module's text shows the reader's own clinic's crisis contacts and
emergency number on the page (decision 0134): the patient's module reader, and staff
previewing the module as a patient sees it."""

from django.urls import reverse

from tessera.core.models import CrisisContact
from tessera.programs.models import Step

BODY = "If you cannot keep yourself safe, do not wait.\n\n::: crisis\n:::\n"


def _with_crisis_block(version) -> None:
    Step.objects.filter(module_version=version, position=1).update(body=BODY)


def test_the_module_page_shows_the_patients_clinics_crisis_number(world, plan, login):
    _with_crisis_block(plan.entry.module_version)
    CrisisContact.objects.create(
        clinic=world.clinic, language="en", label="Clinic crisis line", phone="08-555 12 34"
    )
    url = reverse("module_reader", args=[plan.entry.pk]) + "?step=1"
    text = login(world["patient"]).get(url).content.decode()
    box = text[text.index('class="crisis crisis-in-text"') :]
    box = box[: box.index("</div>")]
    assert 'href="tel:08-555 12 34"' in box and "Clinic crisis line" in box
    assert 'href="tel:112"' in box  # Sweden's emergency number (the clinic's country)
    assert "::: crisis" not in text


def test_a_clinic_without_crisis_contacts_still_shows_the_emergency_number(world, plan, login):
    _with_crisis_block(plan.entry.module_version)
    world.clinic.crisis_contacts.all().delete()
    url = reverse("module_reader", args=[plan.entry.pk]) + "?step=1"
    text = login(world["patient"]).get(url).content.decode()
    assert 'href="tel:112"' in text and 'href="tel:1177"' in text


def test_staff_previewing_the_module_see_their_own_clinics_contacts(world, plan, login):
    _with_crisis_block(plan.entry.module_version)
    CrisisContact.objects.create(
        clinic=world.clinic, language="en", label="Clinic crisis line", phone="08-555 12 34"
    )
    url = reverse("library_module_preview", args=[plan.entry.module_version.pk])
    text = login(world["author"]).get(url).content.decode()
    assert 'href="tel:08-555 12 34"' in text and 'href="tel:112"' in text


def test_a_clinics_public_page_shows_its_contacts_in_a_programmes_description(world, plan, client):
    from tessera.programs.models import ProgrammeVersion

    ProgrammeVersion.objects.filter(pk=plan.depression.pk).update(description_patient=BODY)
    CrisisContact.objects.create(
        clinic=world.clinic, language="en", label="Clinic crisis line", phone="08-555 12 34"
    )
    text = client.get(reverse("intake_clinic", args=[world.clinic.slug])).content.decode()
    assert 'href="tel:08-555 12 34"' in text and 'href="tel:112"' in text
