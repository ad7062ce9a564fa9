"""Investigators' pages for the protocol and the study staff, and extending a stratum's
sequence when it runs out: the same seed and method continue it, nothing reveals an
arm, every change is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.core.roles import StudyRole
from tessera.research import actions, randomisation
from tessera.research.models import AllocationSlot, Study
from tests.conftest import sign_in
from tests.research.fixtures import SEED, build_study, new_participant


@pytest.fixture
def planned(world):
    return actions.do_create_study(
        acting_user=world["researcher"],
        key="plan",
        title="Planned study",
        clinics=[world.clinic],
        target_size=20,
    )


def _form(study, **changes):
    data = {
        "title": study.title,
        "clinics": [c.pk for c in study.clinics.all()],
        "registry_id": study.registry_id,
        "ethics_approval_id": study.ethics_approval_id,
        "ethics_approved_on": "",
        "eligibility": "{}",
        "target_size": study.target_size,
        "stratify_by_site": "on",
        "severity_instrument": "",
        "severity_cutoff": "",
    }
    return data | changes


def test_the_investigator_edits_the_planned_protocol(client, world, planned):
    sign_in(client, world["researcher"])
    detail = client.get(reverse("study_detail", args=[planned.pk])).content.decode()
    assert reverse("study_edit", args=[planned.pk]) in detail
    page = client.get(reverse("study_edit", args=[planned.pk]))
    assert page.status_code == 200 and "Planned study" in page.content.decode()
    response = client.post(
        reverse("study_edit", args=[planned.pk]),
        _form(planned, title="Renamed study", ethics_approval_id="EPN 2026-9", target_size=30),
    )
    assert response.status_code == 302
    planned.refresh_from_db()
    assert (planned.title, planned.ethics_approval_id, planned.target_size) == (
        "Renamed study",
        "EPN 2026-9",
        30,
    )
    event = AuditEvent.objects.filter(action="study.updated").latest("id")
    assert event.actor == world["researcher"] and "title" in event.changes


def test_a_bad_rule_stays_on_the_form(client, world, planned):
    sign_in(client, world["researcher"])
    response = client.post(
        reverse("study_edit", args=[planned.pk]),
        _form(planned, severity_instrument="NOPE-1", severity_cutoff="3"),
    )
    assert response.status_code == 200
    assert "Tessera has no such questionnaire." in response.content.decode()


def test_once_recruiting_the_protocol_page_sends_back(client, world):
    ns = build_study(world)
    sign_in(client, world["researcher"])
    response = client.get(reverse("study_edit", args=[ns.study.pk]))
    assert response.status_code == 302
    sign_in(client, ns.coordinator)
    assert client.get(reverse("study_edit", args=[ns.study.pk])).status_code == 404


def test_study_roles_are_taken_away_but_one_investigator_stays(client, world):
    ns = build_study(world)
    sign_in(client, world["researcher"])
    member = ns.study.members.get(role=StudyRole.COORDINATOR)
    client.post(reverse("study_member_remove", args=[ns.study.pk, member.pk]))
    assert not ns.study.members.filter(role=StudyRole.COORDINATOR).exists()
    assert AuditEvent.objects.filter(action="study.member_removed").exists()
    investigator = ns.study.members.get(role=StudyRole.INVESTIGATOR)
    response = client.post(
        reverse("study_member_remove", args=[ns.study.pk, investigator.pk]), follow=True
    )
    assert "A study keeps at least one investigator." in response.content.decode()
    assert ns.study.members.filter(role=StudyRole.INVESTIGATOR).exists()


def test_an_extended_stratum_continues_the_recorded_sequence(world):
    ns = build_study(world, target=4)
    study = Study.objects.get(pk=ns.study.pk)
    (stratum,) = actions.places_left(study)
    before = AllocationSlot.objects.filter(study=study, stratum=stratum).count()
    added = actions.do_extend_sequence(
        study, acting_user=ns.investigator, stratum=stratum, places=10
    )
    assert added >= 10
    stored = [
        (s.position, s.block, s.block_size, s.arm.code)
        for s in AllocationSlot.objects.filter(study=study, stratum=stratum).select_related("arm")
    ]
    regenerated = randomisation.stratum_sequence(
        SEED, stratum, [("icbt", 1), ("selfhelp", 1)], before + 10, study.block_multipliers
    )
    assert stored == [(p.position, p.block, p.block_size, p.arm) for p in regenerated]
    # whole blocks, balanced within each block
    for block in {s[1] for s in stored}:
        arms = [s[3] for s in stored if s[1] == block]
        assert arms.count("icbt") == arms.count("selfhelp")
    event = AuditEvent.objects.filter(action="study.sequence_extended").get()
    assert event.changes == {"stratum": stratum, "places": added, "total": before + added}


def test_a_used_up_stratum_randomises_again_after_extending(world):
    ns = build_study(world, target=2)
    study = ns.study
    (stratum,) = actions.places_left(study)
    size = AllocationSlot.objects.filter(study=study).count()
    for n in range(size):
        new_participant(world, n)
    with pytest.raises(ValidationError, match="used up"):
        new_participant(world, 99)
    actions.do_extend_sequence(study, acting_user=ns.investigator, stratum=stratum, places=1)
    waiting = study.participants.get(randomised_at__isnull=True)
    participant = actions.do_confirm_eligibility(waiting, acting_user=ns.coordinator)
    assert participant.slot.position == size + 1


def test_only_investigators_extend_and_only_while_recruiting(world, client):
    ns = build_study(world)
    (stratum,) = actions.places_left(ns.study)
    with pytest.raises(PermissionDenied):
        actions.do_extend_sequence(ns.study, acting_user=ns.coordinator, stratum=stratum, places=2)
    with pytest.raises(ValidationError):
        actions.do_extend_sequence(
            ns.study, acting_user=ns.investigator, stratum="site=0", places=2
        )
    sign_in(client, world["researcher"])
    page = client.get(reverse("study_detail", args=[ns.study.pk])).content.decode()
    assert "Places left in the allocation sequence" in page
    response = client.post(
        reverse("study_extend", args=[ns.study.pk]), {"stratum": stratum, "places": 3}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="study.sequence_extended").exists()
    actions.do_close_study(ns.study, acting_user=ns.investigator)
    with pytest.raises(ValidationError):
        actions.do_extend_sequence(ns.study, acting_user=ns.investigator, stratum=stratum, places=2)


def test_eligibility_rules_nested_thousands_deep_are_a_message(client, world, planned):
    """Before, json.loads raised RecursionError (not a ValueError): a server error."""
    sign_in(client, world["researcher"])
    deep = "{" + '"a":{' * 4990 + "}" * 4991
    assert len(deep) <= 30_000
    response = client.post(
        reverse("study_edit", args=[planned.pk]), _form(planned, eligibility=deep[:10_000])
    )
    assert response.status_code == 200
    assert "This JSON is nested too deeply to be read." in response.content.decode()
    planned.refresh_from_db()
    assert planned.eligibility == {}


def test_a_protocol_saved_by_someone_else_meanwhile_is_not_overwritten(client, world, planned):
    """Two investigators (two browsers here) open the planned protocol; the first enters
    the ethics approval, and the second's save of a new size put the empty approval back
    without a word (decision 0149). Now it is refused (409), the second's input kept, the
    first's approval kept; saving again from that page overwrites, knowingly."""
    import re

    from django.test import Client

    url = reverse("study_edit", args=[planned.pk])
    first, second = sign_in(client, world["researcher"]), sign_in(Client(), world["researcher"])

    def drawn(response) -> str:
        return re.search(r'name="drawn" value="(\w+)"', response.content.decode()).group(1)

    theirs, mine = drawn(first.get(url)), drawn(second.get(url))
    approval = _form(planned, ethics_approval_id="EPN 2026-9", drawn=theirs)
    assert first.post(url, approval).status_code == 302
    size = _form(planned, target_size="48", drawn=mine)
    response = second.post(url, size)
    assert response.status_code == 409
    text = response.content.decode()
    assert "Someone else saved this study&#x27;s protocol after you opened it" in text
    assert 'value="48"' in text
    planned.refresh_from_db()
    assert (planned.ethics_approval_id, planned.target_size) == ("EPN 2026-9", 20)
    assert second.post(url, size | {"drawn": drawn(response)}).status_code == 302
    planned.refresh_from_db()
    assert planned.target_size == 48


