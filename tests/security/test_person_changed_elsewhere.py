"""Every page and form a person had open, after a change made elsewhere to the person
themselves while they were signed in in another browser: their last role, or one of two,
removed by the manager; their login closed (a staff member offboarded, a patient's login
made inactive); their password changed in another browser; a staff member's second
factor removed in another browser. The companion of test_pages_after_a_change and
test_forms_after_a_change, whose walk and forms this reuses.

- nothing answers 5xx, and no page shows what the person may no longer see;
- signed out (login closed, password changed: Django's session hash, with the identity
  cache on and holding the person): every page goes to the sign-in page and back, and a
  form sent goes there with what was typed kept for after signing in (idle.js);
- no role left: a page that says so, and a form sent shows back what was typed (it was
  a bare 403, the text lost); each refusal audited;
- second factor removed: pages go to setting one up, and a form sent shows back what was
  typed (it was a redirect to the set-up page, the text lost)."""

from __future__ import annotations

import re

from django.core.cache import caches
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from tessera.core import identity
from tessera.core.actions.staff import do_offboard_staff, do_remove_role
from tessera.core.models import AuditEvent, Clinic, ClinicRole, Episode, User
from tests.security.test_forms_after_a_change import TYPED, _lost, _typed_forms
from tests.security.test_pages_after_a_change import _client, _episode, _staff_pages, _walk

PASSWORD = "An old pass phrase 41"
LOGIN = reverse("account_login")


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _open(email: str, starts: list[str] | None = None):
    """A browser signed in as ``email``, its pages (200) and its forms with typed text:
    a patient's own pages, or a staff member's pages about a patient of theirs."""
    client = _client(email)
    if starts is None:
        episode = Episode.objects.filter(therapist__email=email, status="active").first()
        pages = _staff_pages(client, episode or _episode("patient2@demo.tessera.test"))
    else:
        pages = _walk(client, starts)
    assert len(pages) > 5, email
    forms = _typed_forms(client, pages)
    assert forms, email
    return client, pages, forms


SIGNED_OUT_WHY = (
    "You were signed out: your password was changed, or your access was closed, since you "
    "signed in in this browser."
)


def _says_why(response) -> bool:
    """The page says why the person was signed out, in the page's language."""
    body = response.content.decode()
    language = re.search(r'<html lang="([^"]+)"', body).group(1)
    with translation.override(language):
        return escape(gettext(SIGNED_OUT_WHY)) in body


def _signed_out(client, pages: list[str], forms: dict, *, why: bool = True) -> None:
    """Signed out: every page and form goes to sign in. With ``why``, the first page
    says why, once (the session still held the person; an offboarding deletes it)."""
    assert _says_why(client.get(pages[0], follow=True)) is why
    assert not _says_why(client.get(pages[0], follow=True))
    for url in pages:
        response = client.get(url)
        if url == "/":
            assert response.status_code == 200  # the welcome page
            assert "/accounts/logout/" not in response.content.decode()
            continue
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{LOGIN}?next="), url
    for (page, action), form in forms.items():
        response = client.post(action, form["fields"], HTTP_REFERER=page)
        assert response.status_code == 302, action
        assert response["Location"].startswith(f"{LOGIN}?next="), action
        assert response.cookies["tessera_restore_typed"].value == "1", action  # idle.js


