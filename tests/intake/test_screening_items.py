"""The screening's item answers can be read on the application page (issue 20, item 10):
each question with the answer given, not only the totals, so that the assessor sees, for
example, which answer made the application urgent."""

from __future__ import annotations

from django.urls import reverse

from tests.intake.intake_helpers import PHQ_RISK, make_application


def test_each_screening_answer_is_shown_with_its_question(world, consent, login):
    application = make_application(world.clinic, "ines@apply.test", phq=PHQ_RISK)
    page = login(world["intake"]).get(reverse("intake_application", args=[application.pk]))
    html = page.content.decode()
    assert 'data-instrument="PHQ-9"' in html and 'data-instrument="GAD-7"' in html
    assert "9. Thoughts that you would be better off dead or of hurting yourself" in html
    assert "<dd>Several days (1)</dd>" in html  # PHQ-9 item 9 at 1: the risk answer
    assert "<dd>More than half the days (2)</dd>" in html  # GAD-7 items at 2
