"""Clinic managers keep their clinic's settings; bad values get a message."""

from django.urls import reverse

from tessera.core.models import AuditEvent, Clinic


def _settings_form(**changes):
    data = {
        "name": "Clinic alpha",
        "languages": ["sv", "en"],
        "time_zone": "Europe/Stockholm",
        "working_days": "12345",
        "opens_at": "08:00",
        "closes_at": "16:00",
        "referral_model": "both",
        "offers_guided": "on",
        "response_target_hours": "16",
        "inactive_after_days": "7",
        "icbt_share_limit": "50",
        "alert_ack_hours_high": "1",
        "alert_ack_hours_moderate": "8",
        "read_only_after_days": "30",
        "reading_access_days": "365",
    }
    data.update(changes)
    return data


def test_a_manager_changes_the_referral_model_and_it_is_audited(world, login):
    url = reverse("clinic_edit", args=["alpha"])
    response = login(world["manager"]).post(url, _settings_form(referral_model="self"))
    assert response.status_code == 302
    assert Clinic.objects.get(slug="alpha").referral_model == "self"
    event = AuditEvent.objects.filter(action="clinic.settings_changed").latest("id")
    assert event.changes["referral_model"] == ["both", "self"]


def test_it_refuses_an_unknown_time_zone_and_backwards_hours(world, login):
    url = reverse("clinic_edit", args=["alpha"])
    client = login(world["manager"])
    response = client.post(url, _settings_form(time_zone="Mars/Olympus"))
    assert "is not a known time zone" in response.content.decode()
    response = client.post(url, _settings_form(opens_at="17:00"))
    assert "Closing time must be after opening time" in response.content.decode()
    response = client.post(url, _settings_form(offers_guided=""))
    assert "Choose at least one care model" in response.content.decode()
    assert Clinic.objects.get(slug="alpha").time_zone == "Europe/Stockholm"


def test_a_manager_of_another_clinic_cannot_see_this_one(world, login):
    response = login(world["other_manager"]).get(reverse("clinic_detail", args=["alpha"]))
    assert response.status_code == 404


def test_a_manager_adds_and_removes_crisis_contacts(world, login):
    client = login(world["manager"])
    url = reverse("clinic_crisis_contacts", args=["alpha"])
    response = client.post(url, {"language": "sv", "label": "Självmordslinjen", "phone": "90101"})
    assert response.status_code == 302
    contact = world.clinic.crisis_contacts.get(label="Självmordslinjen")
    assert AuditEvent.objects.filter(action="clinic.crisis_contact_added").exists()
    remove = reverse("clinic_crisis_contact_remove", args=["alpha", contact.pk])
    assert client.post(remove).status_code == 302
    assert not world.clinic.crisis_contacts.filter(pk=contact.pk).exists()


def test_a_crisis_contact_needs_a_way_to_reach_it(world, login):
    url = reverse("clinic_crisis_contacts", args=["alpha"])
    response = login(world["manager"]).post(url, {"language": "en", "label": "Nobody"})
    assert "Give a phone number or a web address." in response.content.decode()


def test_the_last_crisis_contact_cannot_be_removed(world, login):
    contact = world.clinic.crisis_contacts.get()
    url = reverse("clinic_crisis_contact_remove", args=["alpha", contact.pk])
    response = login(world["manager"]).post(url, follow=True)
    assert "at least one crisis contact" in response.content.decode()
    assert world.clinic.crisis_contacts.filter(pk=contact.pk).exists()


def test_saving_unchanged_settings_keeps_the_language_order(world, login):
    """Issue 20: the checkboxes arrive in the list's order (en before sv), which turned a
    Swedish clinic's letters English on a save without changes."""
    from tessera.core.models.organisation import LANGUAGE_CHOICES

    codes = [code for code, _label in LANGUAGE_CHOICES]
    assert codes.index("en") < codes.index("sv")  # the order the browser sends them in
    url = reverse("clinic_edit", args=["alpha"])
    client = login(world["manager"])
    response = client.post(url, _settings_form(languages=["en", "sv"]))
    assert response.status_code == 302
    assert Clinic.objects.get(slug="alpha").languages == ["sv", "en"]
    # a new language goes after the clinic's own; a removed one is gone
    client.post(url, _settings_form(languages=["da", "sv"]))
    assert Clinic.objects.get(slug="alpha").languages == ["sv", "da"]


def test_the_reading_period_is_at_least_the_writing_period(world, login):
    url = reverse("clinic_edit", args=["alpha"])
    client = login(world["manager"])
    response = client.post(url, _settings_form(reading_access_days="10"))
    assert "at least as long as they can write" in response.content.decode()
    response = client.post(
        url, _settings_form(reading_access_days="400", contact_phone="+46 8 555 010")
    )
    assert response.status_code == 302
    clinic = Clinic.objects.get(slug="alpha")
    assert (clinic.reading_access_days, clinic.contact_phone) == (400, "+46 8 555 010")


