"""Deterioration flags work for every instrument with a reliable-change value (a cited
threshold, or SD and reliability for Jacobson & Truax), not only PHQ-9 and GAD-7; an
instrument without one says why in its definition (issue 12 item 5).

Hand-scored: CORE-10 S_diff = 7.7 × √2 × √(1 − .90) = 3.444; a rise of 7 gives RC 2.03
(> 1.96, reliable), a rise of 6 gives 1.74 (not)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from tessera.inbox.activity import _deterioration
from tessera.instruments.scoring.definitions import load_all

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def scores(first, last):
    episode = SimpleNamespace(pk=7, clinic=SimpleNamespace(time_zone="Europe/Stockholm"))
    return [
        SimpleNamespace(pk=1, total=first, submitted_at=T0, due=None, episode=episode),
        SimpleNamespace(
            pk=2, total=last, submitted_at=T0 + dt.timedelta(weeks=4), due=None, episode=episode
        ),
    ]


@pytest.mark.parametrize(
    ("code", "first", "flagged", "not_flagged"),
    [
        ("PHQ-9", 5, 11, 10),
        ("GAD-7", 5, 9, 8),
        ("PDSS-SR", 10, 15, 14),
        ("SPIN", 20, 30, 29),
        ("IES-R", 30, 39, 38),
        ("SHAI", 20, 24, 23),
        ("MI", 2.0, 2.73, 2.72),
        ("CORE-10", 10, 17, 16),
    ],
)
def test_a_reliable_rise_is_flagged_on_every_measure_with_a_value(
    code, first, flagged, not_flagged
):
    item = _deterioration(code, scores(first, flagged))
    assert item is not None and "reliable deterioration" in item.reason
    assert _deterioration(code, scores(first, not_flagged)) is None
    assert _deterioration(code, scores(first, first - 10)) is None  # a fall is no flag


def test_a_measure_without_a_value_raises_no_flag():
    assert _deterioration("MADRS-S", scores(10, 40)) is None


def test_every_instrument_has_a_reliable_change_value_or_says_why_not():
    for definition in load_all().values():
        rc = definition.reliable_change
        if rc is None:
            assert (definition.reliable_change_note or "").startswith("None"), definition.code
        else:
            assert rc.source.strip(), definition.code


def test_the_caseload_says_when_a_measure_has_no_reliable_change_value(world, login):
    """MADRS-S has none on file (its definition says why): the caseload says so rather
    than leaving the change blank, as the end letter does."""
    import uuid

    from django.urls import reverse

    from tessera.treatment import actions as treatment
    from tessera.treatment.models import DueMeasure

    for sequence, value in enumerate([1, 5]):
        due = DueMeasure.objects.create(
            episode=world.episode,
            instrument="MADRS-S",
            time_point="weekly",
            sequence=sequence,
            opens_at=world.due.opens_at,
            due_at=world.due.due_at,
            expires_at=world.due.expires_at,
        )
        treatment.do_submit_response(
            due,
            dict.fromkeys(range(1, 10), value) | {9: 0},
            acting_user=world.patient.user,
            submission_key=uuid.uuid4(),
            language="en",
        )
    html = login(world["therapist"]).get(reverse("caseload")).content.decode()
    assert 'data-instrument="MADRS-S"' in html
    assert 'data-change="none_on_file"' in html
    assert "no reliable-change value on file" in html
