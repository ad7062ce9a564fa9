"""One language and one time zone per person (tessera.core.languages): the stored
language sets the interface at sign-in, the switcher stores a signed-in person's choice,
e-mails follow it, and pages show times in the clinic's time zone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tessera.core import actions, languages
from tessera.core.models import AuditEvent, Clinic, Patient, User
from tessera.notifications import texts
from tessera.safety.actions import do_raise_concern
from tessera.safety.models import RiskAlert
from tests.outbox import drain

WELCOME = {
    "nb": "Kognitiv atferdsterapi",
    "da": "Kognitiv adfærdsterapi",
    "nl": "Cognitieve gedragstherapie",
}


def _set_preferred(patient, code: str) -> None:
    Patient.objects.filter(pk=patient.pk).update(preferred_language=code)


@pytest.mark.parametrize("code", ["nb", "da", "nl", "sv"])
def test_a_patients_stored_language_sets_the_interface_at_sign_in(world, login, code):
    _set_preferred(world.patient, code)
    client = login(world.patient.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the browser says otherwise
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert f'<html lang="{code}"' in page
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == code


def test_a_staff_member_without_a_stored_language_keeps_the_browsers(world, login):
    client = login(world["therapist"])
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert '<html lang="da"' in page


def test_a_visitor_gets_the_browsers_language_where_it_is_supported(client, db):
    assert '<html lang="nb"' in client.get("/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert '<html lang="nl"' in client.get("/", HTTP_ACCEPT_LANGUAGE="nl-NL").content.decode()
    assert '<html lang="en"' in client.get("/", HTTP_ACCEPT_LANGUAGE="fi").content.decode()


def test_the_switcher_stores_a_patients_choice_and_audits_it(world, login):
    client = login(world.patient.user)
    response = client.post(reverse("set_language"), {"language": "nb", "next": "/"})
    assert response.status_code == 302
    assert Patient.objects.get(pk=world.patient.pk).preferred_language == "nb"
    assert '<html lang="nb"' in client.get("/").content.decode()
    row = AuditEvent.objects.filter(action="patient.details_changed").latest("id")
    assert row.patient_id == world.patient.pk and row.actor_id == world.patient.user.pk
    # Choosing the same language again writes nothing.
    client.post(reverse("set_language"), {"language": "nb", "next": "/"})
    assert AuditEvent.objects.filter(action="patient.details_changed").count() == 1
    # The next sign-in, on another device, is in Norwegian too.
    other = login(world.patient.user)
    assert '<html lang="nb"' in other.get("/").content.decode()


def test_the_switcher_stores_a_staff_members_choice(world, login):
    client = login(world["therapist"])
    client.post(reverse("set_language"), {"language": "da", "next": "/"})
    assert User.objects.get(pk=world["therapist"].pk).language == "da"
    assert AuditEvent.objects.filter(
        action="account.language_changed", actor=world["therapist"]
    ).exists()
    assert '<html lang="da"' in client.get("/").content.decode()


def test_an_unknown_language_changes_nothing(world, login):
    client = login(world.patient.user)
    client.post(reverse("set_language"), {"language": "no", "next": "/"})
    assert Patient.objects.get(pk=world.patient.pk).preferred_language == "en"
    with pytest.raises(ValueError):
        actions.do_set_language(world.patient.user, "xx", acting_user=world.patient.user)


def test_a_visitor_switching_language_stores_nothing(client, db):
    response = client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    assert '<html lang="nl"' in client.get("/").content.decode()


def test_notifications_and_allauth_mail_use_the_persons_language(world, client):
    User.objects.filter(pk=world["therapist"].pk).update(language="nl")
    assert texts.language_of(User.objects.get(pk=world["therapist"].pk)) == "nl"
    _set_preferred(world.patient, "nb")
    assert texts.language_of(User.objects.get(pk=world.patient.user.pk)) == "nb"

    mail.outbox.clear()
    client.post(reverse("account_reset_password"), {"email": world.patient.user.email})
    (message,) = drain()  # through the outbox (docs/decisions/0029)
    assert "127.0.0.1" not in message.body.split("\n")[0]
    assert "Tessera" in message.body
    # the house greeting and sign-off (templates/account/email), in Norwegian
    assert message.body.startswith("Hei")
    assert "Hello" not in message.body


def test_remember_finds_the_zone_of_the_patients_and_the_staff_members_clinic(world):
    Clinic.objects.filter(pk=world.clinic.pk).update(time_zone="Europe/London")
    assert languages.time_zone_of(world.patient.user) == "Europe/London"
    assert languages.time_zone_of(world["therapist"]) == "Europe/London"
    assert languages.time_zone_of(world["region_admin"]) in ("Europe/London", "Europe/Stockholm")
    assert languages.time_zone_of(world["other_therapist"]) == "Europe/Stockholm"


@pytest.mark.parametrize(
    "zone, shown", [("Europe/Stockholm", "2026-03-02 10:30"), ("Europe/London", "2026-03-02 09:30")]
)
def test_the_same_alert_is_shown_in_the_clinics_time(world, login, zone, shown):
    Clinic.objects.filter(pk=world.clinic.pk).update(time_zone=zone)
    alert = do_raise_concern(
        world.episode, acting_user=world["therapist"], concern="Worried", severity="moderate"
    )
    opened = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    RiskAlert.objects.filter(pk=alert.pk).update(opened_at=opened)
    page = login(world["therapist"]).get(reverse("risk_alert", args=[alert.pk])).content.decode()
    assert shown in page
    other = "2026-03-02 09:30" if shown.endswith("10:30") else "2026-03-02 10:30"
    assert other not in page
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE  # not left active


@pytest.mark.parametrize(
    "code, shown",
    [
        ("en", "2026-03-02"),
        ("sv", "2026-03-02"),
        ("nb", "02.03.2026"),
        ("da", "02.03.2026"),
        ("nl", "02-03-2026"),
    ],
)
def test_dates_follow_the_persons_language(world, login, code, shown):
    User.objects.filter(pk=world["therapist"].pk).update(language=code)
    alert = do_raise_concern(
        world.episode, acting_user=world["therapist"], concern="Worried", severity="moderate"
    )
    RiskAlert.objects.filter(pk=alert.pk).update(
        opened_at=dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    )
    page = login(world["therapist"]).get(reverse("risk_alert", args=[alert.pk])).content.decode()
    assert f"{shown} 10:30" in page


def test_no_template_hard_codes_a_date_format_for_people_to_read():
    """Dates and times shown to people go through the language's formats
    (SHORT_DATE_FORMAT, SHORT_DATETIME_FORMAT ...); only machine values (value="…",
    datetime="…") keep ISO."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "tessera"
    literal = re.compile(r"""\|date:["'](?:[^"']*[Ymd][-./][^"']*)["']""")
    offenders = []
    for path in list(root.rglob("*.html")) + list(root.rglob("*.txt")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in literal.finditer(line):
                before = line[: match.start()]
                if re.search(r"""(value|datetime)=["'][^"']*$""", before):
                    continue
                offenders.append(f"{path.relative_to(root)}:{number}: {match.group(0)}")
    assert not offenders, "use a format name:\n" + "\n".join(offenders)


def test_choosing_a_language_on_my_details_changes_the_interface(world, login):
    client = login(world.patient.user)
    form = client.get(reverse("my_details_edit")).content.decode()
    assert 'autocomplete="email"' in form and 'autocomplete="tel"' in form
    assert 'autocomplete="street-address"' in form
    response = client.post(
        reverse("my_details_edit"),
        {"email": world.patient.email, "preferred_language": "da"},
    )
    assert response.status_code == 302
    assert '<html lang="da"' in client.get(reverse("my_details")).content.decode()


@pytest.mark.parametrize(
    "code, expected",
    [
        ("sv", "Erbjuds inte på norska (bara på engelska, svenska)."),
        ("nb", "Tilbys ikke på dansk (bare på engelsk, svensk)."),
        ("nl", "Niet aangeboden in het Deens (alleen in het Engels, Zweeds)."),
    ],
)
def test_language_names_inside_sentences_are_written_as_in_a_sentence(code, expected):
    from django.utils import translation

    from tessera.programs.matching.areas import language_name

    asked = {"sv": "nb", "nb": "da", "nl": "da"}[code]
    with translation.override(code):
        names = ", ".join(language_name(c, in_sentence=True) for c in ["en", "sv"])
        text = translation.gettext("Not offered in %(language)s (only in %(names)s).") % {
            "language": language_name(asked, in_sentence=True),
            "names": names,
        }
        assert text == expected
        assert language_name("en") != language_name("en", in_sentence=True) or code == "nl"


SIGNED_IN = {
    "sv": "Du är inloggad som",
    "nb": "Du er logget inn som",
    "da": "Du er logget ind som",
    "nl": "Je bent ingelogd als",
}


@pytest.mark.parametrize("code", SIGNED_IN)
def test_the_sign_in_request_itself_speaks_the_persons_language(world, client, code):
    # allauth's "signed in" message is written during the sign-in request, while the
    # browser's language was still the active one; it now comes in the person's, and in
    # our own wording (allauth's Danish "Loggede succesfuldt ind med" was clumsy).
    from tests.conftest import PASSWORD

    _set_preferred(world.patient, code)
    response = client.post(
        reverse("account_login"),
        {"login": world.patient.user.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    page = response.content.decode()
    assert f'<html lang="{code}"' in page
    assert SIGNED_IN[code] in page
    assert "Successfully signed in" not in page and "succesfuldt" not in page
