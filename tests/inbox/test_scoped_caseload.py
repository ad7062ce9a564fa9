"""The caseload read through SQL compiled once per shape of the access scope
(``inbox.scoped``, decision 0078) gives the rows of the access policy's own queryset
(``scope.caseload``, built from ``Episode.objects.visible_to``) for every kind of user,
every choice of whose inbox, and a consultation grant before and after it expires."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db.models import Q
from django.utils import timezone

from tessera.core import actions as core_actions
from tessera.core.models import ClinicRole, Episode, User
from tessera.core.roles import Role
from tessera.inbox import scope, scoped, worklist
from tessera.treatment.actions import do_open_episode
from tests.conftest import make_patient
from tests.consultation.consultation_helpers import ask
from tests.inbox.inbox_world import message, risk_alert, training

pytestmark = pytest.mark.django_db

COLUMNS = (*worklist.EPISODE_FIELDS, "programme_version__unlock_rule")
PEOPLE = [
    "therapist",
    "colleague",
    "manager",
    "supervisor",
    "intake",
    "assessor",
    "author",
    "researcher",
    "region_admin",
    "staff_no_mfa",
    "other_therapist",
    "other_manager",
    "patient",
]


def fresh(user):
    """The user as a new request reads them (no roles or scope kept from before)."""
    return User.objects.get(pk=user.pk)


def choices(user):
    own = [scope.Choice(user, team=False), scope.Choice(None, team=False)]
    team = [
        scope.Choice(None, team=True),
        scope.Choice(None, team=True, unassigned=True),
        *(scope.Choice(t, team=True) for t in scope.team_therapists(user)),
    ]
    return own + team if scope.team_clinic_ids(user) else own


def assert_same_rows(user, choice):
    plain = sorted(scope.caseload(user, choice).values_list(*COLUMNS))
    compiled = sorted(scope.caseload_rows(user, choice, COLUMNS))
    assert compiled == plain, (user, choice)
    return plain


@pytest.fixture
def busy(world):
    """Open, ended (still writing, with a message waiting, and closed) and unassigned
    episodes, a training patient, a second clinic's role and an on-call manager."""
    now = timezone.now()
    therapist = world["therapist"]
    ended = do_open_episode(world.patient, world.clinic, status="ended", therapist=therapist)
    Episode.objects.filter(pk=ended.pk).update(read_only_from=now.date() + dt.timedelta(days=3))
    _, waiting = make_patient(world.clinic, "waits@alpha.test", therapist=therapist)
    Episode.objects.filter(pk=waiting.pk).update(
        status=Episode.Status.ENDED, read_only_from=now.date() - dt.timedelta(days=3)
    )
    message(Episode.objects.get(pk=waiting.pk), at=now - dt.timedelta(days=4))
    _, closed = make_patient(world.clinic, "closed@alpha.test", therapist=therapist)
    Episode.objects.filter(pk=closed.pk).update(status=Episode.Status.ENDED)
    make_patient(world.clinic, "unguided@alpha.test")
    practice, _ = make_patient(world.clinic, "practice@alpha.test", therapist=therapist)
    training(practice)
    _, far_alerted = make_patient(world.other_clinic, "far.alert@beta.test")
    risk_alert(far_alerted, at=now - dt.timedelta(hours=1))
    # The therapist works at the second clinic too; the supervisor is on call there.
    core_actions.do_grant_role(therapist, world.other_clinic, Role.THERAPIST)
    make_patient(world.other_clinic, "far.own@beta.test", therapist=therapist)
    core_actions.do_grant_role(world["supervisor"], world.other_clinic, Role.THERAPIST)
    ClinicRole.objects.filter(user=world["supervisor"], clinic=world.other_clinic).update(
        on_call=True
    )
    return world


def test_the_compiled_caseload_is_the_policys_for_everyone_and_every_choice(busy):
    seen_rows = 0
    for name in PEOPLE:
        user = fresh(busy[name])
        for choice in choices(user):
            seen_rows += len(assert_same_rows(fresh(busy[name]), choice))
    assert seen_rows > 20
    assert None not in scoped._READS.values()  # every shape compiled, none fell back


def test_the_on_call_arm_shows_the_alerted_episode_and_follows_the_alert(busy):
    supervisor = fresh(busy["supervisor"])
    team = assert_same_rows(supervisor, scope.Choice(None, team=True, unassigned=True))
    alerted = Episode.objects.get(patient__user__email="far.alert@beta.test")
    assert alerted.pk in {row[0] for row in team}
    from tessera.safety.models import RiskAlert

    RiskAlert.objects.filter(episode=alerted).update(resolved_at=timezone.now(), action="Called")
    team = assert_same_rows(fresh(busy["supervisor"]), scope.Choice(None, team=True))
    assert alerted.pk not in {row[0] for row in team}


