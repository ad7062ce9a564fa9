"""Patient records: bad input gets a message, good input is saved and audited."""

from django.urls import reverse

from tessera.core.models import AuditEvent, Patient


def _form(patient, **changes):
    data = {
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": "1990-01-02",
        "national_id_country": "",
        "national_id": "",
        "email": patient.email,
        "phone": "",
        "address": "",
        "preferred_language": "en",
        "gp_name": "",
        "gp_practice": "",
        "gp_phone": "",
        "gp_email": "",
        "emergency_contact_name": "",
        "emergency_contact_phone": "",
        "emergency_contact_relation": "",
    }
    data.update(changes)
    return data


def test_it_refuses_a_wrong_check_digit_with_a_message_and_keeps_the_input(world, login):
    url = reverse("patient_edit", args=[world.patient.pk])
    response = login(world["therapist"]).post(
        url, _form(world.patient, national_id_country="SE", national_id="199001022381")
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "check digit" in text
    assert 'value="199001022381"' in text
    assert Patient.objects.get(pk=world.patient.pk).national_id == ""


def test_it_saves_a_valid_identity_number_in_canonical_form_and_audits(world, login):
    url = reverse("patient_edit", args=[world.patient.pk])
    # 900102-2384: Luhn over 9001022380 18->9,0,0,1,0,2,4,3,16->7 = 26, check digit 4
    response = login(world["therapist"]).post(
        url, _form(world.patient, national_id_country="SE", national_id="900102-2384")
    )
    assert response.status_code == 302
    patient = Patient.objects.get(pk=world.patient.pk)
    assert patient.national_id == "19900102-2384"
    event = AuditEvent.objects.filter(action="patient.details_changed").latest("id")
    assert event.changes == {"national_id": "changed", "national_id_country": ["", "SE"]}
    assert "2384" not in str(event.changes)


def test_it_refuses_an_identity_number_that_contradicts_the_birth_date(world, login):
    url = reverse("patient_edit", args=[world.patient.pk])
    response = login(world["therapist"]).post(
        url,
        _form(
            world.patient,
            date_of_birth="1991-01-02",
            national_id_country="SE",
            national_id="900102-2384",
        ),
    )
    assert response.status_code == 200
    assert "does not match the date of birth" in response.content.decode()


def test_it_refuses_a_duplicate_identity_number(world, login):
    Patient.objects.filter(pk=world.other_patient.pk).update(
        national_id_country="SE", national_id="19900102-2384"
    )
    url = reverse("patient_edit", args=[world.patient.pk])
    response = login(world["manager"]).post(
        url, _form(world.patient, national_id_country="SE", national_id="900102-2384")
    )
    assert response.status_code == 200
    assert Patient.objects.get(pk=world.patient.pk).national_id == ""


def test_it_refuses_nonsense_dates_without_an_error_page(world, login):
    url = reverse("patient_edit", args=[world.patient.pk])
    response = login(world["therapist"]).post(url, _form(world.patient, date_of_birth="31/31/31"))
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


def test_a_patient_changes_their_own_contact_details(world, login):
    response = login(world["patient"]).post(
        reverse("my_details_edit"),
        {
            "email": "new@alpha.test",
            "phone": "+46 70 123 45 67",
            "address": "",
            "preferred_language": "sv",
            "emergency_contact_name": "Anna",
            "emergency_contact_phone": "070-1",
            "emergency_contact_relation": "sister",
        },
    )
    assert response.status_code == 302
    patient = Patient.objects.get(pk=world.patient.pk)
    assert patient.phone == "+46 70 123 45 67"
    assert patient.first_name == "Pia"  # not editable by the patient
    event = AuditEvent.objects.filter(action="patient.details_changed").latest("id")
    assert event.purpose == "self"


def test_the_patient_list_shows_only_visible_patients(world, login):
    text = login(world["therapist"]).get(reverse("patient_list")).content.decode()
    assert "Larsson" in text
    assert "Berg" not in text


def test_the_patient_list_searches_and_pages_in_constant_queries(
    world, login, django_assert_max_num_queries
):
    client = login(world["manager"])
    with django_assert_max_num_queries(20):
        response = client.get(reverse("patient_list"), {"q": "Lars"})
    assert "Larsson" in response.content.decode()
    assert "Berg" not in response.content.decode()


def test_the_patient_list_answers_htmx_with_rows_only(world, login):
    response = login(world["manager"]).get(reverse("patient_list"), HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert "Larsson" in response.content.decode()


def _drawn(response) -> str:
    import re

    return re.search(r'name="drawn" value="([0-9a-f]{64})"', response.content.decode()).group(1)


def test_a_save_over_a_change_made_after_the_form_was_drawn_is_refused(world, client):
    """Found at the edges: the therapist has the record open, the patient changes their
    phone number, the therapist saves a GP's name, and the old number came back."""
    from tests.conftest import sign_in

    url = reverse("patient_edit", args=[world.patient.pk])
    therapist = sign_in(client, world["therapist"])
    drawn = _drawn(therapist.get(url))
    from django.test import Client

    patient = sign_in(Client(), world.patient.user)
    own = patient.get(reverse("my_details_edit"))
    mine = {
        "drawn": _drawn(own),
        "email": world.patient.email,
        "phone": "+46 70 111 22 33",
        "address": "",
        "preferred_language": "en",
        "emergency_contact_name": "",
        "emergency_contact_phone": "",
        "emergency_contact_relation": "",
    }
    assert patient.post(reverse("my_details_edit"), mine).status_code == 302
    old = _form(Patient.objects.get(pk=world.patient.pk), phone="", gp_name="Dr Berg")
    old["date_of_birth"] = str(Patient.objects.get(pk=world.patient.pk).date_of_birth or "")
    response = therapist.post(url, {**old, "drawn": drawn})
    assert response.status_code == 409  # refused, as the others (0149)
    text = response.content.decode()
    assert "Someone else changed these details while you were editing." in text
    assert 'value="Dr Berg"' in text  # what was typed is still in the form
    saved = Patient.objects.get(pk=world.patient.pk)
    assert (saved.phone, saved.gp_name) == ("+46 70 111 22 33", "")
    # Sent again (the form now carries the current digest): saved, as the therapist chose.
    again = therapist.post(url, {**old, "drawn": _drawn(response)})
    assert again.status_code == 302
    assert Patient.objects.get(pk=world.patient.pk).gp_name == "Dr Berg"


def test_a_details_page_drawn_before_the_digest_still_saves(world, login):
    url = reverse("patient_edit", args=[world.patient.pk])
    response = login(world["therapist"]).post(url, _form(world.patient, gp_name="Dr Berg"))
    assert response.status_code == 302


def test_a_colleagues_new_emergency_contact_is_not_saved_over(world, client):
    """Two staff have one record open; the first enters a new emergency contact, the
    second corrects the GP from the page drawn before it. The second save put the old
    (empty) emergency contact back without a word; it is refused (409, as the other
    refused saves of decision 0149), the GP they typed kept in the form."""
    from django.test import Client

    from tests.conftest import sign_in

    url = reverse("patient_edit", args=[world.patient.pk])
    therapist = sign_in(client, world["therapist"])
    manager = sign_in(Client(), world["manager"])
    first, second = _drawn(therapist.get(url)), _drawn(manager.get(url))
    contact = {"emergency_contact_name": "Eva Larsson", "emergency_contact_phone": "+46 70 5"}
    assert (
        therapist.post(url, {**_form(world.patient, **contact), "drawn": first}).status_code == 302
    )
    mine = _form(world.patient, gp_name="Dr Berg")
    response = manager.post(url, {**mine, "drawn": second})
    assert response.status_code == 409
    assert 'value="Dr Berg"' in response.content.decode()
    saved = Patient.objects.get(pk=world.patient.pk)
    assert (saved.emergency_contact_name, saved.gp_name) == ("Eva Larsson", "")


def test_the_same_details_sent_twice_are_saved_once_not_refused(world, client):
    """A double click on "Save" (or back and send again) sends the page's digest twice;
    the second found the first's save and said someone else had changed the details
    (409). The same values as those saved are no one else's change (decision 0152)."""
    from tests.conftest import sign_in

    url = reverse("patient_edit", args=[world.patient.pk])
    therapist = sign_in(client, world["therapist"])
    body = {**_form(world.patient, gp_name="Dr Berg"), "drawn": _drawn(therapist.get(url))}
    assert therapist.post(url, body).status_code == 302
    assert therapist.post(url, body).status_code == 302  # was 409
    assert Patient.objects.get(pk=world.patient.pk).gp_name == "Dr Berg"
