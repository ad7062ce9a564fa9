"""``{% latest_scores_list %}``: each measure's latest score as the caseload and the
supervision pages show it, drawn in Python (issue 16: CPU per request). The expected
HTML is written out by hand, character for character as the template it replaced drew
it: the pages' tests find scores by these attributes and words."""

import datetime as dt

import pytest
from django.utils import translation

from tessera.treatment.latest_scores import NONE_ON_FILE, Score
from tessera.treatment.templatetags.treatment_tags import latest_scores_list

AT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def test_no_score_is_a_dash():
    assert latest_scores_list([]) == "—\n"


def test_a_first_score_shows_its_total_and_band_only():
    html = latest_scores_list([Score(code="PHQ-9", total=7, band="mild", at=AT)])
    assert html == (
        '\n        <span class="score" data-instrument="PHQ-9" data-change="">PHQ-9 '
        '<strong>7</strong> <span class="help">mild</span></span>\n      \n'
    )


def test_trend_and_reliable_change_and_a_second_measure():
    scores = [
        Score(
            code="GAD-7",
            total=15,
            band="",
            at=AT,
            trend="up",
            previous=9,
            baseline=8,
            change="deteriorated",
        ),
        Score(
            code="MADRS-S",
            total=20,
            band="",
            at=AT,
            trend="same",
            previous=20,
            baseline=20,
            change=NONE_ON_FILE,
        ),
    ]
    with translation.override("en"):
        html = latest_scores_list(scores)
    assert html == (
        '\n        <span class="score overdue" data-instrument="GAD-7" '
        'data-change="deteriorated">GAD-7 <strong>15</strong> '
        '<span aria-hidden="true">↑</span><span class="visually-hidden">(rising from 9)'
        '</span><br><span class="help">reliable deterioration since 8</span></span><br>'
        "\n      "
        '\n        <span class="score" data-instrument="MADRS-S" '
        'data-change="none_on_file">MADRS-S <strong>20</strong> '
        '<span aria-hidden="true">→</span><span class="visually-hidden">(unchanged from 20)'
        '</span><br><span class="help">no reliable-change value on file</span></span>'
        "\n      \n"
    )


@pytest.mark.parametrize("language", ["sv", "nb", "da", "nl"])
def test_the_words_are_translated(language):
    score = Score(
        code="PHQ-9",
        total=4,
        band="",
        at=AT,
        trend="down",
        previous=11,
        baseline=12,
        change="improved",
    )
    with translation.override(language):
        html = latest_scores_list([score])
        rising = str(translation.gettext("falling"))
        since = translation.gettext("%(change)s since %(baseline)s") % {
            "change": translation.gettext("reliable improvement"),
            "baseline": 12,
        }
    assert rising != "falling" and rising in html
    assert since in html and "reliable improvement" not in html


def test_values_are_escaped():
    html = latest_scores_list([Score(code="<b>", total=1, band="a&b", at=AT)])
    assert "<b>" not in html
    assert 'data-instrument="&lt;b&gt;"' in html and "a&amp;b" in html
