"""The patient search by name in one clinic that grows (decisions 0140, 0147): the
database pages each shape of the search reads, side by side, at growing sizes.

    python bench/name_search.py                          # 1,000 / 10,000 / 100,000
    python bench/name_search.py --sizes 1000,10000

Needs PostgreSQL (``--database-url``, default a database ``tessera_name_search_bench``
on 127.0.0.1, dropped, created, migrated and seeded with the demo afresh:
``scale.fresh_database``, ``scale.setup_django``). The demo clinic is grown to each size
in turn with ``INSERT ... SELECT generate_series`` (patients with pseudo-random names
and identity numbers, one episode each, carrying the names as core 0018's trigger
would), then ``VACUUM ANALYZE``. A national service's clinic is one clinic: the
search's scope (the clinic) grows with the country, which ``scale.py``'s country, whose
clinics stay the same size, does not show.

Per size and search words (a name part that finds nobody, a part that finds a few, a
whole identity number), the pages read (``scale.pages_read``: EXPLAIN (ANALYZE,
BUFFERS), shared buffers hit + read) of the clinic's matching episodes, as the patient
list and the invitation's search filter them:

  as one     the names and the number OR-ed in one query (``access.patient_search_q``
             before 0147: the number's patients an array subquery of the OR);
  split      the number looked up first (its own index), then the names OR-ed with the
             patients it found as a list of ids, two queries;
  as now     ``access.patient_search_q`` as the code has it.

Each size is measured twice, side by side: without the names' trigram indexes (dropped
for the measurement, as before core 0034) and with them (``pg_trgm`` GIN indexes on the
episodes' upper-cased name copies, made by core 0034 since decision 0162; before it, this
bench made them itself with ``--trigram``). Each shape's matches are checked equal.

``--listing`` measures instead the patient list's own queries for each search, as the
demo clinic's manager (a clinic-wide role) sends them, with the indexes: ``count`` the
list's count as it was (every match counted: ``access.real_patient_listing(...).count()``),
``first page`` its first 25 rows as they were read (the ``ORDER BY ... LIMIT``), and
``page and count`` the first page and its count as the list reads them now
(``views.patients.patient_paginator``: one read, counted no further than its cap;
absent before decision 0165). The first page is checked the same as the first 25
of every match, sorted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tessera_name_search_bench"

PATIENTS = """
INSERT INTO core_patient (id, {columns}, first_name, last_name, national_id,
  national_id_country, user_id, is_training)
SELECT %(first)s + g, {template_columns},
  (%(firsts)s::text[])[1 + abs(hashtext('f' || (%(first)s + g))) %% %(n_firsts)s],
  (%(lasts)s::text[])[1 + abs(hashtext('l' || (%(first)s + g))) %% %(n_lasts)s]
    || CASE WHEN g %% 3 = 0 THEN '-' || (%(lasts)s::text[])[1 + g %% %(n_lasts)s] ELSE '' END,
  '19' || lpad((%(first)s + g)::text, 10, '0'), 'SE', NULL, false
FROM core_patient t, generate_series(1, %(n)s) g WHERE t.id = %(template)s
"""
EPISODES = """
INSERT INTO treatment_episode (id, {columns}, patient_id, clinic_id, therapist_id,
  patient_first_name, patient_last_name, patient_date_of_birth)
SELECT %(first_episode)s + g, {template_columns}, %(first)s + g, %(clinic)s, NULL,
  p.first_name, p.last_name, p.date_of_birth
