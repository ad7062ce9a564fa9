"""For the tests of a patient's earlier courses (decisions 0151, 0154): a course ended,
and a patient referred again several times."""

from __future__ import annotations

from tessera.portal.ending import do_end_episode
from tessera.treatment.actions import do_open_episode


def end_course(episode, user):
    """The course ended as completed by ``user``, read back."""
    do_end_episode(episode, acting_user=user, reason="completed")
    episode.refresh_from_db()
    return episode


def courses_after(world, n: int) -> list:
    """``n`` ended courses of the world's patient (world.episode first), then an open
    one; the ended ones, oldest first."""
    ended = [end_course(world.episode, world["therapist"])]
    for _ in range(n - 1):
        course = do_open_episode(
            world.patient, world.clinic, status="active", therapist=world["therapist"]
        )
        ended.append(end_course(course, world["therapist"]))
    do_open_episode(world.patient, world.clinic, status="active", therapist=world["therapist"])
    return ended
