"""Staff read names, not codes (decision 0137): the audit search's Role column says the
actor's roles in the page's language ("Behandlare", not "therapist"), and the CONSORT
page its research measures' time points ("Before treatment", not "pre")."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import translation

from tessera.core import audit
from tessera.core.models import AuditEvent
from tessera.research.consort import Completion


def _role_cells(text: str) -> list[str]:
    """The fourth cell of each row of the audit search's table (its Role column)."""
    rows = re.findall(r"<tr><td>\d+</td>(.*?)</tr>", text, flags=re.S)
    return [re.findall(r"<td>(.*?)</td>", row, flags=re.S)[2] for row in rows]


def test_the_audit_search_says_the_actors_role_in_words(world, login):
    login(world["therapist"]).get(reverse("patient_detail", args=[world.patient.pk]))
    client = login(world["manager"])
    text = client.get(reverse("audit_search"), {"action": "patient.viewed"}).content.decode()
    roles = _role_cells(text)
    assert "Therapist" in roles
    assert not {"therapist", "manager", "intake", "patient", "system"} & set(roles)
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    text = client.get(reverse("audit_search"), {"action": "patient.viewed"}).content.decode()
    assert "Behandlare" in _role_cells(text)


def test_every_code_an_actor_role_holds_has_words():
    event = AuditEvent(actor_role="therapist,manager")
    assert event.actor_role_label == "Therapist, Clinic manager"
    for code, words in [
        ("patient", "Patient"),
        ("applicant", "Applicant"),
        ("system", "Tessera (automatic)"),
        ("", ""),
        ("retired_code", "retired_code"),  # an old code is shown as stored
    ]:
        assert AuditEvent(actor_role=code).actor_role_label == words
    with translation.override("sv"):
        assert AuditEvent(actor_role="intake,therapist").actor_role_label == (
            "Intagskoordinator, Behandlare"
        )


def test_the_actors_role_adds_no_query(django_assert_num_queries, world):
    audit.record_for_episode("plan.viewed", world.episode, actor=world["therapist"])
    event = AuditEvent.objects.filter(action="plan.viewed").latest("id")
    with django_assert_num_queries(0):
        assert event.actor_role_label


def test_the_consort_page_says_each_time_point_in_words():
    row = Completion("A", "PHQ-9", "pre", 3, 2)
    assert row.time_point_label not in ("pre", "")
    with translation.override("sv"):
        assert Completion("A", "PHQ-9", "post", 3, 2).time_point_label != "post"
    assert Completion("A", "PHQ-9", "gone", 1, 1).time_point_label == "gone"
