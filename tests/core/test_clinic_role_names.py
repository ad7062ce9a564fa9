"""A clinic role's copy of its user's name, e-mail and whether they may sign in, kept by
the database (core 0023, decision 0064): the team's pages read their therapists from it,
so it must be right at once after every way of writing a user or a role."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from tessera.core import access, actions
from tessera.core.models import ClinicRole, Episode, User
from tessera.core.roles import Role
from tessera.inbox import scope
from tessera.workload import figures
from tests.conftest import make_patient, make_user
from tests.inbox.inbox_world import message


def _kept(user) -> set[tuple]:
    return set(
        ClinicRole.objects.filter(user=user).values_list(
            "user_first_name", "user_last_name", "user_email", "user_is_active"
        )
    )


def _options(page) -> dict[int, str]:
    return {person.pk: str(person) for person in page.context["therapists"]}


def test_a_role_takes_its_users_name_when_granted(world):
    user = make_user("new@alpha.test", first_name="Nora", last_name="Nyström")
    actions.do_grant_role(user, world.clinic, Role.THERAPIST)
    assert _kept(user) == {("Nora", "Nyström", "new@alpha.test", True)}


def test_a_renamed_therapist_shows_the_new_name_at_once(world, login):
    """Saved by the ORM (the admin, the account page) or by ``update()``: every role of
    the user, at every clinic, and the team's inbox, caseload and workload pages."""
    therapist = world["therapist"]
    actions.do_grant_role(therapist, world.other_clinic, Role.THERAPIST)
    therapist.first_name, therapist.last_name = "Åsa", "Öberg"
    therapist.save()
    assert _kept(therapist) == {("Åsa", "Öberg", "therapist@alpha.test", True)}
    User.objects.filter(pk=therapist.pk).update(last_name="Ek", email="asa.ek@alpha.test")
    assert _kept(therapist) == {("Åsa", "Ek", "asa.ek@alpha.test", True)}

    client = login(world["manager"])
    inbox = client.get(reverse("inbox"), {"therapist": "all"})
    assert _options(inbox)[therapist.pk] == "Åsa Ek"
    assert "Åsa Ek" in inbox.content.decode()  # the therapist column of their rows
    caseload = client.get(reverse("caseload"), {"therapist": "all"})
    assert _options(caseload)[therapist.pk] == "Åsa Ek"
    team = client.get(reverse("team_workload", args=["alpha"]))
    shown = {t.pk: t.get_full_name() for t, _week, _weeks, _leave in team.context["rows"]}
    assert shown[therapist.pk] == "Åsa Ek"


def test_a_name_cleared_shows_the_email(world):
    therapist = world["therapist"]
    User.objects.filter(pk=therapist.pk).update(first_name="", last_name="")
    people = {p.pk: str(p) for p in scope.team_therapists(world["manager"])}
    assert people[therapist.pk] == "therapist@alpha.test"


def test_a_role_saved_from_an_old_copy_takes_the_name_again(world):
    """A role read before the rename and saved after it (``do_update_role``) does not
    write the old name back."""
    role = ClinicRole.objects.get(user=world["therapist"], clinic=world.clinic)
    User.objects.filter(pk=world["therapist"].pk).update(first_name="Ny")
    actions.do_update_role(role, acting_user=world["manager"], max_caseload=30)
    assert ClinicRole.objects.get(pk=role.pk).user_first_name == "Ny"


def test_a_therapist_who_left_the_clinic(world, login):
    """Offboarded: their role is gone (not offered in the team's inbox), their account
    closed; the patients still theirs show their name, and the caseload says who left."""
    leaver = world["colleague"]
    actions.do_offboard_staff(leaver, acting_user=world["manager"], clinics=[world.clinic])
    assert not ClinicRole.objects.filter(user=leaver).exists()
    assert leaver.pk not in {p.pk for p in scope.team_therapists(world["manager"])}
    client = login(world["manager"])
    inbox = client.get(reverse("inbox"), {"therapist": "all"})
    assert leaver.pk not in _options(inbox)
    caseload = client.get(reverse("caseload"), {"therapist": "all"})
    assert f"({leaver.email} has left)" in caseload.content.decode()


