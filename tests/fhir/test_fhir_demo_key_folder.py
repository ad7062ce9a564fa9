"""The suite never writes the demo's record-system key into the checkout: `make demo`'s
database names the key in var/fhir-demo-client/, and each run of the suite replaced it
(found by the engineer speeding up the suite)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from tessera.fhir import demo


def test_the_demo_client_folder_of_the_tests_is_outside_the_checkout():
    folder = Path(demo.key_dir()).resolve()
    assert not folder.is_relative_to(Path(settings.BASE_DIR).resolve())
    assert folder.name.startswith("tessera-test-demo-client-")
