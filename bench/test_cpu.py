"""The CPU benchmark's table (bench/cpu.py): ratios to the bare view, after / before,
and the targets. No server, no database."""

import io

import cpu


def _column(bare, home, inbox, staff=20.0, patient_bare=None):
    values = dict.fromkeys(cpu.PAGES, 10.0)
    values.update(
        {
            "bare signed-in view": bare,
            "bare signed-in view (patient)": bare if patient_bare is None else patient_bare,
            "patient home": home,
            "inbox (therapist)": inbox,
            "staff home (therapist)": staff,
        }
    )
    return values


def test_before_and_after_are_shown_with_ratios_and_the_targets():
    out = io.StringIO()
    cpu.table({"main": _column(5.0, 30.0, 80.0), "this tree": _column(5.0, 15.0, 40.0)}, out)
    text = out.getvalue()
    home = next(line for line in text.splitlines() if line.startswith("patient home"))
    assert home.split() == ["patient", "home", "30.0", "×6.0", "15.0", "×3.0", "×0.50"]
    # The targets are read from the last column: ×3 and ×8 are within, 40 ms is too.
    assert text.splitlines()[-1] == "targets: met"


def test_a_missed_target_is_named():
    out = io.StringIO()
    cpu.table({"now": _column(4.0, 16.0, 60.0)}, out)
    last = out.getvalue().splitlines()[-1]
    assert "patient home ×4.0 (target ×3)" in last
    assert "inbox (therapist) ×15.0 (target ×10)" in last
    assert "inbox (therapist) 60.0 ms (target 50 ms)" in last


def test_the_patient_home_is_measured_against_the_patients_own_bare_view():
    out = io.StringIO()
    cpu.table({"now": _column(6.0, 15.0, 40.0, patient_bare=4.0)}, out)
    home = next(line for line in out.getvalue().splitlines() if line.startswith("patient home"))
    assert home.split() == ["patient", "home", "15.0", "×3.8"]
    assert "patient home ×3.8 (target ×3)" in out.getvalue().splitlines()[-1]


def test_connections_are_kept_as_in_production_unless_the_environment_says_otherwise():
    environ = {}
    assert cpu.connections_kept(environ) == "60"
    assert environ == {"TESSERA_DB_CONN_MAX_AGE": "60"}  # the compared tree's children too
    assert cpu.connections_kept({"TESSERA_DB_CONN_MAX_AGE": "0"}) == "0"