FROM treatment_episode t, generate_series(1, %(n)s) g
JOIN core_patient p ON p.id = %(first)s + g
WHERE t.id = %(template)s
"""
# Names as a Nordic clinic's are spread: a few very common ones, many rarer, a third of
# the last names double: "ander" is then in about one patient in twenty.
FIRST_NAMES = (
    "Anna Eva Maria Karin Sara Lena Emma Kerstin Ingrid Sofia Erik Lars Karl Anders Per "
    "Johan Nils Mikael Jan Hans Åsa Björn Göran Ömer Zoë Noël José Aída Liv Ole Søren Mette "
    "Freja Ida Maja Elsa Hugo Liam Ali Fatima Mohammed Yusuf Ahmed Olga Irina Mirja Aino"
).split()
LAST_NAMES = (
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson "
    "Gustafsson Pettersson Jonsson Jansson Hansson Bengtsson Jönsson Lindberg Jakobsson "
    "Magnusson Lindström Olofsson Lindqvist Lindgren Berg Axelsson Bergström Lundberg "
    "Lind Lundgren Lundqvist Mattsson Berglund Fredriksson Sandberg Henriksson Forsberg "
    "Sjöberg Wallin Ali Engström Mohamed Eklund Danielsson Lundin Håkansson Björk Bergman "
    "Gunnarsson Holm Wikström Samuelsson Isaksson Fransson Bergqvist Nyström Holmberg "
    "Arvidsson Löfgren Söderberg Nyberg Blomqvist Claesson Nordström Mårtensson Lundström "
    "Hansen Jensen Nielsen Pedersen Andersen Johansen Larsen Olsen de Vries Jansen Bakker "
    "Visser Smit Meijer de Jong Mulder Müller Nguyen Yılmaz Kovačević Ødegård Ærø"
).split()
OWN = {
    "core_patient": {
        "id",
        "first_name",
        "last_name",
        "national_id",
        "national_id_country",
        "user_id",
        "is_training",
    },
    "treatment_episode": {
        "id",
        "patient_id",
        "clinic_id",
        "therapist_id",
        "patient_first_name",
        "patient_last_name",
        "patient_date_of_birth",
    },
}
# Core 0034's indexes: dropped for the "without" rows, made again as the migration
# makes them for the rows "+trgm".
TRIGRAM_INDEXES = ("episode_first_name_trgm", "episode_last_name_trgm")


def trigram_indexes(connection, made: bool) -> None:
    from importlib import import_module

    migration = import_module("tessera.core.migrations.0034_episode_name_trigram_indexes")
    with connection.cursor() as cursor:
        if made:
            for name, column in migration.INDEXES.items():
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {name} ON treatment_episode "
                    f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
                )
        else:
            cursor.execute(f"DROP INDEX IF EXISTS {', '.join(TRIGRAM_INDEXES)}")
        cursor.execute("ANALYZE treatment_episode")


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "ORDER BY ordinal_position",
        [table],
    )
    return [c for (c,) in cursor.fetchall() if c not in OWN[table]]


def grow_clinic(clinic_id: int, target: int) -> None:
    """Patients and their episodes in the clinic until it holds ``target`` episodes,
    each copied from one of the demo's (its other columns), triggers off as a restore."""
    from django.db import connection, transaction

    from tessera.core.models import Episode

    have = Episode.objects.filter(clinic_id=clinic_id).count()
    if target <= have:
        return
    template = Episode.objects.filter(clinic_id=clinic_id).order_by("pk").first()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        values = {
            "firsts": FIRST_NAMES,
            "n_firsts": len(FIRST_NAMES),
            "lasts": LAST_NAMES,
            "n_lasts": len(LAST_NAMES),
            "n": target - have,
            "clinic": clinic_id,
            "first": scale._next_id(cursor, "core_patient"),
            "first_episode": scale._next_id(cursor, "treatment_episode"),
        }
        for sql, table, row in (
            (PATIENTS, "core_patient", template.patient_id),
            (EPISODES, "treatment_episode", template.pk),
        ):
            columns = _columns(cursor, table)
            cursor.execute(
                sql.format(
                    columns=", ".join(f'"{c}"' for c in columns),
                    template_columns=", ".join(f't."{c}"' for c in columns),
                ),
                {**values, "template": row},
            )
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE core_patient")
        cursor.execute("VACUUM ANALYZE treatment_episode")


def as_one_q(query: str):
    """``access.patient_search_q`` before decision 0147."""
    from django.db.models import Q

    from tessera.core.access.base import in_subquery
    from tessera.core.models import Patient

    by_number = Patient.objects.filter(national_id=query).exclude(national_id="")
    return (
        Q(patient_first_name__icontains=query)
        | Q(patient_last_name__icontains=query)
        | in_subquery("patient_id", by_number.values("pk"))
    )


def split_q(query: str):
    from django.db.models import Q

    from tessera.core.models import Patient

    ids = list(
        Patient.objects.filter(national_id=query)
        .exclude(national_id="")
        .values_list("pk", flat=True)
    )
    names = Q(patient_first_name__icontains=query) | Q(patient_last_name__icontains=query)
    return names | Q(patient_id__in=ids) if ids else names


def now_q(query: str):
    from tessera.core.access import patient_search_q

    return patient_search_q(query)


SHAPES = [("as one", as_one_q), ("split", split_q), ("as now", now_q)]


