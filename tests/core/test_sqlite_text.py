"""Letters beyond ASCII are compared and sorted without regard to case on SQLite, as on
PostgreSQL (decision 0156). SQLite's own LIKE and lower() fold only A-Z: "öberg" did not
find "Öberg" there, nor "övning" the practice patient. Runs on both databases; on
SQLite each test fails without ``tessera.core.sqlite_text``."""

from __future__ import annotations

import pytest
from django.db.models.functions import Lower

from tessera.core import access
from tessera.core.models import Patient
from tessera.core.sqlite_text import _like


@pytest.fixture
def named(world):
    from tests.conftest import make_patient

    for n, (first, last) in enumerate((("Åsa", "Öberg"), ("Ängel", "Ødegård"), ("Zoë", "Zander"))):
        make_patient(
            world.clinic,
            f"named{n}@example.test",
            therapist=world["therapist"],
            first=first,
            last=last,
        )
    return world


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("öberg", {"Öberg"}),
        ("ÖBERG", {"Öberg"}),
        ("Öberg", {"Öberg"}),
        ("ødeg", {"Ødegård"}),
        ("ZOË", {"Zander"}),
        ("oberg", set()),  # an o is not an ö
        ("ander", {"Zander"}),
    ],
)
def test_a_name_is_found_in_any_case_of_any_letter(named, query, found):
    by_name = Patient.objects.filter(first_name__icontains=query) | Patient.objects.filter(
        last_name__icontains=query
    )
    assert set(by_name.values_list("last_name", flat=True)) == found
    listed = access.real_patient_listing(named["therapist"], query)
    assert {last for last, *_ in listed} == found


def test_names_sort_by_their_small_letters(named):
    names = list(
        Patient.objects.filter(last_name__in=["Öberg", "Zander"])
        .order_by(Lower("last_name"))
        .values_list("last_name", flat=True)
    )
    assert names == ["Zander", "Öberg"]
    lowered = Patient.objects.filter(last_name="Öberg").annotate(low=Lower("last_name"))
    assert lowered.get().low == "öberg"


@pytest.mark.parametrize(
    ("pattern", "value", "escape", "matched"),
    [
        ("%ÖB%", "Åsa Öberg", None, True),
        ("å_a", "ÅSA", None, True),
        ("100\\%", "100%", "\\", True),
        ("100\\%", "1000", "\\", False),
        ("a\\_b", "a_b", "\\", True),
        ("a\\_b", "axb", "\\", False),
        ("%", None, None, None),
        ("line%", "line one\nline two", None, True),
    ],
)
def test_like_as_sql_says_every_letter_without_case(pattern, value, escape, matched):
    assert _like(pattern, value, escape) is matched
