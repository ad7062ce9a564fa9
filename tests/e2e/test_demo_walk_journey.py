"""Defects found by walking the seeded demo as its logins do (by role, label and visible
text, at 1280 and 320 px), each pinned here on the demo's own data."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import cookie_sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("warm_pdf")]  # downloads PDFs


def _choose_norwegian(page) -> None:
    page.get_by_label("Language").select_option("nb")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state()


def _page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_wide_tables_with_hidden_labels_do_not_widen_the_page_at_320px(
    phone_page, live_server, seeded_demo
):
    """The region administrator's questionnaire-wording page puts a visually hidden
    "(questionnaire, language)" after each link of a wide table, and the measures page
    hides labels in its table too. Absolutely placed, they escaped the table's scroll
    region and made the whole page 1,119 px wide at 320 px (the wrap was no containing
    block)."""
    page = phone_page
    cookie_sign_in(page, "region.admin@demo.tessera.test")
    for path in ("/clinics/canal/instruments/", "/clinics/canal/measures/"):
        page.goto(path)
        assert page.get_by_role("region", name="Table that scrolls sideways").first.is_visible()
        assert _page_width(page) <= 320, f"{path} is {_page_width(page)} px wide at 320 px"


def test_a_discharged_patients_pages_offer_no_link_that_answers_404(page, live_server, seeded_demo):
    """After discharge the record, the episode's overview and its messages offered
    "Treatment plan" and "Ask a colleague", which only serve an open episode: a click
    answered 404 (found as the intake coordinator and the assessor on Lars Berg)."""
    from tessera.core.models import Episode, Patient

    patient = (
        Patient.objects.filter(last_name="Berg", first_name="Lars", episodes__isnull=False)
        .exclude(episodes__status__in=[s for s in Episode.Status.values if s != "ended"])
        .first()
    )
    assert patient is not None, "the demo has a patient whose every episode ended"
    episode = patient.episodes.get()
    cookie_sign_in(page, "manager@demo.tessera.test")
    for path in (
        f"/patients/{patient.pk}/",
        f"/episodes/{episode.pk}/",
        f"/episodes/{episode.pk}/messages/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        main = page.get_by_role("main")
        assert main.get_by_role("link", name="Treatment plan").count() == 0, path
        assert main.get_by_role("link", name="Ask a colleague").count() == 0, path
        hrefs = main.locator("a[href^='/']").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        )
        for href in set(hrefs):
            if "/download" in href or href.endswith((".pdf", ".csv")):
                continue
            status = page.request.get(href).status
            assert status < 400, f"{href} (linked from {path}) answered {status}"


def test_week_links_fit_a_phone_in_norwegian(phone_page, live_server, seeded_demo):
    """At 320 px in Norwegian the team workload's eight week links stood in one row (557
    px) and a patient's record with a long e-mail address was 327 px wide: the links
    now wrap, and a detail's value may break anywhere."""
    page = phone_page
    cookie_sign_in(page, "canal.manager@demo.tessera.test")
    _choose_norwegian(page)
    page.goto("/workload/clinics/canal/")
    assert page.get_by_role("navigation", name="Uker").is_visible()
    assert _page_width(page) <= 320, f"workload is {_page_width(page)} px wide at 320 px"
