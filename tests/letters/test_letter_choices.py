"""Issue 20 item 10: the clinician chooses a letter's language among the clinic's and adds
a few words of their own; every letter carries the clinic's contact details."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tessera.core.models import AuditEvent, Clinic, Episode
from tessera.letters.actions import NOTE_LIMIT, do_write_letter
from tessera.letters.models import Letter
from tessera.letters.render import letter_languages
from tessera.portal.ending import do_end_episode
from tests.conftest import sign_in
from tests.gp_letters import agree_to_gp_letters


@pytest.fixture
def consenting(world):
    agree_to_gp_letters(world)
    world.clinic.contact_phone = "08-123 45 67"
    world.clinic.contact_email = "kontakt@example.org"
    world.clinic.postal_address = "Storgatan 1\n111 22 Stockholm"
    world.clinic.save(update_fields=["contact_phone", "contact_email", "postal_address"])
    world.episode.refresh_from_db()
    return world


def test_the_languages_offered_are_the_clinics_in_its_order(world):
    assert [code for code, _name in letter_languages(world.clinic)] == ["sv", "en"]


def test_default_is_the_clinics_first_language_and_english_may_be_chosen(consenting):
    w = consenting
    automatic = do_write_letter(w.episode, "started", acting_user=None)
    assert automatic.language == "sv" and automatic.note == ""
    chosen = do_write_letter(w.episode, "started", acting_user=w["therapist"], language="en")
    assert chosen.language == "en" and "Treatment has started" in chosen.html


def test_a_language_the_clinic_does_not_use_is_refused(consenting):
    with pytest.raises(ValidationError) as err:
        do_write_letter(consenting.episode, "started", language="nl")
    assert "language" in err.value.message_dict
    assert not Letter.objects.exists()


def test_every_letter_carries_the_clinics_contact_details(consenting):
    letter = do_write_letter(consenting.episode, "started")
    assert "08-123 45 67" in letter.html and "kontakt@example.org" in letter.html


def test_every_letter_has_the_clinics_postal_address_at_the_top(consenting):
    """The clinic's address, line by line, in the letter's header (and so in its PDF,
    made from the same HTML); nothing when the clinic has none."""
    letter = do_write_letter(consenting.episode, "started")
    header = letter.html.split("</header>")[0]
    assert "Storgatan 1<br>111 22 Stockholm" in header
    Clinic.objects.filter(pk=consenting.clinic.pk).update(postal_address="")
    consenting.episode.clinic.refresh_from_db()
    bare = do_write_letter(consenting.episode, "started")
    assert "letter-address" not in bare.html


def test_the_note_is_stored_escaped_audited_and_never_mailed(consenting, client):
    w = consenting
    note = "Pia har <b>gjort</b> ett fint arbete."
    letter = do_write_letter(w.episode, "started", acting_user=w["therapist"], note=note)
    assert letter.note == note
    assert "&lt;b&gt;gjort&lt;/b&gt;" in letter.html and "<b>gjort" not in letter.html
    event = AuditEvent.objects.get(action="letter.written", object_id=str(letter.pk))
    assert event.changes["note"] == note and event.changes["language"] == "sv"
    assert all("fint arbete" not in m.subject + m.body for m in mail.outbox)
    sign_in(client, w["therapist"])
    assert "fint arbete" in client.get(f"/letters/{letter.pk}/").content.decode()


def test_an_over_long_note_is_refused_and_nothing_is_saved(consenting):
    with pytest.raises(ValidationError) as err:
        do_write_letter(consenting.episode, "started", note="x" * (NOTE_LIMIT + 1))
    assert "letter_note" in err.value.message_dict
    assert not Letter.objects.exists()


def test_an_over_long_note_at_the_end_leaves_the_episode_open(consenting):
    w = consenting
    with pytest.raises(ValidationError) as err:
        do_end_episode(
            w.episode,
            acting_user=w["therapist"],
            reason="completed",
            letter_note="x" * (NOTE_LIMIT + 1),
        )
    assert "letter_note" in err.value.message_dict
    assert Episode.objects.get(pk=w.episode.pk).status != "ended"
    assert not Letter.objects.exists()


def test_the_letters_page_writes_in_the_chosen_language_with_the_note(consenting, client):
    w = consenting
    sign_in(client, w["therapist"])
    url = f"/episodes/{w.episode.pk}/letters/write/"
    page = client.get(f"/episodes/{w.episode.pk}/letters/").content.decode()
    assert "Language of the letter" in page or "Brevets språk" in page
    too_long = client.post(url, {"kind": "started", "letter_note": "x" * (NOTE_LIMIT + 1)})
    assert too_long.status_code == 302 and not Letter.objects.exists()
    done = client.post(url, {"kind": "started", "language": "en", "letter_note": "Well done."})
    letter = Letter.objects.get()
    assert done["Location"] == f"/letters/{letter.pk}/"
    assert letter.language == "en" and "Well done." in letter.html


def test_the_end_page_writes_the_letter_in_the_chosen_language(consenting, client):
    w = consenting
    sign_in(client, w["therapist"])
    url = f"/episodes/{w.episode.pk}/end/"
    page = client.post(url, {"reason": "completed", "letter_note": "x" * (NOTE_LIMIT + 1)})
    assert page.status_code == 400 and not Letter.objects.exists()
    client.post(url, {"reason": "completed", "language": "en", "letter_note": "Thank you."})
    letter = Letter.objects.get()
    assert letter.language == "en" and "Thank you." in letter.html
    assert "Treatment has ended" in letter.html
    assert all("Thank you." not in m.subject + m.body for m in mail.outbox)


def test_the_demos_letters_carry_their_clinics_contact_details(seeded_demo):
    letters = list(Letter.objects.select_related("clinic").exclude(clinic__contact_phone=""))
    assert letters
    for letter in letters:
        assert letter.clinic.contact_phone in letter.html
        first_line = letter.clinic.postal_address.splitlines()[0]
        assert first_line and first_line in letter.html.split("</header>")[0]
