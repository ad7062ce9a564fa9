"""A clinician's home tells of their consultations, a supervisor's of the cases they
follow (decision 0162). Before, a supervisor's home named their role and the team's
inbox only: a question the clinic's therapists had asked the supervisors, and the cases
followed in supervision, were found only by opening Consultations and Supervision."""

from __future__ import annotations

from django.urls import reverse

from tessera.consultation import actions
from tests.consultation.consultation_helpers import ask, comment
from tests.staff_home import read_home

UNANSWERED_ONE = "1 question from a colleague has no answer yet"
ANSWERED_ONE = "1 of your questions has an answer you have not read"


def test_a_question_to_the_supervisors_waits_on_their_home_until_answered(world, login):
    page, _ = read_home(login, world["supervisor"])
    assert "Consultations and supervision" in page
    assert "You follow 0 cases in supervision" in page
    assert "no answer yet" not in page
    request = ask(world, to_supervisors=True)
    page, _ = read_home(login, world["supervisor"])
    assert UNANSWERED_ONE in page
    assert f'href="{reverse("consultation_list")}"' in page
    # The asker is not told of their own question as one to answer.
    page, _ = read_home(login, world["therapist"])
    assert "no answer yet" not in page
    comment(request, world["supervisor"], "Try the video session first.")
    page, _ = read_home(login, world["supervisor"])
    assert "no answer yet" not in page
    # ... and the asker now has an answer they have not read, until they open it.
    page, _ = read_home(login, world["therapist"])
    assert ANSWERED_ONE in page
    assert f'href="{reverse("consultation_mine")}"' in page
    login(world["therapist"]).get(reverse("consultation_detail", args=[request.pk]))
    page, _ = read_home(login, world["therapist"])
    assert "you have not read" not in page


def test_the_askers_own_follow_up_is_not_an_answer(world, login):
    request = ask(world)
    comment(request, world["therapist"], "One more thing: she sleeps badly.")
    page, _ = read_home(login, world["colleague"])
    assert UNANSWERED_ONE in page
    page, _ = read_home(login, world["therapist"])
    assert "you have not read" not in page


def test_an_ended_question_is_not_counted(world, login):
    request = ask(world)
    actions.do_end_consultation(request, acting_user=world["therapist"])
    page, _ = read_home(login, world["colleague"])
    assert "no answer yet" not in page


def test_followed_cases_are_counted_in_the_same_queries_for_one_and_three(world, login):
    actions.do_follow_case(world.episode, acting_user=world["supervisor"])
    page, one = read_home(login, world["supervisor"])
    assert "You follow 1 case in supervision" in page
    assert f'href="{reverse("supervision_list")}"' in page
    for n in range(2):
        ask(world, to_supervisors=True, question=f"Question {n}")
    page, more = read_home(login, world["supervisor"])
    assert "2 questions from colleagues have no answer yet" in page
    assert more == one


def test_who_has_nothing_open_sees_no_part(world, login):
    for role in ("therapist", "colleague"):
        page, _ = read_home(login, world[role])
        assert "Consultations and supervision" not in page, role
    for role in ("researcher", "author", "intake"):
        page, _ = read_home(login, world[role])
        assert "Consultations and supervision" not in page, role


def test_the_demo_shows_each_part(seeded_demo, login):
    from tessera.core.models import User

    def home_of(local):
        return read_home(login, User.objects.get(email=f"{local}@demo.tessera.test"))[0]

    page = home_of("supervisor")
    assert UNANSWERED_ONE in page and "You follow 1 case in supervision" in page
    assert ANSWERED_ONE in home_of("therapist")
