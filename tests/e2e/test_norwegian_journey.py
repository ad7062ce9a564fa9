"""A Norwegian patient's journey (issue 17): a visitor whose browser speaks Norwegian
refers themself to a Norwegian clinic, all in Bokmål (the clinic's programmes, consent
text and crisis contacts in Norwegian), and, once in treatment, reads a module in
Norwegian, sees an untranslated module marked as English, and dates in Norwegian format.

Between the application and treatment the clinic's triage and assessment happen through
the actions (other journeys walk those pages)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.models import Clinic, User
from tessera.intake.actions import apply as apply_actions
from tessera.programs.models import Module, ModuleVersion, ProgrammeVersion, Step
from tessera.treatment import actions as treatment
from tessera.treatment.actions import do_open_episode
from tessera.treatment.actions import plans as plan_actions
from tests.conftest import PASSWORD
from tests.plan_fixtures import _module, _programme

NORWEGIAN_CRISIS = [
    {"language": "nb", "label": "Medisinsk nødtelefon", "phone": "113"},
    {"language": "nb", "label": "Mental Helse hjelpetelefonen", "phone": "116123"},
    {"language": "en", "label": "Medical emergency", "phone": "113"},
]


@pytest.fixture
def fjord(transactional_db):
    region = actions.do_create_region(name="Norway Region", country="NO")
    clinic = actions.do_create_clinic(
        region=region,
        name="Fjordklinikken",
        slug="fjord",
        country="NO",
        languages=["nb", "en"],
        time_zone="Europe/Oslo",
        crisis_contacts=NORWEGIAN_CRISIS,
        referral_model=Clinic.Referral.SELF,
    )
    apply_actions.do_publish_consent_text(
        clinic, language="en", text="We keep your answers to decide about your care."
    )
    apply_actions.do_publish_consent_text(
        clinic, language="nb", text="Vi tar vare på svarene dine for å vurdere behandlingen."
    )
    activity = _module(region, "activity", "Activity and mood")
    values = _module(region, "values", "Values")
    translated = Module.objects.create(
        region=region, key="activity-nb", translation_of=activity.module
    )
    norwegian = ModuleVersion.objects.create(
        module=translated,
        number=1,
        status="published",
        title="Aktivitet og humør",
        language="nb",
        published_at=timezone.now(),
    )
    Step.objects.create(
        module_version=norwegian,
        position=1,
        kind="text",
        title="Les",
        body="Om **aktivitet og humør**.",
    )
    programme = _programme(region, "depression", "Depression", [activity, values])
    ProgrammeVersion.objects.filter(pk=programme.pk).update(
        description_patient="For low mood.",
        translations={
            "nb": {"title": "Depresjon", "description_patient": "For deg som føler deg nedfor."}
        },
    )
    return clinic, programme


def _submit(page) -> None:
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def _answer(page, count: int) -> None:
    for n in range(1, count + 1):
        page.get_by_role("group", name=re.compile(rf"^{n}\.")).get_by_role("radio").first.check()


def _sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


@pytest.fixture
def norwegian_page(browser, live_server, transactional_db, browser_log):
    from tests.e2e.conftest import DESKTOP, _open_page

    # A visitor whose browser asks for Norwegian (Bokmål) first.
    context_page = _open_page(browser, live_server, browser_log, DESKTOP | {})
    page = next(context_page)
    page.context.set_extra_http_headers({"Accept-Language": "nb-NO,nb;q=0.9,en;q=0.5"})
    yield page
    next(context_page, None)


def test_a_norwegian_patient_refers_themself_and_reads_in_norwegian(norwegian_page, fjord):
    page = norwegian_page
    clinic, programme = fjord
    email = "nora.nordmann@apply.test"

    # The clinic's page in Norwegian, with the programme's Norwegian text (no lang).
    page.goto("/c/fjord/")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    heading = page.locator("#programme-depression")
    expect(heading).to_have_text("Depresjon")
    assert heading.get_attribute("lang") is None
    expect(page.get_by_role("main")).to_contain_text("For deg som føler deg nedfor.")
    page.get_by_role("link", name="Søk selv").click()
    page.get_by_role("link", name="Start søknaden min").click()

    # Sign-up and e-mail confirmation (allauth's pages, in Norwegian).
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    _submit(page)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto("/" + link.split("/", 3)[3])
    _submit(page)
    _sign_in(page, email)

    # The Norwegian consent text, not marked as another language.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Slik behandler vi opplysningene dine"
    )
    consent = page.locator("#consent-text")
    expect(consent).to_contain_text("Vi tar vare på svarene dine")
    assert consent.get_attribute("lang") is None
    page.get_by_label("Jeg har lest teksten ovenfor og samtykker til den").check()
    page.get_by_role("button", name="Fortsett").click()
    page.get_by_label("Fornavn").fill("Nora")
    page.get_by_label("Etternavn").fill("Nordmann")
    page.get_by_label("Fødselsdato").fill("1990-05-06")
    page.get_by_role("button", name="Lagre og fortsett").click()
    _answer(page, 9)
    page.get_by_role("button", name="Send svarene").click()
    _answer(page, 7)
    page.get_by_role("button", name="Send svarene").click()
    page.get_by_role("button", name="Send søknaden min").click()
    expect(page.locator("#phase")).to_have_text("Mottatt")
    page.get_by_role("button", name="Logg ut").click()

    # Triage, assessment and the start of treatment (through the actions).
    user = User.objects.get(email=email)
    patient = actions.do_create_patient(
        user=user,
        clinic=clinic,
        first_name="Nora",
        last_name="Nordmann",
        date_of_birth=dt.date(1990, 5, 6),
        email=email,
        preferred_language="nb",
    )
    episode = do_open_episode(patient, clinic, status="intake")
    treatment.do_start_treatment(episode, start_on=timezone.localdate())
    plan_actions.do_seed_plan(episode, programme, acting_user=None)
    first, second = episode.plan.order_by("position")
    plan_actions.do_complete_module(first, acting_user=user)

    # In treatment: Norwegian interface, the crisis contacts for Norway.
    _sign_in(page, email)
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    page.goto("/me/safety-plan/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Medisinsk nødtelefon")
    expect(main).to_contain_text("116123")
    expect(main).not_to_contain_text("Medical emergency")

    # The first module in Norwegian, the second marked as English, with a notice.
    page.goto("/me/modules/")
    expect(page.get_by_role("link", name="Aktivitet og humør")).to_be_visible()
    expect(page.get_by_role("link", name="Values")).to_have_attribute("lang", "en")
    page.goto(f"/me/modules/{first.pk}/?step=1")
    title = page.get_by_role("heading", level=1)
    expect(title).to_have_text("Aktivitet og humør")
    assert title.get_attribute("lang") is None
    page.goto(f"/me/modules/{second.pk}/?step=1")
    expect(page.get_by_role("heading", level=1)).to_have_attribute("lang", "en")
    expect(page.get_by_role("main")).to_contain_text("Denne modulen finnes ikke på ditt språk ennå")

    # Dates in Norwegian format (dd.mm.yyyy) on my progress: the module completed today.
    page.goto("/me/progress/")
    today = timezone.localdate()  # Oslo and Stockholm share their clock
    expect(page.get_by_role("main")).to_contain_text(today.strftime("%d.%m.%Y"))
    expect(page.get_by_role("main")).not_to_contain_text(today.isoformat())
