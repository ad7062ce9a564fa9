"""An application's page reads the region's published programmes, the clinic's
eligibility rules, the clinic's questionnaire wording and each therapist's open
episodes with SQL built and compiled once per process (``core.prepared``, issue 16): a
second request compiles none of them, and shows the same suggestion and loads."""

from __future__ import annotations

from django.urls import reverse

from tests.compiled_sql import compiled_on_second_request
from tests.intake.assessment_helpers import published_version
from tests.intake.intake_helpers import make_application

ONCE = (
    '"programs_programmeversion"',
    '"programs_cliniceligibility"',
    '"instruments_clinicwording"',
    'COUNT("treatment_episode"."id")',
)


def test_a_second_request_compiles_none_of_the_pages_fixed_reads(world, login):
    published_version(world)
    application = make_application(world.clinic, "compiled@apply.test")
    client = login(world["intake"])
    url = reverse("intake_application", args=[application.pk])
    seen, first, second = compiled_on_second_request(client, url)
    again = [sql for sql in seen if any(part in sql for part in ONCE)]
    assert not again, again
    assert "<strong>Depression</strong>" in second and "<strong>Depression</strong>" in first
