"""The samples' crisis blocks came as new versions (decision 0134): a region that has the
version before keeps it, a plan pinned to it reads it as before, and moving the patient
to the newest version shows their clinic's crisis contacts in the text."""

from __future__ import annotations

import json
import shutil

from django.urls import reverse

from tessera.programs.management.commands.load_sample_content import sample_directories
from tessera.programs.models import ModuleVersion
from tessera.programs.packages import do_import_package, zip_directory
from tessera.treatment.actions import plans as plan_actions

BLOCK = "\n\n::: crisis\n:::"


def _before_the_blocks(folder, tmp_path):
    """The sample as a region may already have it: every version 1, no crisis block."""
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy)
    for body in copy.glob("modules/*/*.md"):
        body.write_text(body.read_text(encoding="utf-8").replace(BLOCK, ""), encoding="utf-8")
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    programme = manifest["programme"]
    programme["version"] = 1
    programme["description_patient"] = programme["description_patient"].replace(BLOCK, "")
    for text in (programme.get("translations") or {}).values():
        text["description_patient"] = text.get("description_patient", "").replace(BLOCK, "")
    for module in manifest["modules"]:
        module["version"] = 1
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return copy


def test_a_plan_on_the_old_version_keeps_working_and_moves_to_the_crisis_block(
    world, login, tmp_path
):
    folder = next(f for f in sample_directories() if f.name == "depression-ba")
    author, therapist = world["author"], world["therapist"]
    old = do_import_package(
        zip_directory(_before_the_blocks(folder, tmp_path)),
        region=world.region,
        acting_user=author,
    )
    plan_actions.do_seed_plan(world.episode, old.programme_version, acting_user=therapist)
    entry = world.episode.plan.get(module_version__module__key="td-what-is-cbt")
    assert entry.module_version.number == 1

    new = do_import_package(zip_directory(folder), region=world.region, acting_user=author)
    assert new.programme_version.number == 2
    pinned = {
        e.module_version.module.key: e.module_version.number
        for e in new.programme_version.entries.all()
    }
    assert pinned["td-what-is-cbt"] == 2 and pinned["ba-2-activity-diary"] == 1  # reused
    assert ModuleVersion.objects.get(pk=entry.module_version_id).status == "published"

    client = login(world["patient"])
    url = reverse("module_reader", args=[entry.pk]) + "?step=1"
    page = client.get(url)
    assert page.status_code == 200 and "crisis-in-text" not in page.content.decode()

    assert plan_actions.do_move_to_newest_version(entry, acting_user=therapist)
    text = client.get(url).content.decode()
    number = world.clinic.crisis_contacts.first().phone
    assert "crisis-in-text" in text and f'href="tel:{number}"' in text
