"""Where a patient at risk should turn: the clinic's own crisis contacts, then the
country's emergency number and a national helpline, shipped here with their sources.

The crisis box (``treatment/crisis_contacts.html``) must never be empty, whatever a
clinic has set up (issue 12, CLINICAL.md §5: "crisis contacts are per clinic and
country; never hard-code one country's numbers"). ``contacts_for(clinic, language)`` is
the one place every page takes its list from: the clinic's contacts in the reader's
language (all of them when none is in it) first, then the national ones, leaving out a
national number the clinic already lists.

A clinic with no crisis contacts of its own may not take patients: ``refusal(clinic)``
says why, and the intake and episode actions and the public pages check it. The national
numbers are a floor under the clinic's contacts, not a replacement for them: the clinic
knows its local psychiatric emergency service and its own phone line.

Each national entry names its source; check them when a country changes its numbers
(marks as in CLINICAL.md: ✓ confirmed in the source, ~ secondary). Labels are the
services' own names and are not translated; the notes are.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .languages import pick_language

EMERGENCY = "emergency"
HELPLINE = "helpline"


@dataclass(frozen=True)
class NationalContact:
    label: str
    phone: str
    note: str | Promise
    kind: str
    url: str = ""
    source: str = ""
    national: bool = True


_EMERGENCY_NOTE = _("When a life is in danger now: ambulance, police, fire. Open day and night.")

NATIONAL_CONTACTS: dict[str, tuple[NationalContact, ...]] = {
    # Sweden: CLINICAL.md §5 ✓ (112; 1177; Mind's suicide line 90101).
    "SE": (
        NationalContact(
            "112",
            "112",
            _EMERGENCY_NOTE,
            EMERGENCY,
            url="https://www.112.se/",
            source="SOS Alarm, 112.se ✓",
        ),
        NationalContact(
            "Mind Självmordslinjen",
            "90101",
            _("Helpline for anyone thinking about suicide (in Swedish); also chat."),
            HELPLINE,
            url="https://mind.se/hitta-hjalp/sjalvmordslinjen/",
            source="Mind, mind.se; CLINICAL.md §5 ✓",
        ),
        NationalContact(
            "1177",
            "1177",
            _("Healthcare advice by phone, day and night."),
            HELPLINE,
            url="https://www.1177.se/",
            source="1177.se; CLINICAL.md §5 ✓",
        ),
    ),
    # Norway: 113 is the medical emergency number (112 police, 110 fire); Mental Helse's
    # helpline 116 123 is free and open day and night ~ (helsenorge.no, mentalhelse.no);
    # the out-of-hours doctor on 116 117, national since 2015 ~.
    "NO": (
        NationalContact(
            "113",
            "113",
            _("Ambulance, when a life is in danger now. Open day and night."),
            EMERGENCY,
            url="https://www.helsenorge.no/",
            source="Helsedirektoratet, helsenorge.no ✓",
        ),
        NationalContact(
            "Mental Helse Hjelpetelefonen",
            "116 123",
            _("Free helpline, open day and night (in Norwegian); also chat."),
            HELPLINE,
            url="https://mentalhelse.no/fa-hjelp/hjelpetelefonen",
            source="Mental Helse, mentalhelse.no ~",
        ),
        # The national out-of-hours doctor (legevakt) number, 116 117, reaches the local
        # legevakt wherever the caller is ~ (helsenorge.no, "Legevakt").
        NationalContact(
            "Legevakt",
            "116 117",
            _("Out-of-hours doctor, when you need a doctor urgently and your GP is closed."),
            HELPLINE,
            url="https://www.helsenorge.no/legevakt/",
            source="Helsedirektoratet, helsenorge.no ~",
        ),
    ),
    # Denmark: 112; Livslinien, the national suicide-prevention line, 70 201 201 ~
    # (livslinien.dk; opening hours have changed with its funding: check them).
    "DK": (
        NationalContact(
            "112",
            "112",
            _EMERGENCY_NOTE,
            EMERGENCY,
            url="https://www.112.dk/",
            source="Rigspolitiet, 112.dk ✓",
        ),
        NationalContact(
            "Livslinien",
            "70 201 201",
            _("Anonymous helpline for anyone thinking about suicide (in Danish); also chat."),
            HELPLINE,
            url="https://www.livslinien.dk/",
            source="Livslinien, livslinien.dk ~",
        ),
    ),
    # Netherlands: 112; 113 Zelfmoordpreventie on 113 (free since October 2025) or
    # 0800-0113, open day and night ~ (113.nl).
    "NL": (
        NationalContact(
            "112",
            "112",
            _EMERGENCY_NOTE,
            EMERGENCY,
            url="https://www.112.nl/",
            source="Rijksoverheid, 112.nl ✓",
        ),
        NationalContact(
            "113 Zelfmoordpreventie",
            "0800-0113",
            _("Free, anonymous helpline for anyone thinking about suicide, day and night."),
            HELPLINE,
            url="https://www.113.nl/",
            source="Stichting 113 Zelfmoordpreventie, 113.nl ~",
        ),
    ),
    # Scotland: 999 (112 also works); Samaritans 116 123, free, day and night; NHS 24
    # on 111 for urgent care when the GP is closed ~ (nhs24.scot, samaritans.org).
    "GB-SCT": (
        NationalContact(
            "999",
            "999",
            _EMERGENCY_NOTE,
            EMERGENCY,
            url="https://www.nhsinform.scot/",
            source="NHS inform ✓",
        ),
        NationalContact(
            "Samaritans",
            "116 123",
            _("Free helpline, open day and night."),
            HELPLINE,
            url="https://www.samaritans.org/scotland/",
            source="Samaritans, samaritans.org ~",
        ),
        NationalContact(
            "NHS 24",
            "111",
            _("Urgent care and mental health advice when your GP is closed."),
            HELPLINE,
            url="https://www.nhs24.scot/",
            source="NHS 24, nhs24.scot ~",
        ),
    ),
}


def national_contacts(country: str) -> tuple[NationalContact, ...]:
    return NATIONAL_CONTACTS.get(country, ())


def emergency_number(country: str) -> str:
    """The country's emergency number (112, 113, 999 …), "" where none is shipped."""
    return next((c.phone for c in national_contacts(country) if c.kind == EMERGENCY), "")


