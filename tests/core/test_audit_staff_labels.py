"""Every audit event is said twice (decision 0132): from the patient's side on "Who has
seen my record" ("Your treatment plan was viewed"), and from the clinic's side on every
page staff read ("Treatment plan viewed"): the audit search, its event choices and the
security events. A manager reading "your care" could not tell whose care was meant."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import translation

from tessera.core import audit
from tessera.core.forms import AuditSearchForm, alphabetical

LANGUAGES = ("en", "sv", "nb", "da", "nl")

# Words that address the reader, by language: a staff label says none of them.
ADDRESS = {
    "en": r"\b(you|your|yours|yourself)\b",
    "sv": r"\b(du|din|ditt|dina|dig)\b",
    "nb": r"\b(du|din|ditt|dine|deg)\b",
    "da": r"\b(du|din|dit|dine|dig)\b",
    "nl": r"\b(je|jij|jou|jouw|u|uw)\b",
}


def _in(language: str, text) -> str:
    with translation.override(language):
        return str(text)


def test_every_event_has_a_staff_label_that_addresses_no_one():
    assert len(audit.Event) > 200
    for event in audit.Event:
        english = _in("en", event.staff_label)
        assert english and english != event.value, event.value
        assert not re.search(ADDRESS["en"], english, re.IGNORECASE), (event.value, english)
        assert english[0].isupper() and not english.endswith("."), (event.value, english)
        patient = _in("en", event.label)
        if re.search(ADDRESS["en"], patient, re.IGNORECASE):
            assert english != patient, event.value


@pytest.mark.parametrize("language", ["sv", "nb", "da", "nl"])
def test_every_staff_label_is_translated_and_addresses_no_one(language):
    for event in audit.Event:
        english, words = _in("en", event.staff_label), _in(language, event.staff_label)
        assert words != english, f"no {language} for {event.value}: {english}"
        assert not re.search(ADDRESS[language], words, re.IGNORECASE), (event.value, words)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_two_events_read_the_same_to_staff(language):
    """The audit search offers the events by these words: two alike could not be told apart."""
    said = Counter(_in(language, event.staff_label) for event in audit.Event)
    assert [words for words, n in said.items() if n > 1] == []


def test_the_staff_label_of_an_unknown_stored_code_is_the_code():
    assert audit.staff_label("old.code") == "old.code"
    assert audit.staff_label("plan.viewed") == "Treatment plan viewed"


def test_the_managers_audit_search_says_what_happened_from_the_clinics_side(world, login):
    login(world["therapist"]).get(reverse("patient_detail", args=[world.patient.pk]))
    client = login(world["manager"])
    text = client.get(reverse("audit_search"), {"action": "patient.viewed"}).content.decode()
    assert "Patient record viewed<br>" in text  # the row, beside its code
    assert "Your patient record was viewed" not in text
    # The event choices are the staff's words too.
    assert ">Treatment plan viewed</option>" in text
    assert "Your treatment plan was viewed" not in text
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    text = client.get(reverse("audit_search"), {"action": "patient.viewed"}).content.decode()
    assert "Patientjournal visad<br>" in text
    assert "Din patientjournal visades" not in text


def test_the_security_events_page_says_what_happened_from_the_clinics_side(world, client, login):
    client.post(reverse("account_login"), {"login": world["therapist"].email, "password": "x"})
    text = login(world["manager"]).get(reverse("security_events")).content.decode()
    assert "Sign-in failed: wrong password<br>" in text
    assert "to your account" not in text


def test_the_event_choices_are_in_the_alphabet_of_the_pages_language():
    for language in LANGUAGES:
        with translation.override(language):
            choices = AuditSearchForm().fields["event"].choices[1:]
        words = [label for _code, label in choices]
        assert words == sorted(words, key=alphabetical(language)), language
        assert len(words) == len(audit.Event)
    with translation.override("sv"):
        words = [label for _code, label in AuditSearchForm().fields["event"].choices[1:]]
    # Swedish puts å, ä, ö after z, in that order (code points put Ä before Å).
    first = {letter: next(i for i, w in enumerate(words) if w[0] == letter) for letter in "VÅÄÖ"}
    assert first["V"] < first["Å"] < first["Ä"] < first["Ö"]
    assert words[0].startswith("A")


def test_the_alphabets_put_their_own_letters_after_z():
    assert sorted(["Ö", "Ä", "Å", "Z", "é", "E"], key=alphabetical("sv")) == [
        "E",
        "é",
        "Z",
        "Å",
        "Ä",
        "Ö",
    ]
    assert sorted(["Å", "Ø", "Æ", "z"], key=alphabetical("da")) == ["z", "Æ", "Ø", "Å"]
    assert sorted(["Ä", "b", "a"], key=alphabetical("nl")) == ["a", "Ä", "b"]


@pytest.mark.parametrize(
    "language, patients, staffs",
    [
        ("en", "Your patient record was viewed", "Patient record viewed"),
        ("sv", "Din patientjournal visades", "Patientjournal visad"),
    ],
)
def test_who_has_seen_my_record_keeps_the_patients_words(world, login, language, patients, staffs):
    login(world["therapist"]).get(reverse("patient_detail", args=[world.patient.pk]))
    client = login(world["patient"])
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    text = client.get(reverse("my_access_log")).content.decode()
    assert patients in text
    assert staffs not in text
