"""Two colleagues named alike in a choice of staff are told apart (decision 0139).

The "New therapist" of a change of therapist listed two "Tove Berg"s as two identical
options: the manager could give the patient to the wrong one. Each now carries their
e-mail address, as patients named alike carry their date of birth (decision 0128).
Fails on the old choice (the name alone)."""

from __future__ import annotations

import re

from django.urls import reverse

from tessera.core import access
from tessera.core import actions as core_actions
from tessera.core.forms import HandOverForm
from tessera.core.roles import Role
from tests.conftest import make_user, sign_in


def _two_tove_bergs(world):
    people = []
    for email in ("tove.berg@alpha.test", "tove.b@alpha.test"):
        user = make_user(email, second_factor=True, first_name="Tove", last_name="Berg")
        core_actions.do_grant_role(user, world.clinic, Role.THERAPIST)
        people.append(user)
    return people


def _options(html: str, name: str) -> dict[int, str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return {
        int(value): " ".join(text.split())
        for value, text in re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select)
    }


def test_the_new_therapist_choice_tells_two_tove_bergs_apart(world, client):
    first, second = _two_tove_bergs(world)
    sign_in(client, world["manager"])
    url = reverse("episode_overview", kwargs={"episode_id": world.episode.pk})
    options = _options(client.get(url).content.decode(), "to_user")
    assert options[first.pk] == "Tove Berg (tove.berg@alpha.test)", options
    assert options[second.pk] == "Tove Berg (tove.b@alpha.test)", options
    # A name of one's own is shown as before.
    colleague = world["colleague"]
    assert options[colleague.pk] == str(colleague)


def test_the_hand_over_choice_tells_them_apart_too(world):
    first, second = _two_tove_bergs(world)
    form = HandOverForm(therapists=access.therapists(world.clinic))
    labels = dict(form.fields["to_user"].choices)
    labels = {str(value): label for value, label in labels.items()}
    assert labels[str(first.pk)] == "Tove Berg (tove.berg@alpha.test)"
    assert labels[str(second.pk)] == "Tove Berg (tove.b@alpha.test)"


def test_the_intakes_responsible_therapist_and_assessor_tell_them_apart(world):
    """The intake's "Responsible therapist" (with each one's caseload) and the booking's
    "Assessor" listed two "Tove Berg"s alike, left by decision 0139."""
    from types import SimpleNamespace

    from tessera.core.models import User
    from tessera.intake.forms import BookForm, _therapist_field

    first, second = _two_tove_bergs(world)
    loads = [
        SimpleNamespace(user=first, caseload=3, max_caseload=40, full=False),
        SimpleNamespace(user=second, caseload=12, max_caseload=None, full=False),
    ]
    labels = dict(_therapist_field(loads, required=True).choices)
    assert labels[first.pk] == "Tove Berg (tove.berg@alpha.test) — 3 of 40 patients"
    assert labels[second.pk] == "Tove Berg (tove.b@alpha.test) — 12 patients, no maximum set"
    form = BookForm(assessors=User.objects.filter(pk__in=[first.pk, second.pk]))
    booked = {str(value): label for value, label in form.fields["assessor"].choices}
    assert booked[str(first.pk)] == "Tove Berg (tove.berg@alpha.test)"