# The country a patient's interface language points to, for a patient with no episode
# (so no clinic) yet: English names no one country.
LANGUAGE_COUNTRY = {"sv": "SE", "nb": "NO", "da": "DK", "nl": "NL"}


def site_country() -> str:
    """The site's default country: ``settings.TESSERA_DEFAULT_COUNTRY`` where set, else
    the clinics' country when every clinic is in the same one (one query), else ""."""
    from django.conf import settings

    chosen = getattr(settings, "TESSERA_DEFAULT_COUNTRY", "")
    if chosen:
        return chosen
    from .models import Clinic

    countries = list(Clinic.objects.order_by().values_list("country", flat=True).distinct()[:2])
    return countries[0] if len(countries) == 1 else ""


def country_for_patient(patient, language: str | None = None) -> str:
    """The country whose emergency number a patient with no clinic should see: the one
    their record gives (the country of their identity number), else the one their
    preferred language (or ``language``, the page's) points to, else the site's default.
    Only countries with shipped numbers count."""
    candidates = [
        getattr(patient, "national_id_country", "") if patient is not None else "",
        LANGUAGE_COUNTRY.get(getattr(patient, "preferred_language", "") or ""),
        LANGUAGE_COUNTRY.get((language or "")[:2]),
    ]
    for country in candidates:
        if country and emergency_number(country):
            return country
    country = site_country()
    return country if emergency_number(country) else ""


def _digits(phone: str) -> str:
    return "".join(c for c in phone or "" if c.isdigit())


def contacts_for(clinic, language: str | None) -> list:
    """The clinic's crisis contacts in ``language``, else in the clinic's next language
    that has some (``languages.content_order``; the page marks them with ``lang``), else
    all of them; then the country's national ones not already listed. One query (none
    when the clinic's contacts were prefetched)."""
    shown, _found = pick_language(clinic.crisis_contacts.all(), language, clinic)
    listed = {_digits(c.phone) for c in shown if _digits(c.phone)}
    return shown + [c for c in national_contacts(clinic.country) if _digits(c.phone) not in listed]


def refusal(clinic) -> str | None:
    """Why this clinic may not take patients now, or None. One query."""
    if not clinic.crisis_contacts.exists():
        return str(
            _(
                "This clinic cannot take patients yet: it has no crisis contacts of its own. "
                "A clinic manager must add at least one (Clinic settings, Crisis contacts)."
            )
        )
    return None


def clinics_without_contacts(clinic_ids) -> set[int]:
    """Which of these clinics have no crisis contact of their own, so may not take
    patients (``refusal``): one query for many clinics."""
    from .models import CrisisContact

    ids = set(clinic_ids)
    if not ids:
        return set()
    return ids - set(
        CrisisContact.objects.filter(clinic_id__in=ids).values_list("clinic_id", flat=True)
    )


def check_taking_patients(clinic) -> None:
    """Raise a ValidationError when the clinic may not take patients (``refusal``)."""
    reason = refusal(clinic)
    if reason:
        raise ValidationError(reason, code="clinic_not_ready")
