"""One word for one thing, and one way of addressing the reader, in every catalogue.

A patient who reads "behandleren din" on one page and "terapeuten din" on the next, or a
Dutch e-mail that says "u" in its first sentence and "je" in its second, is left to
wonder whether two people are meant, or who wrote to them. The catalogues were written
by several hands over many sessions; these rules keep them to one glossary (decision
0107 says why each word was chosen):

- the therapist is "behandlare" (sv), "behandler" (nb, da), "behandelaar" (nl), never a
  "terapeut"/"therapeut" on one page and a "behandler" on another;
- a treatment session is what the patient's menu calls it: "besök" (sv), "samtale"
  (da), "afspraak" (nl), "time" / "timeavtale" (nb);
- a risk alert is what the menu calls it: "riskvarning" (sv), "risikoadvarsel" (da),
  "risicosignaal" (nl), not also a "risklarm", "risikoalarm" or "risicomelding";
- in Dutch the clinic is "kliniek" (its role is "kliniekmanager"), never also a
  "praktijk" (a GP's practice stays a "huisartsenpraktijk"); the applicant is
  "aanmelder", since "aanmelding" is the application; signing in is "inloggen", never
  "aanmelden", which would read as applying;
- Dutch addresses patients, applicants and staff as "je", as most of the catalogue did;
  only what is written to another professional (a GP's or a referrer's letter and
  receipt) says "u", as Dutch professional correspondence does.

Each rule names the English messages it reads (by a pattern on the msgid) and what their
translation may not contain. A new message that breaks one fails here with its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.core.test_translations import TRANSLATED, messages, po_path


@dataclass(frozen=True)
class Rule:
    name: str
    languages: tuple[str, ...]
    msgid: str  # a pattern on the English text (case-insensitive)
    forbidden: str  # a pattern the translation may not contain
    use: str  # what to write instead, for the failure message
    exempt: tuple[str, ...] = ()  # English messages (their beginnings) the rule leaves alone


# Written to another professional: Dutch correspondence between professionals says "u".
TO_PROFESSIONALS = (
    "Your patient has been assessed",
    "Your patient started treatment on",
    "We will write again when treatment starts and when it ends.",
    "Your referral has been received",
    "Thank you for referring your patient",
    "Our reference for this referral is",
    "%(clinic)s has received your referral",
    # "u" is the Dutch abbreviation of "uur" (hour) here.
    "%(h)s h",
)

RISK_ALERT = r"\brisk alerts?\b|\b(open|unacknowledged) alerts?\b|\bits alert\b"

# A treatment session as the patient's menu names it ("My sessions"), not the session a
# sign-in keeps ("every session ended").
SESSION = r"\b(next|my) sessions\b|\bbooked a session\b|\ba session has been booked\b"

RULES = (
    Rule(
        "the therapist",
        ("sv", "nb", "da"),
        r"therapist",
        r"(?i)\bterapeut",
        "behandlare (sv), behandler (nb, da)",
    ),
    Rule("the therapist", ("nl",), r"therapist", r"(?i)\btherapeut", "behandelaar"),
    # The menu's "Risk alerts" and the alert a patient's page shows are one thing.
    Rule("the risk alert", ("sv",), RISK_ALERT, r"(?i)larm", "riskvarning, varning"),
    Rule(
        "the risk alert",
        ("da",),
        RISK_ALERT,
        r"(?i)alarm|\b(risiko)?vars(el|l)",
        "risikoadvarsel, advarsel",
    ),
    Rule("the risk alert", ("nl",), RISK_ALERT, r"(?i)melding", "risicosignaal, signaal"),
    Rule("the session", ("sv",), SESSION, r"(?i)\bsession|\bsamtal", "besök (Mina besök)"),
    Rule("the session", ("da",), SESSION, r"(?i)\bsession", "samtale (Mine samtaler)"),
    Rule("the session", ("nl",), SESSION, r"(?i)\bsessie", "afspraak (Mijn afspraken)"),
    Rule("the session", ("nb",), SESSION, r"(?i)\bsamtal|\bøkt", "time, timeavtale"),
    Rule(
        "the clinic",
        ("nl",),
        r"clinic(?!al|ian)",
        r"(?i)(?<!huisartsen)praktijk",
        "kliniek (kliniekmanager)",
    ),
    Rule(
        "the clinic manager",
        ("nl",),
        r"clinic manager|clinic's manager",
        r"(?i)klinisch manager",
        "kliniekmanager",
    ),
    Rule("the applicant", ("nl",), r"applicant", r"(?i)aanvrager", "aanmelder"),
    # In Swedish the clinic is "mottagningen" (310 messages); "kliniken" twice was left
    # over ("kliniker", a clinician, is another word and stays).
    Rule(
        "the clinic",
        ("sv",),
        r"clinic(?!al|ian)",
        r"(?i)\bklinik(en|ens)?\b",
        "mottagningen",
    ),
    # The care team (the therapist and those with them) is one word in each language:
    # a Dutch patient read "je behandelteam" on every page and "je zorgteam" on the
    # questionnaire's, a Danish one "behandlerteam" and "behandlingsteam".
    Rule("the care team", ("nl",), r"care team", r"(?i)zorgteam", "behandelteam"),
    Rule("the care team", ("da",), r"care team", r"(?i)behandlingsteam", "behandlerteam"),
    # On call is "dienst hebben" on the rota, the alerts and the staff list alike (the
    # staff list's column said "Bereikbaar", reachable, beside a rota of "diensten").
    Rule("on call", ("nl",), r"on[ -]call", r"(?i)\bbereikbaar\b", "dienst (heeft dienst)"),
    Rule(
        "signing in",
        ("nl",),
        r"\bsign(ed|ing|s)?[ -]in\b",
        r"(?i)\bmeld (je|u)\b[^.:;]*\baan\b|\b(kan|kunnen) niet meer aanmelden|"
        r"om aan te melden:|mislukte aanmeldingen|nog niet aangemeld",
        "inloggen, log in, ingelogd",
    ),
    Rule(
        "one way of addressing the reader",
        ("nl",),
        r".",
        r"\b(u|uw|U|Uw|uzelf|Uzelf)\b",
        "je, jij, jou, jezelf",
        exempt=TO_PROFESSIONALS,
    ),
)


def breaches(rule: Rule, catalogue: Path) -> list[str]:
    found = []
    for entry in messages(catalogue):
        if not re.search(rule.msgid, entry.msgid, re.IGNORECASE):
            continue
        if entry.msgid.startswith(rule.exempt):
            continue
        for text in entry.msgstr.values():
            if re.search(rule.forbidden, text):
                found.append(f"  {entry.msgid[:70]!r} -> {text[:90]!r}")
                break
    return found


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        pytest.param(rule, code, id=f"{code}-{rule.name}")
        for rule in RULES
        for code in rule.languages
    ],
)
def test_every_message_follows_the_glossary(rule, code):
    found = breaches(rule, po_path(code))
    assert not found, (
        f"{code}: {rule.name} is written {rule.use}; {len(found)} message(s) in "
        f"{po_path(code).name} differ:\n" + "\n".join(found)
    )


def test_the_rules_cover_every_translated_language_they_name():
    assert {code for rule in RULES for code in rule.languages} <= set(TRANSLATED)


def test_the_rules_find_what_they_forbid(tmp_path):
    """Each rule, given a catalogue that breaks it, names the message."""
    samples = {
        ("sv", "the therapist"): ("Your therapist", "Din terapeut"),
        ("nb", "the therapist"): ("Your therapist", "Terapeuten din"),
        ("da", "the therapist"): ("Your therapist", "Din terapeut"),
        ("nl", "the therapist"): ("Your therapist", "Je therapeut"),
        ("sv", "the risk alert"): ("Open alerts", "Öppna larm"),
        ("da", "the risk alert"): ("Open risk alerts", "Åbne risikovarsler"),
        ("nl", "the risk alert"): ("Open risk alerts", "Openstaande risicomeldingen"),
        ("sv", "the session"): ("Your next sessions", "Dina nästa samtal"),
        ("da", "the session"): ("All my sessions", "Alle mine sessioner"),
        ("nl", "the session"): ("A session has been booked for you", "Er is een sessie geboekt"),
        ("nb", "the session"): ("Your next sessions", "De neste samtalene dine"),
        ("nl", "the clinic"): ("Send to my clinic", "Naar mijn praktijk sturen"),
        ("nl", "the clinic manager"): ("The clinic manager", "De klinisch manager"),
        ("nl", "the applicant"): ("Contact the applicant.", "Neem contact op met de aanvrager."),
        ("nl", "signing in"): ("Sign in to see it.", "Meld je aan om die te zien."),
        ("sv", "the clinic"): ("Your clinic", "Din klinik"),
        ("nl", "the care team"): ("Your care team reads it.", "Je zorgteam leest het."),
        ("da", "the care team"): ("Your care team reads it.", "Dit behandlingsteam læser det."),
        ("nl", "on call"): ("On call", "Bereikbaar"),
        ("nl", "one way of addressing the reader"): ("Write your message.", "Schrijf uw bericht."),
    }
    for rule in RULES:
        for code in rule.languages:
            msgid, msgstr = samples[(code, rule.name)]
            path = tmp_path / f"{code}-{len(rule.name)}.po"
            path.write_text(f'msgid "{msgid}"\nmsgstr "{msgstr}"\n', encoding="utf-8")
            assert breaches(rule, path), (code, rule.name)


def test_letters_to_professionals_keep_the_formal_address():
    """The exemption is for what professionals read, and those messages do say "u"."""
    kept = [
        entry
        for entry in messages(po_path("nl"))
        if entry.msgid.startswith(TO_PROFESSIONALS) and entry.msgid != "%(h)s h"
    ]
    assert len(kept) >= 7
    assert all(re.search(r"\b(u|uw|U|Uw)\b", entry.msgstr[0]) for entry in kept)
