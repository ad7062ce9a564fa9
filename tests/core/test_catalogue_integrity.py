"""Every catalogue says each message alone, whole and with its own placeholders
(decision 0137).

A Swedish entry had another message glued onto it ("En konsultation om din vård
avslutadesKonsultationen har avslutats, ..."): patients read it on "Who has seen my
record". ``test_translations`` checks that each entry is translated and keeps its
placeholders; these tests check that what is written there is one message: no two
sentences run together, no other entry's text inside it, no stray space at its edges,
no two roles of one list named alike. They read all five catalogues, English included
(its entries are empty, and any that is filled is held to the same rules).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from tessera.core import audit
from tessera.core.roles import Role, StudyRole
from tests.core.test_translations import EN_PO, TRANSLATED, messages, placeholders, po_path

CATALOGUES = [*TRANSLATED, "en"]

# A small letter (or a sentence's punctuation) with a capital straight after it: two
# sentences glued together, unless the English has the same (a name like "iCBT").
_CAPITAL = "A-ZÀ-ÖØ-Þ"
_GLUED = re.compile(rf"\w*(?:[^\W\d_{_CAPITAL}][{_CAPITAL}]|[.!?;:,][{_CAPITAL}])\w*")

# Words whose capital inside is right in a translation whose English has none: names of
# products, scales and people. Add one here only with its reason.
ALLOWED_GLUED = {
    "iCBT",  # the name of the treatment, as the English writes it
    "PHQ-9",  # scales keep their published names
    "GAD-7",
    "McDonald",  # a surname
}

# A translation this many times longer than its English (and longer than this) is read
# for another entry's text inside it.
LONGER, LONG_ENOUGH = 2.5, 60


def _path(code: str):
    return EN_PO if code == "en" else po_path(code)


def _translations(code: str):
    """(entry, English it translates, its translation) for each filled form."""
    for e in messages(_path(code)):
        for index, text in sorted(e.msgstr.items()):
            if not text:
                continue
            source = e.msgid_plural if index > 0 and e.msgid_plural is not None else e.msgid
            yield e, source, text


def glued(text: str) -> set[str]:
    """The words of ``text`` in which a capital follows a small letter or punctuation."""
    return set(_GLUED.findall(text))


def test_glued_sentences_are_found_and_names_are_not():
    bad = "En konsultation om din vård avslutadesKonsultationen har avslutats, och din kollega."
    assert glued(bad) == {"avslutadesKonsultationen"}
    assert glued("Slut.Nästa sida") == {"Slut.Nästa"}
    assert glued("Avslutad. Nästa sida, 12:30 och t.ex. 90:e") == set()
    assert {w for w in glued("iCBT för McDonald") if w not in ALLOWED_GLUED} == set()


@pytest.mark.parametrize("code", CATALOGUES)
def test_no_translation_glues_two_sentences_together(code):
    wrong = []
    for e, source, text in _translations(code):
        extra = {
            w for w in glued(text) - glued(source) if not any(name in w for name in ALLOWED_GLUED)
        }
        if extra:
            wrong.append(f"{e.label} -> {sorted(extra)}: {text!r}")
    assert not wrong, "two sentences run together (write the translation again):\n" + "\n".join(
        wrong
    )


@pytest.mark.parametrize("code", CATALOGUES)
def test_every_catalogue_keeps_the_placeholders_of_the_english(code):
    """``test_translations`` holds the four translated catalogues to it; English too, and
    ``{{ name }}`` as well as ``%(name)s``."""
    wrong = [
        f"{e.label} -> {text!r}"
        for e, source, text in _translations(code)
        if placeholders(text) != placeholders(source)
        # A singular may say "one" for the count its plural names (ngettext).
        and not (e.msgid_plural is not None and placeholders(text) <= placeholders(source))
    ]
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


@pytest.mark.parametrize("code", CATALOGUES)
def test_no_translation_carries_another_entrys_text(code):
    entries = list(_translations(code))
    # Other entries' whole translations, long enough to be a message of their own.
    others = Counter(text for _e, _s, text in entries if len(text) >= 20)
    wrong = []
    for e, source, text in entries:
        if len(text) <= LONG_ENOUGH or len(text) <= LONGER * len(source):
            continue
        inside = [o for o in others if o != text and o in text]
        if inside:
            wrong.append(f"{e.label} -> {text!r} holds {inside[0]!r}")
    assert not wrong, "a translation holds another message:\n" + "\n".join(wrong)


def _edges(text: str) -> tuple[bool, bool]:
    return text[:1].isspace(), text[-1:].isspace()


@pytest.mark.parametrize("code", CATALOGUES)
def test_no_translation_has_space_at_its_edges_that_the_english_has_not(code):
    wrong = [
        f"{e.label} -> {text!r}"
        for e, source, text in _translations(code)
        if _edges(text) != _edges(source)
    ]
    assert not wrong, "space at the start or end differs from the English:\n" + "\n".join(wrong)


@pytest.mark.parametrize("code", CATALOGUES)
def test_no_entry_is_fuzzy(code):
    fuzzy = [e.label for e in messages(_path(code)) if "fuzzy" in e.flags]
    assert not fuzzy, "check these entries and remove their #, fuzzy flag:\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("code", CATALOGUES)
def test_every_role_has_a_name_of_its_own(code):
    """A clinic role and a study role can stand in one list (a researcher who is also a
    study's investigator): Dutch had "Onderzoeker" for both."""
    with translation.override(code):
        names = [str(label) for _c, label in [*Role.choices, *StudyRole.choices]]
    twice = [name for name, n in Counter(names).items() if n > 1]
    assert not twice, f"{code}: roles named alike: {twice}"


# The templates' own words: {% translate "..." %} with a literal message.
_TEMPLATE_MESSAGE = re.compile(r'\{%\s*(?:translate|trans)\s+"([^"]+)"')
TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "tessera").glob("**/templates/**/*.html"))