def test_a_consultation_grant_shows_in_the_compiled_read_only_until_it_expires(busy):
    colleague = busy["colleague"]
    # The inbox narrows to the colleague's own caseload, which the grant does not add to:
    # the scope itself is read (``scoped.read`` of every episode in it), with a
    # clinic-wide role at the second clinic as well (a longer shape).
    core_actions.do_grant_role(colleague, busy.other_clinic, Role.CLINIC_MANAGER)
    far = Episode.objects.get(patient=busy.far_patient)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ask(busy, colleague=colleague, hours=2)
    assert_same_rows(fresh(colleague), scope.Choice(colleague, team=False))
    for later, shown in [(1, True), (3, False)]:
        with time_machine.travel(start + dt.timedelta(hours=later), tick=False):
            user = fresh(colleague)
            rows = scoped.read("test.grant", user, _every_column)
            plain = list(_every_column(Episode.objects.visible_to(user), ()))
            assert sorted(rows) == sorted(plain)
            assert (busy.episode.pk in {row[0] for row in rows}) is shown
            assert far.pk in {row[0] for row in rows}


def _every_column(episodes, flags):
    return episodes.values_list("pk", "clinic_id")


def test_a_staff_member_who_is_a_patient_sees_their_own_episode_too(busy):
    therapist = busy["therapist"]
    patient = core_actions.do_create_patient(
        user=therapist,
        clinic=busy.other_clinic,
        first_name="T",
        last_name="Her",
        date_of_birth=dt.date(1980, 1, 2),
        email="therapist@alpha.test",
    )
    do_open_episode(patient, busy.other_clinic, status="active")
    user = fresh(therapist)
    assert user.patient_record is not None
    rows = scoped.read("test.own", user, _every_column)
    assert sorted(rows) == sorted(_every_column(Episode.objects.visible_to(user), ()))
    assert_same_rows(fresh(therapist), scope.Choice(fresh(therapist), team=False))


def test_a_shape_whose_sql_is_not_the_policys_is_read_through_the_policy(busy, monkeypatch):
    monkeypatch.setattr(scoped, "_READS", {})
    monkeypatch.setattr(scoped, "_scope_q", lambda *args: Q(pk__gt=0))
    user = fresh(busy["therapist"])
    rows = scope.caseload_rows(user, scope.Choice(user, team=False), COLUMNS)
    assert sorted(rows) == sorted(
        scope.caseload(user, scope.Choice(user, team=False)).values_list(*COLUMNS)
    )
    assert list(scoped._READS.values()) == [None]


def test_the_staff_homes_compiled_read_of_the_caseload_is_the_policys(busy):
    from tessera.core.models import Clinic
    from tessera.portal import staff_lists

    clinics = Clinic.objects.in_bulk()
    for name in PEOPLE:
        compiled = staff_lists.responsible_for(fresh(busy[name]), clinics=clinics)
        plain = staff_lists.responsible_for(fresh(busy[name]))
        assert [_kept(e) for e in compiled] == [_kept(e) for e in plain], name
    assert None not in scoped._READS.values()


def _kept(episode):
    return (
        episode.pk,
        episode.status,
        episode.read_only_from,
        episode.is_training,
        episode.patient_waits,
        episode.programme_unlock_rule,
    )


# The functions whose Q objects ``inbox.scoped._scope_q`` writes again with placeholders.
_POLICY = (
    "tessera.core.access.patients.own_scope_clinic_ids",
    "tessera.core.access.patients.own_episode_scope",
    "tessera.core.access.patients._staff_episode_scope",
    "tessera.core.access.patients.episode_scope",
    "tessera.core.access.patients.episodes_visible_to",
    "tessera.safety.on_call.open_alert_episodes",
    "tessera.consultation.grants.consultation_scope",
    "tessera.core.access.on_call_clinic_ids",
    "tessera.core.access.clinical_clinic_ids",
)
_POLICY_DIGEST = "7f55506d3a85019f5b56ee13184059fb3539b5e6b6fd36024a85e3bb47167adf"


def test_a_change_to_the_episode_scope_asks_for_the_compiled_copy_to_be_read_again():
    """A tripwire, not a proof: the first use of each shape compares the SQL, but a rule
    that branches on something the shape does not hold (an attribute of the user, a row)
    would only differ for some users of a shape. Any change to the functions the copy
    follows, or to the list of extra scopes, fails here until ``inbox.scoped`` has been
    read against it (and its ``_scope_values`` given what the rule branches on)."""
    import hashlib
    import inspect

    from django.utils.module_loading import import_string

    from tessera.core.access import scopes

    text = "".join(inspect.getsource(import_string(path)) for path in _POLICY)
    text += repr(scopes.EXTRA_EPISODE_SCOPES)
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert digest == _POLICY_DIGEST, (
        "the episode scope changed: check tessera/inbox/scoped.py's _scope_q and "
        f"_scope_values against it, then set _POLICY_DIGEST = {digest!r}"
    )