def _drawn_of(page: str, action: str) -> str:
    import re

    form = page[page.index(f'action="{action}"') :]
    return re.search(r'name="drawn" value="([^"]*)"', form).group(1)


def test_an_arm_saved_by_someone_else_meanwhile_is_not_replaced(client, world, planned):
    """Two investigators (or two tabs) have the study page open; the first saves arm
    "a", the second, from a page drawn before it, saves an arm "a" of their own: it
    replaced the first's without a word. It is refused, nothing changed, and the page
    then drawn (the arm in its list) saves it knowingly (decision 0152). The same arm
    sent twice (a double click) is saved once, not refused."""
    from django.test import Client

    url = reverse("study_arm_save", args=[planned.pk])
    page_url = reverse("study_detail", args=[planned.pk])
    one = sign_in(client, world["researcher"])
    two = sign_in(Client(), world["researcher"])
    theirs = _drawn_of(one.get(page_url).content.decode(), url)
    mine = _drawn_of(two.get(page_url).content.decode(), url)
    arm = {"code": "a", "care_model": "guided", "guidance": "guided_weekly", "ratio": "1"}
    first = {**arm, "label": "Guided", "drawn": theirs}
    assert one.post(url, first).status_code == 302
    assert one.post(url, first).status_code == 302  # a double click: the same arm
    response = two.post(url, {**arm, "label": "Weekly", "drawn": mine}, follow=True)
    text = response.content.decode()
    assert "Someone else saved the study&#x27;s arms after you opened the page" in text
    assert planned.arms.get(code="a").label == "Guided"
    again = {**arm, "label": "Weekly", "drawn": _drawn_of(text, url)}
    assert two.post(url, again).status_code == 302
    assert planned.arms.get(code="a").label == "Weekly"
    assert AuditEvent.objects.filter(action="study.arm_saved").count() == 2