def test_pages_and_forms_after_the_person_is_changed_elsewhere(seeded_demo, settings):
    settings.TESSERA_IDENTITY_CACHE = True  # the per-process person must not outlive this
    patient4 = _user("patient4@demo.tessera.test")
    patient4.set_password(PASSWORD)
    patient4.save(update_fields=["password"])

    no_role, no_role_pages, no_role_forms = _open("therapist@demo.tessera.test")
    one_role, one_role_pages, one_role_forms = _open("fjord.therapist@demo.tessera.test")
    one_role_episode = Episode.objects.get(pk=int(one_role_pages[0].split("/")[2]))
    offboarded, offboarded_pages, offboarded_forms = _open("therapist2@demo.tessera.test")
    closed, closed_pages, closed_forms = _open("patient3@demo.tessera.test", ["/"])
    changed, changed_pages, changed_forms = _open("patient4@demo.tessera.test", ["/"])
    factorless, factorless_pages, factorless_forms = _open("supervisor@demo.tessera.test")
    for forms in (no_role_forms, one_role_forms, factorless_forms):
        assert any(a.endswith("/notes/") for _, a in forms)  # a note about their patient
    for email in ("therapist@demo.tessera.test", "patient4@demo.tessera.test"):
        assert caches[identity.CACHE].get(identity._key(_user(email).pk))  # kept in memory

    manager = _user("manager@demo.tessera.test")
    do_remove_role(
        ClinicRole.objects.get(user__email="therapist@demo.tessera.test"), acting_user=manager
    )
    do_remove_role(
        ClinicRole.objects.get(user__email="fjord.therapist@demo.tessera.test", role="therapist"),
        acting_user=_user("fjord.manager@demo.tessera.test"),
    )
    do_offboard_staff(
        _user("therapist2@demo.tessera.test"),
        acting_user=manager,
        clinics=[Clinic.objects.get(slug="riverside")],
    )
    # No page closes a patient's login; an administrator does, as Django's admin would.
    patient3 = _user("patient3@demo.tessera.test")
    patient3.is_active = False
    patient3.save(update_fields=["is_active"])
    other = _client("patient4@demo.tessera.test")  # the other browser
    new = "A new pass phrase 42"
    response = other.post(
        "/accounts/password/change/", {"oldpassword": PASSWORD, "password1": new, "password2": new}
    )
    assert response.status_code == 302 and _user("patient4@demo.tessera.test").check_password(new)
    assert other.get("/me/").status_code == 200  # the browser that changed it stays in
    other = _client("supervisor@demo.tessera.test")
    assert other.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert not _user("supervisor@demo.tessera.test").authenticator_set.filter(type="totp").exists()
    denied_before = AuditEvent.objects.filter(action="security.access_denied").count()

    # Signed out: the login closed, the password changed.
    _signed_out(offboarded, offboarded_pages, offboarded_forms, why=False)
    _signed_out(closed, closed_pages, closed_forms)
    _signed_out(changed, changed_pages, changed_forms)

    # The last role removed: no page about the patients, a page that says why.
    for url in no_role_pages:
        response = no_role.get(url)
        assert response.status_code in (403, 404), url
        said = ("You have no role at a clinic", "You can no longer open this record")
        assert any(words in response.content.decode() for words in said), url
    assert _lost(no_role, no_role_forms) == {}
    assert AuditEvent.objects.filter(action="security.access_denied").count() > denied_before

    # One of two roles removed (therapist; intake kept, which sees the clinic's patients):
    # the pages answer as the role left allows.
    answers = {url: one_role.get(url).status_code for url in one_role_pages}
    fjord = _user("fjord.therapist@demo.tessera.test")
    still_seen = Episode.objects.visible_to(fjord).filter(pk=one_role_episode.pk).exists()
    assert still_seen and answers[f"/episodes/{one_role_episode.pk}/"] == 200
    # Refused: only a therapist's own pages (supervision of their case, ending the course).
    refused = {url for url, status in answers.items() if status != 200}
    assert {answers[url] for url in refused} <= {404}
    assert all("/supervision/" in url or url.endswith("/end/") for url in refused), refused
    # ... each saying that a role it belonged to was removed (it was a bare Page not found).
    for url in refused:
        assert "This page is no longer open to you" in one_role.get(url).content.decode(), url
    assert _lost(one_role, one_role_forms) == {}
    # ... and the intake pages (the home's links) still answer.
    assert one_role.get("/").status_code == 200

    # The second factor removed: pages go to setting one up, typed text is shown back.
    for url in factorless_pages:
        response = factorless.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp"), url
    denied = AuditEvent.objects.filter(
        action="security.access_denied", actor=_user("supervisor@demo.tessera.test")
    )
    refused_before = denied.count()
    assert _lost(factorless, factorless_forms) == {}
    assert denied.count() > refused_before  # the refused writes are audited
    page, action = next(iter(factorless_forms))
    body = factorless.post(action, factorless_forms[page, action]["fields"], HTTP_REFERER=page)
    assert TYPED in body.content.decode() and reverse("mfa_activate_totp") in body.content.decode()