def test_a_manager_chooses_the_swedish_outcome_rule_and_it_is_audited(world, login):
    """Issue 12 item 5: the 40 %/30 % rule is a per-clinic choice beside the national
    rules, set by the clinic's manager and audited."""
    client = login(world["manager"])
    url = reverse("clinic_edit", args=["alpha"])
    assert Clinic.objects.get(slug="alpha").outcome_rule == "national"
    response = client.post(url, _settings_form(outcome_rule="swedish"))
    assert response.status_code == 302
    assert Clinic.objects.get(slug="alpha").outcome_rule == "swedish"
    event = AuditEvent.objects.filter(action="clinic.settings_changed").latest("id")
    assert event.changes["outcome_rule"] == ["national", "swedish"]
    assert event.actor_id == world["manager"].pk
    page = client.get(reverse("clinic_detail", args=["alpha"])).content.decode()
    assert "Swedish reporting rule" in page
    # A post without the field keeps the rule; an unknown rule is refused with a message.
    client.post(url, _settings_form())
    assert Clinic.objects.get(slug="alpha").outcome_rule == "swedish"
    response = client.post(url, _settings_form(outcome_rule="both"))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert Clinic.objects.get(slug="alpha").outcome_rule == "swedish"


def test_only_the_clinics_managers_may_change_the_outcome_rule(world, login):
    url = reverse("clinic_edit", args=["alpha"])
    for who in ("therapist", "other_manager"):
        response = login(world[who]).post(url, _settings_form(outcome_rule="swedish"))
        assert response.status_code in (403, 404)
    assert Clinic.objects.get(slug="alpha").outcome_rule == "national"
    assert not AuditEvent.objects.filter(action="clinic.settings_changed").exists()


def test_a_manager_gives_the_clinics_postal_address_for_its_letters(world, login):
    url = reverse("clinic_edit", args=["alpha"])
    client = login(world["manager"])
    form = client.get(url).content.decode()
    assert 'name="postal_address"' in form and "postal address" in form
    address = "Storgatan 1\r\n111 22 Stockholm"
    response = client.post(url, _settings_form(postal_address=address))
    assert response.status_code == 302
    clinic = Clinic.objects.get(slug="alpha")
    assert clinic.postal_address == "Storgatan 1\n111 22 Stockholm"
    event = AuditEvent.objects.filter(action="clinic.settings_changed").latest("id")
    assert "postal_address" in event.changes
    page = client.get(reverse("clinic_detail", args=["alpha"])).content.decode()
    assert "Storgatan 1<br>111 22 Stockholm" in page
    too_long = client.post(url, _settings_form(postal_address="x" * 301))
    assert too_long.status_code == 200
    assert Clinic.objects.get(slug="alpha").postal_address == clinic.postal_address


def test_settings_from_a_page_drawn_before_another_managers_save_are_not_saved_over(world, login):
    """Two managers (or two tabs): the second save put back what the first had changed."""
    import re

    url = reverse("clinic_edit", args=["alpha"])
    client = login(world["manager"])
    drawn = re.search(r'name="drawn" value="(\w+)"', client.get(url).content.decode()).group(1)
    Clinic.objects.filter(slug="alpha").update(contact_phone="+46 8 123 45")  # meanwhile
    response = client.post(url, _settings_form(referral_model="self", drawn=drawn))
    assert response.status_code == 409  # refused, as the others (0149)
    assert "Someone else changed these details while you were editing." in response.content.decode()
    clinic = Clinic.objects.get(slug="alpha")
    assert (clinic.referral_model, clinic.contact_phone) == ("both", "+46 8 123 45")


def test_the_settings_page_names_the_working_days_and_languages(world, login):
    """The page showed the stored codes: "Working hours 12345 · 08:00–16:00" and
    "Languages sv, en" (found walking the demo as its managers, decision 0122)."""
    page = login(world["manager"]).get(reverse("clinic_detail", args=["alpha"])).content.decode()
    assert "Monday–Friday · 08:00–16:00" in page
    assert "Swedish, English" in page
    assert "12345" not in page


def test_working_days_by_name_in_the_reader_s_language():
    from django.utils import translation

    clinic = Clinic(working_days="1357", languages=["nl"])
    assert clinic.working_day_names == "Monday, Wednesday, Friday, Sunday"
    assert Clinic(working_days="671").working_day_names == "Monday, Saturday, Sunday"
    assert Clinic(working_days="1234567").working_day_names == "Monday–Sunday"
    with translation.override("sv"):
        assert Clinic(working_days="23456").working_day_names == "tisdag–lördag"
        assert clinic.language_names == ["Nederländska"]
