"""Loading definitions: the shipped files, lookups, and clear errors for malformed files."""

import copy
import json
import subprocess
import sys

import pytest

from tessera.instruments.scoring import (
    DefinitionError,
    UnknownInstrumentError,
    load_all,
    load_definition,
    load_definition_file,
    missing_translations,
    parse_definition,
)

SHIPPED = {
    "PHQ-9", "GAD-7", "PHQ-15", "PCL-5", "DASS-21", "AUDIT", "AUDIT-C", "MADRS-S",
    "WSAS", "ISI", "PDSS-SR", "LSAS-SR", "OCI-R", "K10", "SPIN", "MI", "SHAI", "IES-R",
    "CORE-10", "NEQ-20", "WHODAS-12", "PSWQ",
}  # fmt: skip
WORDING_SHIPPED = {"PHQ-9", "GAD-7", "PHQ-15", "PCL-5", "DASS-21", "AUDIT", "AUDIT-C"}
RANGES = {
    "PHQ-9": (9, 0, 27), "GAD-7": (7, 0, 21), "PHQ-15": (15, 0, 30), "PCL-5": (20, 0, 80),
    "DASS-21": (21, 0, 126), "AUDIT": (10, 0, 40), "AUDIT-C": (3, 0, 12),
    "MADRS-S": (9, 0, 54), "WSAS": (5, 0, 40), "ISI": (7, 0, 28), "PDSS-SR": (7, 0, 28),
    "LSAS-SR": (48, 0, 144), "OCI-R": (18, 0, 72), "K10": (10, 10, 50),
    "SPIN": (17, 0, 68), "MI": (26, 1, 5), "SHAI": (18, 0, 54), "IES-R": (22, 0, 88),
    "CORE-10": (10, 0, 40), "NEQ-20": (40, 0, 20), "WHODAS-12": (12, 12, 60),
    "PSWQ": (16, 16, 80),
}  # fmt: skip


def test_it_ships_every_instrument_in_the_brief():
    assert set(load_all()) == SHIPPED


@pytest.mark.parametrize("code", sorted(SHIPPED))
def test_item_count_and_range_match_the_published_scale(code):
    definition = load_definition(code)
    assert (definition.item_count, definition.min_total, definition.max_total) == RANGES[code]


@pytest.mark.parametrize("code", sorted(SHIPPED))
def test_every_rule_names_its_source(code):
    d = load_definition(code)
    assert d.citation and d.licence.source and d.scoring_source and d.missing.source
    assert all(r.source for r in d.risk_rules + d.caseness + d.criteria)
    assert d.bands is None or d.bands.source
    assert all(s.source for s in d.missing.skip_rules + d.missing.optional_items)


@pytest.mark.parametrize("code", sorted(SHIPPED - WORDING_SHIPPED))
def test_structure_only_instruments_ship_no_wording(code):
    d = load_definition(code)
    assert d.wording_must_be_entered_by_clinic
    assert all(v is None for item in d.items for v in item.text.values())
    assert all(v is None for item in d.items for o in item.options for v in o.label.values())


@pytest.mark.parametrize("code", sorted(WORDING_SHIPPED))
def test_free_instruments_ship_english_and_report_swedish_as_missing(code):
    d = load_definition(code)
    assert all(item.text["en"] for item in d.items)
    missing = missing_translations(d)
    assert "items[1].text.sv" in missing
    assert not any(path.endswith(".en") for path in missing if path.startswith("items"))


def test_lookup_ignores_case_and_punctuation():
    assert load_definition("phq9") is load_definition("PHQ-9")
    assert load_definition("Audit-c").code == "AUDIT-C"
    with pytest.raises(UnknownInstrumentError, match="PHQ-9"):
        load_definition("BDI-II")


def test_the_library_does_not_import_django():
    code = (
        "import sys, tessera.instruments.batch, tessera.instruments.scoring.talking_therapies;"
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def raw(code="PHQ-9"):
    return copy.deepcopy(dict(load_definition(code).raw))


def broken(change):
    data = raw()
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(surprise=1), r"\$: unknown field\(s\) surprise"),
        (lambda d: d.pop("citation"), r"\$\.citation: is required"),
        (lambda d: d.update(schema_version=2), "schema_version: must be 1"),
        (lambda d: d.update(item_count=10), "numbered 1..10"),
        (lambda d: d["items"][0]["text"].pop("sv"), r"items\[0\]\.text: must have exactly"),
        (lambda d: d["items"][0]["text"].update(en=""), "non-empty string or null"),
        (lambda d: d["bands"]["ranges"][1].update(min=6), "must start at 5"),
        (lambda d: d["bands"]["ranges"][-1].update(max=26), "must run from 0 to 27"),
        (lambda d: d["risk_rules"][0].update(item=12), "unknown item 12"),
        (lambda d: d["risk_rules"][0].update(at_least=5), "outside the instrument"),
        (lambda d: d["risk_rules"][0].update(severity="meh"), "severity: must be one of"),
        (lambda d: d["caseness"][0].update(at_least=28), "outside the instrument"),
        (lambda d: d["missing"].update(rule="guess"), "must be 'refuse' or 'prorate'"),
        (lambda d: d["missing"].update(max_missing=2), "only apply to 'prorate'"),
        (lambda d: d["scoring"].update(method="median"), "must be one of sum, mean"),
        (lambda d: d["reliable_change"].update(sd=5.0), "sd and reliability"),
        (lambda d: d["response_options"][1].update(value=0), "option values must be unique"),
        (lambda d: d["licence"].update(wording_may_be_shipped=False), "wording: must be true"),
    ],
)
def test_it_explains_what_is_wrong_with_a_malformed_definition(change, message):
    with pytest.raises(DefinitionError, match=message) as caught:
        parse_definition(broken(change), source="phq9.json")
    assert str(caught.value).startswith("phq9.json: ")


def test_it_refuses_to_load_licensed_wording_into_a_structure_only_definition():
    data = raw("ISI")
    data["items"][0]["text"]["en"] = "Some wording"
    with pytest.raises(DefinitionError, match="must all be null"):
        parse_definition(data, source="isi.json")


def test_it_reports_unreadable_json_with_the_file_name(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(DefinitionError, match="bad.json: cannot read JSON"):
        load_definition_file(path)


def test_a_valid_file_round_trips(tmp_path):
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(raw("PCL-5")), encoding="utf-8")
    assert load_definition_file(path).criteria == load_definition("PCL-5").criteria
