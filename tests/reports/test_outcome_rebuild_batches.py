"""A rebuild of the outcome table reads and writes the country's episodes a batch at a
time (decision 0147).

``rebuild_outcomes`` held every episode id in one list and sent it back as one ``NOT
IN`` list to remove the rows of episodes that are gone: a statement that grows with the
country (SQLite refuses one past 32,766 parameters). Now no statement of the rebuild
names more than a batch of ids, and the rows written are the same. Fails on the old
rebuild (its removal names every episode)."""

from __future__ import annotations

import re

from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from tessera.core.models import Episode
from tessera.reports import outcome_table
from tessera.reports.models import EpisodeOutcome

BATCH = 1


def _rows() -> dict:
    return {
        row.episode_id: {
            k: v for k, v in model_to_dict(row).items() if k not in ("id", "refreshed_at")
        }
        for row in EpisodeOutcome.objects.all()
    }


def _longest_id_list(sql: str) -> int:
    """The most ids in one ``IN (...)`` list of numbers in the statement."""
    lists = re.findall(r"\bIN \((\d+(?:, ?\d+)*)\)", sql)
    return max((len(found.split(",")) for found in lists), default=0)


def test_a_rebuild_names_at_most_a_batch_of_episodes_and_writes_every_row(world, monkeypatch):
    monkeypatch.setattr(outcome_table, "BATCH", BATCH)
    episodes = Episode.objects.count()
    assert episodes > 2 * BATCH
    outcome_table.rebuild()
    whole = _rows()
    gone = EpisodeOutcome.objects.first()
    gone_episode = gone.episode_id
    EpisodeOutcome.objects.exclude(pk=gone.pk).delete()
    with CaptureQueriesContext(connection) as captured:
        assert outcome_table.rebuild() == episodes
    assert max(_longest_id_list(q["sql"]) for q in captured.captured_queries) <= BATCH
    assert _rows() == whole and gone_episode in whole
