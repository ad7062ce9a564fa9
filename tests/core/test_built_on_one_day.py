"""Committed data built over a midnight is built again on the new day (decision 0129):
the demo's copy, the axe walk's people and the reports journeys' cohort
(``tests.demo_snapshot.kept_for_the_day``)."""

import datetime as dt

import pytest

from tessera.core.models import Region
from tests.demo_snapshot import DatabaseCopy, kept_for_the_day

SUNDAY, MONDAY = (dt.date(2027, 10, 31),), (dt.date(2027, 11, 1),)


class Clock:
    """The days as ``days()`` tells them: Sunday until ``turn()``."""

    def __init__(self) -> None:
        self.today = SUNDAY

    def __call__(self) -> tuple[dt.date, ...]:
        return self.today

    def turn(self) -> None:
        self.today = MONDAY


@pytest.mark.django_db(transaction=True)
def test_a_midnight_during_the_build_builds_it_again_on_the_new_day(flushable_audit_trail):
    clock, built = Clock(), []

    def build():
        built.append(clock())
        Region.objects.create(name=f"Region {len(built)}", country="SE")
        if len(built) == 1:
            clock.turn()  # midnight, halfway through the first build
        return len(built)

    database = DatabaseCopy()
    assert kept_for_the_day(database, build, days=clock) == 2
    assert built == [SUNDAY, MONDAY]
    # Built again from the database as it was before, not on top of the first build.
    assert list(Region.objects.values_list("name", flat=True)) == ["Region 2"]
    assert database.day == MONDAY

    # Later the same day: the copy is put back, not built.
    Region.objects.all().delete()
    assert kept_for_the_day(database, build, days=clock) is None
    assert list(Region.objects.values_list("name", flat=True)) == ["Region 2"]
    assert len(built) == 2


@pytest.mark.django_db(transaction=True)
def test_a_midnight_while_the_copy_is_put_back_builds_it_on_the_new_day(flushable_audit_trail):
    clock = Clock()
    database = DatabaseCopy()
    kept_for_the_day(
        database, lambda: Region.objects.create(name="Sunday's", country="SE"), days=clock
    )
    Region.objects.all().delete()

    restore = database.restore

    def restore_over_midnight():
        restore()
        clock.turn()

    database.restore = restore_over_midnight
    made = kept_for_the_day(
        database, lambda: Region.objects.create(name="Monday's", country="SE"), days=clock
    )
    assert made.name == "Monday's"
    assert list(Region.objects.values_list("name", flat=True)) == ["Monday's"]
    assert database.day == MONDAY
