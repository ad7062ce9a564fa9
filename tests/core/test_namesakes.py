"""Two people named alike in one list are told apart by what a clinic asks at the desk:
the date of birth, then the record's number (tessera.core.namesakes, decision 0128)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.template import Context, Template
from django.utils import translation

from tessera.core.models import Episode, Patient
from tessera.core.namesakes import namesake_details

BORN = dt.date(1990, 1, 2)


def _patient(pk, first="Anna", last="Svensson", born=BORN) -> Patient:
    return Patient(pk=pk, first_name=first, last_name=last, date_of_birth=born)


def _episode(pk, patient_id, first="Anna", last="Svensson", born=BORN) -> Episode:
    return Episode(
        pk=pk,
        patient_id=patient_id,
        patient_first_name=first,
        patient_last_name=last,
        patient_date_of_birth=born,
    )


def test_it_leaves_a_name_of_its_own_alone():
    rows = [_patient(1), _patient(2, first="Olle"), _patient(3, last="Berg")]
    assert namesake_details(rows) == ["", "", ""]


def test_it_tells_namesakes_apart_by_the_date_of_birth():
    with translation.override("en"):
        said = namesake_details([_patient(1), _patient(2, born=dt.date(1985, 3, 12))])
    assert said == ["born 1990-01-02", "born 1985-03-12"]


def test_it_adds_the_record_number_when_the_date_of_birth_is_shared_too():
    with translation.override("en"):
        said = namesake_details([_patient(7), _patient(9), _patient(4, born=dt.date(1985, 3, 12))])
    assert said == ["born 1990-01-02, record 7", "born 1990-01-02, record 9", "born 1985-03-12"]


def test_it_says_it_in_the_readers_language():
    with translation.override("sv"):
        said = namesake_details([_patient(1), _patient(2, born=dt.date(1985, 3, 12))])
    assert said[0].startswith("född ")


def test_the_same_person_twice_is_no_namesake():
    """Two alerts, or two measures due, of one patient: the name is theirs alone."""
    alerts = [SimpleNamespace(episode=_episode(1, 5)), SimpleNamespace(episode=_episode(2, 5))]
    assert namesake_details(alerts) == ["", ""]


def test_it_reads_the_episodes_copies_and_rows_that_hold_an_episode():
    rows = [
        SimpleNamespace(episode=_episode(1, 5)),
        {"episode": _episode(2, 6, first=" anna ", born=dt.date(1985, 3, 12))},
        _episode(3, 7, first="Olle"),
    ]
    with translation.override("en"):
        assert namesake_details(rows) == ["born 1990-01-02", "born 1985-03-12", ""]


def test_an_applicant_is_told_apart_by_the_reference_without_a_date_of_birth():
    def application(pk, reference, born=None):
        return SimpleNamespace(
            pk=pk, patient_id=None, reference=reference, full_name="Anna Svensson",
            date_of_birth=born,
        )  # fmt: skip

    rows = [SimpleNamespace(application=application(1, "A-1")), application(2, "B-2", BORN)]
    with translation.override("en"):
        assert namesake_details(rows) == ["record A-1", "born 1990-01-02"]


def test_the_filters_write_it_inside_the_link():
    page = Template(
        "{% load namesakes %}{% for p in rows|namesakes %}"
        "<a href='/p/{{ p.pk }}/'>{{ p.last_name }}, {{ p.first_name }}{{ p|namesake }}</a>"
        "{% endfor %}"
    )
    rows = [_patient(1), _patient(2, born=dt.date(1985, 3, 12)), _patient(3, first="Bo")]
    with translation.override("en"):
        html = page.render(Context({"rows": rows}))
    assert html == (
        "<a href='/p/1/'>Svensson, Anna <span class=\"namesake\">(born 1990-01-02)</span></a>"
        "<a href='/p/2/'>Svensson, Anna <span class=\"namesake\">(born 1985-03-12)</span></a>"
        "<a href='/p/3/'>Svensson, Bo</a>"
    )


def test_a_name_is_told_apart_from_the_people_the_reader_knows_too():
    """The inbox's page names one of a therapist's two Anna Svenssons; the other, in the
    caseload with no row on the page, is why the one shown says which she is."""
    rows = [SimpleNamespace(episode=_episode(1, 5)), SimpleNamespace(episode=_episode(1, 5))]
    caseload = [_episode(1, 5), _episode(2, 6, born=dt.date(1985, 3, 12)), _episode(3, 7, "Bo")]
    with translation.override("en"):
        assert namesake_details(rows) == ["", ""]
        assert namesake_details(rows, among=caseload) == ["born 1990-01-02"] * 2
        # The page's own person among the known ones is no second person.
        assert namesake_details(rows, among=[_episode(1, 5)]) == ["", ""]