def _one_word_in_two_numbers(a: str, b: str) -> bool:
    """One word in its two numbers ("Letter", "Letters") or with another capital, which
    some languages write alike."""
    a, b = sorted((a.casefold(), b.casefold()), key=len)
    return b in (a, a + "s")


def test_a_page_that_says_two_things_says_them_apart_in_its_catalogue_test_reader():
    assert _one_word_in_two_numbers("Letters", "Letter")
    assert _one_word_in_two_numbers("One row per patient", "one row per patient")
    assert not _one_word_in_two_numbers("Figure", "Measure")
    found = _TEMPLATE_MESSAGE.findall('<th>{% translate "Figure" %}</th>{% trans "Rate" %}')
    assert found == ["Figure", "Rate"]


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_page_that_says_two_things_says_them_apart(code):
    """Two different English messages on one page are two translations: Swedish had
    "Mått" for both the figures' and the measures' column on the quarterly report, and
    Norwegian the same words for the button "Export in the background" and the heading
    "Exports in the background" under it."""
    catalogue = {
        e.msgid: e.msgstr[0]
        for e in messages(_path(code))
        if e.msgctxt is None and e.msgid_plural is None and e.msgstr.get(0)
    }
    alike = []
    for template in TEMPLATES:
        said: dict[str, set[str]] = {}
        for msgid in set(_TEMPLATE_MESSAGE.findall(template.read_text(encoding="utf-8"))):
            if msgid in catalogue:
                said.setdefault(catalogue[msgid].casefold(), set()).add(msgid)
        for text, msgids in said.items():
            a, *rest = sorted(msgids)
            if rest and not all(_one_word_in_two_numbers(a, b) for b in rest):
                alike.append(f"{template.name}: {sorted(msgids)} -> {text!r}")
    assert not alike, f"{code}: one translation for two messages on a page:\n" + "\n".join(alike)


@pytest.mark.parametrize(
    "code, patients",
    [
        ("consultation.ended", "En konsultation om din vård avslutades"),
        ("consultation.viewed", "En konsultation om din vård visades"),
    ],
)
def test_who_has_seen_my_record_says_a_consultation_in_swedish_whole(world, login, code, patients):
    """The compiled catalogue, on the patient's page: the event's words and nothing
    glued after them."""
    audit.record_for_episode(code, world.episode, actor=world["therapist"])
    client = login(world["patient"])
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    text = client.get(reverse("my_access_log")).content.decode()
    assert patients in text
    assert "Konsultationen har avslutats, och din kollegas" not in text
    assert f"<td>{patients}</td>" in text  # the words, and nothing after them
