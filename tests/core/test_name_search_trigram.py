"""A search by a part of a name is answered from the names' trigram indexes on
PostgreSQL (core 0034, decision 0162; issue 16). Before, no index could answer
``UPPER(name) LIKE '%part%'``: every search read the clinic's whole range of episodes
(1,584 pages at 100,000 patients for a name nobody has, decision 0147)."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from tessera.core.access.patients import patient_search_q
from tessera.core.models import Episode

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not ON_POSTGRES, reason="the trigram indexes are PostgreSQL's"),
]
INDEXES = ("episode_first_name_trgm", "episode_last_name_trgm")


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: as at scale
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_migration_made_both_indexes_on_the_searched_expression():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'treatment_episode'"
        )
        found = dict(cursor.fetchall())
    for name, column in zip(INDEXES, ("patient_first_name", "patient_last_name"), strict=True):
        assert name in found, sorted(found)
        definition = found[name]
        assert "USING gin" in definition and "gin_trgm_ops" in definition, definition
        assert f"upper(({column})::text)" in definition, definition


def test_a_name_search_reads_the_trigram_indexes(world):
    plan = _plan(Episode.objects.filter(patient_search_q("zzqx")).values("pk"))
    for name in INDEXES:
        assert name in plan, plan
    # ... and finds what it should, with letters beyond ASCII and in any case.
    episode = world.episode
    type(episode.patient).objects.filter(pk=episode.patient_id).update(last_name="Ødegård")
    for words in ("ødeg", "ØDEGÅ", "gård"):
        assert Episode.objects.filter(patient_search_q(words), pk=episode.pk).exists(), words
    assert not Episode.objects.filter(patient_search_q("zzqx"), pk=episode.pk).exists()