def test_a_deactivated_therapist_who_keeps_the_role_is_marked(world, login):
    """Account closed while the role stays: the caseload's choice says "has left"."""
    User.objects.filter(pk=world["colleague"].pk).update(is_active=False)
    assert _kept(world["colleague"]) == {("", "", "colleague@alpha.test", False)}
    page = login(world["manager"]).get(reverse("caseload"))
    assert "colleague@alpha.test (has left)" in page.content.decode()


def test_the_therapists_in_the_databases_name_order(world):
    """Å, Ä, Ö and lower case sorted as before: the roles joined to their users and
    ordered by the database (its collation, not Python's)."""
    for n, (first, last) in enumerate(
        [("Bo", "Öst"), ("Al", "Åberg"), ("Cy", "ahl"), ("Di", "Ärlig"), ("Ed", "Zorn")]
    ):
        user = make_user(f"order{n}@alpha.test", first_name=first, last_name=last)
        actions.do_grant_role(user, world.clinic, Role.THERAPIST)
        make_patient(world.clinic, f"order.patient{n}@alpha.test", therapist=user)
    joined = list(
        access.therapist_roles([world.clinic.pk])
        .order_by("user__last_name", "user__first_name", "user__email")
        .values_list("user_id", flat=True)
    )
    assert [p.pk for p in scope.team_therapists(world["manager"])] == joined
    by_id = list(
        access.therapist_roles([world.clinic.pk])
        .order_by("user__last_name", "user__first_name", "user_id")
        .values_list("user_id", flat=True)
    )
    assert [r.user_id for r in figures.therapists_by_name(world.clinic)] == by_id


def test_the_team_inbox_reads_no_user_of_its_therapists(world, login):
    """The team's therapists come from their roles; the caseload's therapists are those
    users (no query for them), a user read only for a therapist no longer on the team."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    colleague_episode = Episode.objects.get(therapist=world["colleague"])
    message(colleague_episode, at=timezone.now())  # a row with the therapist column
    client = login(world["manager"])
    client.get(reverse("inbox"))
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("inbox"))
    assert "colleague@alpha.test" in page.content.decode()
    users = [q["sql"] for q in captured if 'FROM "core_user"' in q["sql"]]
    assert len(users) == 1, users  # the signed-in user only
    ClinicRole.objects.filter(user=world["colleague"]).delete()
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("inbox"))
    users = [q["sql"] for q in captured if 'FROM "core_user"' in q["sql"]]
    assert len(users) == 2, users  # and the colleague, who has patients but no role
    assert "colleague@alpha.test" in page.content.decode()


def _has_password(user) -> set[bool]:
    return set(
        ClinicRole.objects.filter(user=user).values_list("user_has_usable_password", flat=True)
    )


def test_a_role_keeps_whether_its_user_has_signed_in(world, login):
    """Core 0027: invited (no usable password) until they choose one; the staff page
    says so from the copy. Any way of writing the password keeps it."""
    from django.contrib.auth.hashers import make_password

    invited = actions.do_invite_staff(
        world.clinic,
        acting_user=world["manager"],
        email="invited@alpha.test",
        first_name="Ina",
        last_name="Inbjuden",
        job_title="",
        role=Role.THERAPIST,
    ).user
    assert _has_password(invited) == {False}
    assert _has_password(world["therapist"]) == {True}
    client = login(world["manager"])
    page = client.get(reverse("clinic_staff", args=[world.clinic.slug]))
    rows = {p["user"].pk: p for p in page.context["people"]}
    assert rows[invited.pk]["invited"] and not rows[world["therapist"].pk]["invited"]
    row = page.content.decode().split(f'data-user="{invited.pk}"')[1].split("</tr>")[0]
    assert "Invited, not yet signed in" in row

    invited.set_password("a-long-new-password-18")
    invited.save()
    assert _has_password(invited) == {True}
    page = client.get(reverse("clinic_staff", args=[world.clinic.slug]))
    row = page.content.decode().split(f'data-user="{invited.pk}"')[1].split("</tr>")[0]
    assert "Invited, not yet signed in" not in row
    User.objects.filter(pk=invited.pk).update(password=make_password(None))
    assert _has_password(invited) == {False}
    # A role granted later takes it from the user.
    actions.do_grant_role(invited, world.other_clinic, Role.SUPERVISOR)
    assert _has_password(invited) == {False}
