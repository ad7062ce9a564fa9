"""A link opened again, in another browser, with someone else signed in, or after what it
was for has changed says what happened and what to do next (decision 0103)."""

from django.test import Client
from django.urls import reverse

from tessera.core.actions import staff as staff_actions
from tessera.core.models import AuditEvent
from tessera.intake.models import Application
from tests.conftest import make_user, sign_in
from tests.security.test_invitations import _refer, _url


def test_a_used_invitation_opened_signed_out_offers_sign_in_not_a_new_account(world):
    application = _refer(world)
    person = make_user("gus@person.test")
    sign_in(Client(), person).post(_url(application))
    response = Client().get(_url(application))  # the same link, in a second browser
    body = response.content.decode()
    assert response.status_code == 200
    assert "This invitation has been used" in body
    assert reverse("account_signup") not in body.split("<main", 1)[1]
    assert f"{reverse('account_login')}?next=" in body
    assert "Gus" not in body and "gus@person.test" not in body


def test_the_person_who_used_it_signs_in_from_that_page_and_goes_on(world):
    application = _refer(world)
    person = make_user("gus@person.test")
    sign_in(Client(), person).post(_url(application))
    response = sign_in(Client(), person).get(_url(application))
    assert response["Location"] == reverse("intake_consent", args=[application.pk])


def test_a_staff_session_is_told_whose_it_is_and_how_to_sign_out(world):
    application = _refer(world)
    link = _url(application)  # signed with the second it is made: make it once
    response = sign_in(Client(), world["therapist"]).get(link)
    body = response.content.decode()
    assert response.status_code == 403
    assert "You are signed in as therapist@alpha.test, a staff account" in body
    assert f'action="{reverse("account_logout")}"' in body
    assert f'name="next" value="{link}"' in body
    assert "198305214564" not in body and "gus@person.test" not in body
    assert AuditEvent.objects.filter(
        action="security.invite_refused", object_id=str(application.pk)
    ).exists()


def test_another_account_opening_a_used_invitation_is_told_and_audited(world):
    application = _refer(world)
    sign_in(Client(), make_user("gus@person.test")).post(_url(application))
    response = sign_in(Client(), world["patient"]).get(_url(application))
    body = response.content.decode()
    assert response.status_code == 403
    assert "You are signed in as patient@alpha.test" in body
    assert "gus@person.test" not in body
    assert AuditEvent.objects.filter(action="security.invite_refused").count() == 1
    application.refresh_from_db()
    assert application.applicant.email == "gus@person.test"


def test_an_invitation_to_an_application_referred_elsewhere_no_longer_works(world):
    application = _refer(world)
    Application.objects.filter(pk=application.pk).update(status="redirected")
    response = Client().get(_url(application))
    assert response.status_code == 404
    assert "This link does not work any more" in response.content.decode()


def test_a_staff_invitation_withdrawn_before_use_no_longer_works(world):
    invited = staff_actions.do_invite_staff(
        world.clinic, acting_user=world["manager"], email="new@alpha.test", role="therapist"
    )
    link = staff_actions.invitation_link(invited.user)
    staff_actions.do_remove_role(invited.grant, acting_user=world["manager"])
    body = Client().get(link, follow=True).content.decode()
    assert "This link no longer works" in body
    assert "Choose a new password" not in body


def test_a_staff_invitation_still_works_while_another_role_is_kept(world):
    invited = staff_actions.do_invite_staff(
        world.clinic, acting_user=world["manager"], email="new@alpha.test", role="therapist"
    )
    staff_actions.do_invite_staff(
        world.other_clinic,
        acting_user=world["other_manager"],
        email="new@alpha.test",
        role="therapist",
    )
    link = staff_actions.invitation_link(invited.user)
    staff_actions.do_remove_role(invited.grant, acting_user=world["manager"])
    assert "Choose a new password" in Client().get(link, follow=True).content.decode()
