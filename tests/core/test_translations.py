"""Translations: every catalogue (Swedish, Norwegian Bokmål, Danish, Dutch) is complete,
keeps its placeholders, is compiled, and a visitor can switch the site between languages.

The .po files are read with the small parser below (no polib dependency). After adding
or changing a translatable string, regenerate the catalogues from inside tessera/ and
translate what is new:

    cd tessera && ../manage.py makemessages -l sv -l en -l nb -l da -l nl --no-location \
        --ignore 'instruments/definitions/*'
    ../manage.py compilemessages      # or `make messages`
"""

from __future__ import annotations

import ast
import gettext
import inspect
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tessera.core import national_id
from tessera.core.models import Patient

LOCALE = Path(__file__).resolve().parents[2] / "tessera" / "locale"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
# Every language of settings.LANGUAGES but English (the source) has a translated catalogue.
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]


def po_path(code: str) -> Path:
    return LOCALE / code / "LC_MESSAGES" / "django.po"


# On tessera/templates/core/welcome.html, which "/" shows to visitors who are not signed in.
WELCOME_EN = "Internet-delivered cognitive behavioural therapy, with your clinic."
WELCOME_SV = "Kognitiv beteendeterapi (KBT) via internet, tillsammans med din mottagning."


# --- a small .po reader ---------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # msgstr is stored as index 0
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid!r}"

    def extend(self, target: tuple[str, int], text: str) -> None:
        name, index = target
        if name == "msgstr":
            self.msgstr[index] = self.msgstr.get(index, "") + text
        else:
            setattr(self, name, (getattr(self, name) or "") + text)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"$')


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def read_po(path: Path) -> list[Entry]:
    """Entries of a .po file, header included; obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None  # which string a continuation line extends

    def finish() -> None:
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            finish()
        elif line.startswith("#"):  # comments come before the entry they belong to
            if target is not None:
                finish()
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif match := _KEYWORD.match(line):
            keyword, index, text = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword in ("msgctxt", "msgid") and target and target[0] == "msgstr":
                finish()  # a new entry with no blank line before it
            entry.line = entry.line or number
            target = ("msgstr", int(index or 0)) if keyword.startswith("msgstr") else (keyword, 0)
            entry.extend(target, text)
        elif line.startswith('"') and line.endswith('"') and target is not None:
            entry.extend(target, _unquote(line[1:-1]))
        else:
            raise ValueError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    return entries


def messages(path: Path) -> list[Entry]:
    return [e for e in read_po(path) if not e.is_header]


# %(name)s, %s, %d, %% ...; {name} and {0}; and {{ name }} in case one slips through.
_PLACEHOLDER = re.compile(
    r"%(?:\([^)]*\))?[-#0+]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]"
    r"|\{\{\s*[\w.|:\"']+\s*\}\}"
    r"|\{\w*(?:[.!:][^{}]*)?\}"
)


def placeholders(text: str) -> Counter[str]:
    return Counter(_PLACEHOLDER.findall(text))


# --- the reader itself ----------------------------------------------------------------


def test_the_po_reader_handles_wrapping_plurals_context_flags_and_obsolete_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: sv\\n"\n'
        'msgid "One"\nmsgstr "Ett"\n\n'
        "#, fuzzy, python-format\n"
        'msgid ""\n"Hello, "\n"%(name)s \\"x\\""\nmsgstr "Hej %(name)s"\n\n'
        'msgctxt "month"\nmsgid "May"\nmsgstr "maj"\n\n'
        'msgid "%(n)s file"\nmsgid_plural "%(n)s files"\nmsgstr[0] "%(n)s fil"\n'
        'msgstr[1] ""\n"%(n)s filer"\n\n'
        '#~ msgid "Gone"\n#~ msgstr "Borta"\n',
        encoding="utf-8",
    )
    header, one, hello, may, files = read_po(po)
    assert header.is_header and header.msgstr[0] == "Language: sv\n"
    assert (one.msgid, one.msgstr, one.flags) == ("One", {0: "Ett"}, set())
    assert hello.msgid == 'Hello, %(name)s "x"' and hello.flags == {"fuzzy", "python-format"}
    assert (may.msgctxt, may.msgid, may.msgstr[0]) == ("month", "May", "maj")
    assert files.msgid_plural == "%(n)s files"
    assert files.msgstr == {0: "%(n)s fil", 1: "%(n)s filer"}


def test_placeholders_are_found_in_every_form():
    found = placeholders("%(role)s at %(clinic)s, %s, 100%%, {name}, {0}, {{ n }}")
    assert found == Counter(["%(role)s", "%(clinic)s", "%s", "%%", "{name}", "{0}", "{{ n }}"])
    assert placeholders("YYMMDD-NNNN (BSN): plain text") == Counter()


# --- the catalogues -------------------------------------------------------------------


def test_the_five_study_languages_are_offered():
    assert [code for code, _name in settings.LANGUAGES] == ["en", "sv", "nb", "da", "nl"]


def test_every_catalogue_exists_and_names_its_language():
    for path, code in [(po_path(code), code) for code in TRANSLATED] + [(EN_PO, "en")]:
        assert path.is_file(), f"{path} is missing: run makemessages -l {code}"
        header = read_po(path)[0]
        assert header.is_header
        assert f"Language: {code}\n" in header.msgstr[0]
        assert "fuzzy" not in header.flags, f"{path}: the header is still marked fuzzy"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_catalogue_has_the_messages_of_the_english(code):
    def keys(path):
        return {(e.msgctxt, e.msgid) for e in messages(path)}

    assert keys(po_path(code)) == keys(EN_PO), f"re-run makemessages for -l {code} and -l en"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated_and_not_fuzzy(code):
    entries = messages(po_path(code))
    assert len(entries) > 100  # the catalogue was really read
    fuzzy = [e.label for e in entries if "fuzzy" in e.flags]
    untranslated = [
        e.label
        for e in entries
        if not e.msgstr
        or not all(s.strip() for s in e.msgstr.values())
        or (e.msgid_plural is not None and len(e.msgstr) < 2)
    ]
    assert not fuzzy, "check these entries and remove their #, fuzzy flag:\n" + "\n".join(fuzzy)
    assert not untranslated, "translate these entries:\n" + "\n".join(untranslated)


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_the_placeholders_of_the_english(code):
    wrong = []
    for e in messages(po_path(code)):
        for index, text in e.msgstr.items():
            source = e.msgid_plural if index > 0 and e.msgid_plural is not None else e.msgid
            if placeholders(text) != placeholders(source):
                wrong.append(f"{e.label} -> {text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_every_national_id_message_is_in_the_catalogue():
    """national_id.py marks its messages with gettext_noop so that makemessages finds them."""
    tree = ast.parse(inspect.getsource(national_id))
    marked = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "gettext_noop"
        and isinstance(node.args[0], ast.Constant)
    }
    assert len(marked) >= 10
    assert national_id.gettext_noop("x") == "x"
    for code in TRANSLATED:
        catalogue = {e.msgid: e.msgstr.get(0, "") for e in messages(po_path(code))}
        missing = sorted(m for m in marked if not catalogue.get(m))
        assert not missing, f"re-run makemessages and translate ({code}):\n" + "\n".join(missing)


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_compiled_catalogue_matches_the_po(code):
    mo = po_path(code).with_suffix(".mo")
    assert mo.is_file(), f"{mo} is missing: run `make messages` (compilemessages)"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for e in messages(po_path(code)):
        if e.msgid_plural is not None:
            got = compiled.ngettext(e.msgid, e.msgid_plural, 1)
        elif e.msgctxt is not None:
            got = compiled.pgettext(e.msgctxt, e.msgid)
        else:
            got = compiled.gettext(e.msgid)
        if got != e.msgstr[0]:
            stale.append(e.label)
    assert not stale, "the .mo is out of date: run `make messages`:\n" + "\n".join(stale)


# --- switching language ---------------------------------------------------------------


def _switch(client, language: str) -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_visitor_can_switch_the_site_to_swedish_and_back(client, db):
    page = client.get("/").content.decode()
    assert '<html lang="en"' in page and WELCOME_EN in page

    _switch(client, "sv")
    page = client.get("/").content.decode()
    assert '<html lang="sv"' in page
    assert WELCOME_SV in page
    assert "Logga in" in page and "Byt språk" in page
    assert WELCOME_EN not in page

    _switch(client, "en")
    page = client.get("/").content.decode()
    assert '<html lang="en"' in page and WELCOME_EN in page


@pytest.mark.parametrize(
    "language, expected",
    [
        ("en", "The number should contain only digits"),
        ("sv", "Numret ska bara innehålla siffror"),
    ],
)
def test_national_id_errors_on_the_patient_record_are_translated(language, expected):
    patient = Patient(
        first_name="Ada",
        last_name="Lind",
        date_of_birth=date(1990, 1, 1),
        national_id_country="SE",
        national_id="19900101-ABCD",
    )
    with translation.override(language), pytest.raises(ValidationError) as raised:
        patient.clean()
    with translation.override(language):
        (text,) = raised.value.message_dict["national_id"]
    assert text.startswith(expected)