def test_a_consent_text_published_meanwhile_is_not_superseded_unseen(client, world, planned):
    """The first investigator publishes the English consent; the second, from a page
    drawn before it, publishes other words, which became the consent over a text they
    had not seen. It is refused; from the page then drawn it is published knowingly."""
    from django.test import Client

    url = reverse("study_consent_publish", args=[planned.pk])
    page_url = reverse("study_detail", args=[planned.pk])
    one = sign_in(client, world["researcher"])
    two = sign_in(Client(), world["researcher"])
    theirs = _drawn_of(one.get(page_url).content.decode(), url)
    mine = _drawn_of(two.get(page_url).content.decode(), url)
    first = {"language": "en", "text": "You may stop at any time.", "drawn": theirs}
    assert one.post(url, first).status_code == 302
    other = {"language": "en", "text": "You may take part.", "drawn": mine}
    response = two.post(url, other, follow=True)
    assert "Someone else published a consent text in this language" in response.content.decode()
    assert [c.text for c in planned.consent_versions.all()] == ["You may stop at any time."]
    swedish = {"language": "sv", "text": "Du kan sluta när du vill.", "drawn": mine}
    assert two.post(url, swedish).status_code == 302  # another language: not in the way
    again = {**other, "drawn": _drawn_of(response.content.decode(), url)}
    assert two.post(url, again).status_code == 302
    latest = planned.consent_versions.filter(language="en").order_by("-version").first()
    assert (latest.version, latest.text) == (2, "You may take part.")
