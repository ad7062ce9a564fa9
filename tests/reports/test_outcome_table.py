"""The per-episode outcome table: kept up to date from the saves that change it, equal to
a rebuild from scratch, and labelled by the outcome engine as worked out by hand."""

from __future__ import annotations

from django.forms.models import model_to_dict

from tessera.reports import outcome_table
from tessera.reports.models import EpisodeOutcome
from tests.reports.cohort import COHORT

# (finished, caseness at start, recovered, reliable improvement, reliable deterioration,
# reliable recovery), by hand from the cohort's scores (see cohort.py).
EXPECTED = {
    "A": (True, True, True, True, False, True),
    "B": (True, True, False, False, False, False),
    "C": (True, False, None, False, False, None),
    "D": (True, True, False, False, True, False),
    "E": (False, True, None, None, None, None),
    "F": (True, True, True, True, False, True),
}


def _labels(row):
    return tuple(getattr(row, field) for field in EpisodeOutcome.LABEL_FIELDS)


def _snapshot():
    rows = {}
    for row in EpisodeOutcome.objects.order_by("pk"):
        values = model_to_dict(row)
        values.pop("refreshed_at", None)
        rows[row.pk] = values
    return rows


def test_it_labels_each_course_as_worked_out_by_hand(cohort):
    for name, episode in cohort.items():
        row = EpisodeOutcome.objects.get(episode=episode)
        assert _labels(row) == EXPECTED[name], name


def test_it_reads_the_first_and_last_scores_and_the_contacts(cohort):
    row = EpisodeOutcome.objects.get(episode=cohort["A"])
    assert (row.dep_instrument, row.dep_first, row.dep_last) == ("PHQ-9", 15, 5)
    assert (row.anx_instrument, row.anx_first, row.anx_last) == ("GAD-7", 12, 4)
    assert (row.attended_contacts, row.sessions_attended) == (2, 2)
    assert (row.end_reason, row.weeks_in_treatment) == ("completed", 8)
    dropped = EpisodeOutcome.objects.get(episode=cohort["E"])
    assert (dropped.anx_first, dropped.anx_last, dropped.weeks_in_treatment) == (15, None, 1)


def test_it_stays_equal_to_a_rebuild_from_scratch(cohort):
    kept = _snapshot()  # the cohort's rows, written as it was built
    assert len(kept) == len(COHORT)
    EpisodeOutcome.objects.all().delete()
    assert outcome_table.rebuild() >= len(kept)  # also the shared world's episodes
    rebuilt = _snapshot()
    assert {pk: rebuilt[pk] for pk in kept} == kept


def test_a_new_response_updates_the_row_when_the_transaction_commits(
    world, django_capture_on_commit_callbacks
):
    from tests.reports.cohort import Course, build

    with django_capture_on_commit_callbacks(execute=True):
        episode = build(world, Course("G", (14, None), (11, None), 0, None), 40)
    row = EpisodeOutcome.objects.get(episode=episode)
    assert (row.dep_first, row.dep_last, row.finished) == (14, None, False)
    assert row.caseness_start is True


def test_nothing_is_written_before_the_transaction_commits(world):
    from tests.reports.cohort import Course, build

    episode = build(world, Course("H", (14, 9), (11, 7), 2, None), 41)
    assert not EpisodeOutcome.objects.filter(episode=episode).exists()
