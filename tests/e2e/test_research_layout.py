"""The research pages at phone width (320 px): no sideways scrolling, every field
labelled. On the demo's trial."""

from __future__ import annotations

import pytest

from tessera.core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tessera.research.models import Study
from tests.e2e.conftest import sign_in, staff_sign_in
from tests.e2e.test_layout import UNLABELLED_FIELDS_JS, _assert_no_horizontal_scroll

pytestmark = pytest.mark.e2e


@pytest.fixture
def study(seeded_demo):
    return Study.objects.get(key="calm")


def _check(page, url):
    page.goto(url)
    _assert_no_horizontal_scroll(page)
    assert page.evaluate(UNLABELLED_FIELDS_JS) == [], url


def test_research_pages_fit_a_phone(phone_page, study):
    page = phone_page
    sign_in(page, "patient@demo.tessera.test", DEMO_PASSWORD)
    _check(page, "/me/studies/")
    page.get_by_role("button", name="Sign out").click()
    staff_sign_in(page, "researcher@demo.tessera.test", DEMO_TOTP_SECRET, password=DEMO_PASSWORD)
    participant = study.participants.get(randomised_at__isnull=False)
    for url in [
        "/research/",
        f"/research/{study.pk}/",
        f"/research/{study.pk}/participants/",
        f"/research/{study.pk}/consort/",
        f"/research/{study.pk}/export/",
        f"/research/participants/{participant.pk}/",
    ]:
        _check(page, url)
