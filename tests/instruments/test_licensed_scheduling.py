"""A licensed instrument shipped as structure only can be scheduled by a clinic as soon
as it has entered its licensed wording, is shown only in that wording, and its risk rule
opens an alert (issue 12, priority 3)."""

import uuid

import pytest

from tessera.instruments.actions import do_save_clinic_wording
from tessera.instruments.choices import instrument_choices, licensed_codes
from tessera.instruments.scoring import load_definition
from tessera.safety.models import RiskAlert
from tessera.treatment import actions as treatment
from tessera.treatment import questionnaires
from tessera.treatment.forms import MeasureRuleForm
from tessera.treatment.models import DueMeasure, MeasureRule
from tests.conftest import make_patient

ITEMS = {str(n): f"MADRS-S fråga {n} enligt klinikens licens" for n in range(1, 10)}
OPTIONS = {str(v): f"Steg {v}" for v in range(7)}


def save_madrss(world):
    return do_save_clinic_wording(
        world.clinic,
        "MADRS-S",
        "sv",
        acting_user=world["manager"],
        instructions="Markera det som stämmer bäst de senaste tre dagarna.",
        recall_period="",
        items=ITEMS,
        options=OPTIONS,
        source_note="Klinikens licensierade version",
    )


def codes(choices):
    return [code for code, _label in choices]


def test_without_wording_it_is_not_offered(world):
    assert "MADRS-S" not in codes(instrument_choices(world.clinic))
    assert "MADRS-S" not in codes(MeasureRuleForm(clinic=world.clinic).fields["instrument"].choices)
    assert "PHQ-9" in codes(instrument_choices(world.clinic))


def test_with_the_clinics_wording_it_is_offered_there_only(world):
    save_madrss(world)
    assert "MADRS-S" in licensed_codes(world.clinic)
    assert "MADRS-S" in codes(MeasureRuleForm(clinic=world.clinic).fields["instrument"].choices)
    assert "MADRS-S" not in codes(instrument_choices())  # shared programmes: shipped only
    other = world.other_patient.episodes.get().clinic
    if other.pk != world.clinic.pk:
        assert "MADRS-S" not in licensed_codes(other)


def test_scheduled_it_is_shown_in_the_licensed_wording_and_item9_opens_an_alert(
    world, django_capture_on_commit_callbacks
):
    save_madrss(world)
    form = MeasureRuleForm(
        {
            "instrument": "MADRS-S",
            "time_point": "pre",
            "open_days_before": 0,
            "expire_days_after": 7,
        },
        clinic=world.clinic,
    )
    assert form.is_valid(), form.errors
    rule = form.save(commit=False)
    rule.clinic = world.clinic
    rule.save()
    assert MeasureRule.objects.filter(clinic=world.clinic, instrument="MADRS-S").exists()
    patient, episode = make_patient(world.clinic, "madrs@alpha.test", therapist=world["therapist"])
    treatment.do_start_treatment(episode, acting_user=world["therapist"])
    due = DueMeasure.objects.get(episode=episode, instrument="MADRS-S")
    # An English reader gets the licensed Swedish wording, marked as Swedish: never blanks.
    view = questionnaires.build("MADRS-S", "en", clinic=world.clinic)
    assert [item.text for item in view.items] == list(ITEMS.values())
    assert {item.text_lang for item in view.items} == {"sv"}
    assert view.items[0].options[4] == (4, "Steg 4")
    with django_capture_on_commit_callbacks(execute=True):
        treatment.do_submit_response(
            due,
            {**dict.fromkeys(range(1, 9), 2), 9: 4},
            acting_user=patient.user,
            submission_key=uuid.uuid4(),
            language="sv",
        )
    alert = RiskAlert.objects.get(episode=episode)
    assert alert.rule_codes == ["madrss_item9"] and alert.severity == "high"


def _structure_only():
    from tessera.instruments.choices import can_be_filled_in
    from tessera.instruments.scoring.definitions import load_all

    return sorted(code for code, d in load_all().items() if not can_be_filled_in(d))


def test_the_structure_only_instruments_are_the_expected_ones():
    shipped_as_structure = {
        "MADRS-S", "ISI", "PDSS-SR", "WSAS", "K10", "LSAS-SR", "OCI-R", "SPIN", "MI",
        "SHAI", "IES-R", "CORE-10", "NEQ-20", "WHODAS-12", "PSWQ",
    }  # fmt: skip
    assert shipped_as_structure <= {load_definition(c).code for c in _structure_only()}


@pytest.mark.parametrize("code", _structure_only())
def test_every_structure_only_instrument_can_be_scheduled_once_its_wording_is_in(world, code):
    """Issue 12 point 3, the whole class: each instrument shipped as structure only is
    offered on the clinic's schedule as soon as the clinic has entered every text the
    definition does not ship, and not before."""
    from tessera.instruments.wording import all_items, own_option_items

    definition = load_definition(code)
    form_choices = lambda: codes(MeasureRuleForm(clinic=world.clinic).fields["instrument"].choices)  # noqa: E731
    assert definition.code not in form_choices()
    items = {
        str(item.number): f"{definition.code} fråga {item.number}"
        for item in all_items(definition)
        if not item.text.get("sv")
    }
    options = {
        str(o.value): f"Svar {o.value}"
        for o in definition.response_options
        if not o.label.get("sv")
    }
    item_options = {
        str(item.number): {
            str(o.value): f"Svar {o.value}" for o in item.options if not o.label.get("sv")
        }
        for item in own_option_items(definition)
    }
    do_save_clinic_wording(
        world.clinic,
        definition.code,
        "sv",
        acting_user=world["manager"],
        items=items,
        options=options,
        item_options={k: v for k, v in item_options.items() if v},
        source_note="Klinikens licensierade version",
    )
    assert definition.code in licensed_codes(world.clinic)
    assert definition.code in form_choices()