def read(clinic_id: int, shape, query: str) -> tuple[int, list[int]]:
    """Pages read by every SELECT of the search (the shape's own look-ups included),
    and the patients it found."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tessera.core.models import Episode

    with CaptureQueriesContext(connection) as captured:
        found = sorted(
            Episode.objects.filter(clinic_id=clinic_id)
            .filter(shape(query))
            .values_list("patient_id", flat=True)
        )
    pages = sum(scale.pages_read(q["sql"]) for q in captured.captured_queries)
    return pages, found


def words(clinic_id: int) -> list[tuple[str, str]]:
    """The searches measured: a name part nobody has, a part of the commonest names
    (Andersson, Andersen: about one patient in twenty), a rarer one with a letter
    beyond ASCII (Ødegård: about one in seventy), and a grown patient's whole identity number
    (the clinic's first grown one: the same words at every size)."""
    from tessera.core.models import Episode

    first = (
        Episode.objects.filter(clinic_id=clinic_id, patient__national_id__startswith="19")
        .select_related("patient")
        .order_by("pk")
        .first()
        .patient
    )
    return [
        ("nobody", "Zzqx"),
        ("common part", "ander"),
        ("rare part", "ødegå"),
        ("identity number", first.national_id),
    ]


def listing_pages(manager, query: str) -> dict[str, int]:
    """Pages read by the patient list's queries for a search (``--listing``)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tessera.core import access
    from tessera.core.views import patients as view

    def pages(run) -> tuple[int, object]:
        with CaptureQueriesContext(connection) as captured:
            value = run()
        read = [q["sql"] for q in captured.captured_queries if scale.is_read(q["sql"])]
        return sum(scale.pages_read(sql) for sql in read), value

    entries = access.real_patient_listing(manager, query)
    out = {}
    out["count"], every = pages(lambda: entries.count())
    make = getattr(view, "patient_paginator", None)
    if make is not None:

        def as_the_view():
            paginator = make(manager, query)
            paginator.get_page(1)
            return paginator.count

        out["page and count"], _ = pages(as_the_view)
    out["first page"], first = pages(lambda: list(entries[: view.PAGE_SIZE]))
    if make is not None:
        shown = [
            (p.last_name, p.first_name, p.pk, p.date_of_birth)
            for p in make(manager, query).get_page(1).object_list
        ]
        if shown != first:
            raise SystemExit(f"the list's first page differs for {query!r}")
    alone = sorted(entries.order_by())[: view.PAGE_SIZE]
    if [tuple(r) for r in first] != [tuple(r) for r in alone]:
        raise SystemExit(f"the first page is not the first of every match for {query!r}")
    out["found"] = every
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=scale.sizes_arg, default=scale.sizes_arg("1000,10000,100000")
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument(
        "--listing", action="store_true", help="the patient list's own queries (0165)"
    )
    args = parser.parse_args(argv)
    scale.fresh_database(args.database_url)
    scale.setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from tessera.core.models import Clinic
    from tessera.portal import demo

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    demo.seed()
    print(f"migrated and seeded the demo in {time.perf_counter() - started:.0f} s")
    clinic = Clinic.objects.get(slug=scale.DEMO_CLINIC).pk
    if args.listing:
        return listing(clinic, args.sizes)
    variants = [("", False), (" +trgm", True)]
    table: dict[tuple[str, str], list[str]] = {}
    differ = []
    for size in args.sizes:
        grow_clinic(clinic, size)
        for suffix, trigram in variants:
            trigram_indexes(connection, made=trigram)
            for label, query in words(clinic):
                answers = {}
                for name, shape in SHAPES:
                    read(clinic, shape, query)  # warm
                    pages, found = read(clinic, shape, query)
                    answers[name] = found
                    table.setdefault((label, name + suffix), []).append(str(pages))
                if len({tuple(f) for f in answers.values()}) != 1:
                    differ.append((size, label, suffix))
        print(f"measured {size:,} episodes in the clinic", flush=True)
    head = ["search", "shape"] + [f"{s:,}" for s in args.sizes] + ["growth"]
    rows = [head]
    for (label, name), pages in table.items():
        rows.append([label, name, *pages, scale.ratio(int(pages[0]), int(pages[-1]))])
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for r in rows:
        print(
            "  ".join(
                c.ljust(w) if i < 2 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    if differ:
        print(f"MATCHES DIFFER: {differ}")
        return 1
    print("every shape found the same patients")
    return 0


def listing(clinic: int, sizes: list[int]) -> int:
    from django.db import connection

    from tessera.core.demo import demo_email
    from tessera.core.models import User

    manager = User.objects.get(email=demo_email("manager"))
    table: dict[tuple[str, str], list[str]] = {}
    for size in sizes:
        grow_clinic(clinic, size)
        trigram_indexes(connection, made=True)
        for label, query in words(clinic):
            listing_pages(manager, query)  # warm
            measured = listing_pages(manager, query)
            for name, pages in measured.items():
                table.setdefault((label, name), []).append(f"{pages:,}")
        print(f"measured {size:,} episodes in the clinic", flush=True)
    head = ["search", "query"] + [f"{s:,}" for s in sizes] + ["growth"]
    rows = [head]
    for (label, name), pages in table.items():
        first, last = (int(p.replace(",", "")) for p in (pages[0], pages[-1]))
        rows.append([label, name, *pages, "" if name == "found" else scale.ratio(first, last)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for r in rows:
        print(
            "  ".join(
                c.ljust(w) if i < 2 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    print("every first page was the first of every match, sorted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
