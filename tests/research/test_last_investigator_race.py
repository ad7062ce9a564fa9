"""A study keeps an investigator when two remove each other at the same moment.

The check counted the study's investigators, then removed the role: on PostgreSQL (READ
COMMITTED) two investigators taking each other's role at once each counted two and went
on, and the study was left with no one who may manage it. The study's row is now locked
before the check (decision 0122, as 0112 for a clinic's managers)."""

from __future__ import annotations

import pytest
from django.db import connection

from tessera.core import actions as core_actions
from tessera.core.models import AuditEvent
from tessera.core.roles import Role
from tessera.research import actions
from tessera.research.models import StudyMember, StudyRole
from tests.conftest import make_user
from tests.core.test_last_manager_race import _at_the_same_moment
from tests.research.fixtures import build_study


def test_a_role_removed_already_is_not_audited_again(world, research_study):
    ns = research_study
    member = ns.study.members.get(role=StudyRole.COORDINATOR)
    stale = StudyMember.objects.get(pk=member.pk)
    actions.do_remove_member(member, acting_user=ns.investigator)
    actions.do_remove_member(stale, acting_user=ns.investigator)
    assert AuditEvent.objects.filter(action="study.member_removed").count() == 1


def test_two_investigators_removing_each_other_leave_one(flushable_audit_trail):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time: the second sees the first")
    from tests.conftest import build_world

    ns = build_study(build_world())
    second = make_user("second.investigator@example.test", second_factor=True)
    core_actions.do_grant_role(second, ns.study.clinics.get(), Role.RESEARCHER)
    theirs = actions.do_add_member(
        ns.study, second, StudyRole.INVESTIGATOR, acting_user=ns.investigator
    )
    mine = ns.study.members.get(user=ns.investigator, role=StudyRole.INVESTIGATOR)
    outcome = _at_the_same_moment(
        lambda: actions.do_remove_member(theirs, acting_user=ns.investigator),
        lambda: actions.do_remove_member(mine, acting_user=second),
    )
    assert outcome == {"second": "A study keeps at least one investigator."}
    assert list(
        ns.study.members.filter(role=StudyRole.INVESTIGATOR).values_list("user_id", flat=True)
    ) == [ns.investigator.pk]
