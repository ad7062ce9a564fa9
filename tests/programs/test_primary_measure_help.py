"""The programme draft form's primary-measure help names every problem area's default
measure, in English and in each translation."""

from __future__ import annotations

import pytest
from django.utils import translation

from tessera.instruments.scoring.primary import PRIMARY_BY_PROBLEM
from tessera.programs.forms.authoring import ProgrammeDraftForm

NEW_AREAS = {"agoraphobia": "MI", "health_anxiety": "SHAI", "ocd": "OCI-R"}


@pytest.mark.parametrize("language", ["en", "sv", "nb", "da", "nl"])
def test_the_help_names_each_area_s_default_measure(language):
    with translation.override(language):
        help_text = str(ProgrammeDraftForm.base_fields["primary_measure"].help_text)
    for area, measure in PRIMARY_BY_PROBLEM.items():
        assert f" {measure.code}" in help_text, (language, area)
    if language != "en":  # translated, not the English fallback
        assert "problem area's default" not in help_text
    for code in NEW_AREAS.values():
        assert f" {code}," in help_text or f" {code})" in help_text, (language, code)
