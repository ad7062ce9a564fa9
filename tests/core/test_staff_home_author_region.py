"""The content author's and the region administrator's homes show their work (decision
0161). Before, both named only the role: the author's drafts and the modules waiting for
a translation were one menu entry away, and a region administrator learnt of a clinic
where a risk alert would reach nobody only from the list of clinics."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tessera.core.models import CrisisContact
from tessera.programs import actions
from tessera.programs.actions.translations import do_create_module_translation
from tessera.programs.models import ProblemArea
from tests.conftest import make_clinic


def _home(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as seen:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode(), len(seen)


def _module(world, key, *, publish):
    module = actions.do_create_module(
        world.region, acting_user=world["author"], key=key, title=f"Module {key}"
    )
    version = module.versions.get()
    if publish:
        actions.do_add_step(
            version, acting_user=world["author"], kind="text", title="Read", body="Text."
        )
        actions.do_publish_module(version, acting_user=world["author"])
    return module


def test_the_authors_home_counts_drafts_and_translations_to_do(world, login):
    client = login(world["author"])
    page, _ = _home(client)
    assert "Your work in the library" in page
    assert "0 module drafts not yet published" in page
    library = reverse("library_index")
    published = _module(world, "one", publish=True)  # English only: the clinics work in sv too
    _module(world, "two", publish=False)
    actions.do_create_programme(
        world.region,
        acting_user=world["author"],
        key="prog",
        title="A programme",
        problem_area=ProblemArea.DEPRESSION,
    )
    page, queries = _home(client)
    assert f'<a href="{library}#modules-heading">1 module draft not yet published</a>' in page
    assert f'<a href="{library}#programmes-heading">1 programme draft not yet published' in page
    assert "1 module not yet in every language of the region's clinics" in page
    assert "0 translations being written" in page
    # Its Swedish translation begun: a translation waiting, the module still lacking it.
    do_create_module_translation(published, acting_user=world["author"], language="sv")
    page, _ = _home(client)
    assert "1 translation being written, not yet published" in page
    assert "1 module not yet in every language" in page
    # The same queries for one draft as for many.
    for n in range(4):
        _module(world, f"more-{n}", publish=n % 2 == 0)
    page, more = _home(client)
    assert "3 module drafts not yet published" in page
    assert "3 modules not yet in every language" in page
    assert more == queries


def test_who_authors_nothing_sees_no_library_work(world, login):
    for role in ("therapist", "manager", "region_admin", "intake"):
        page, _ = _home(login(world[role]))
        assert "Your work in the library" not in page, role


def test_the_region_admins_home_counts_the_clinics_that_must_be_fixed(world, login):
    client = login(world["region_admin"])
    page, _ = _home(client)
    assert "Your region" in page
    clinics = reverse("clinic_list")
    assert f'<a href="{clinics}">No clinic has anything that must be fixed</a>' in page
    make_clinic(world.region, "bare")  # no manager, nobody on call
    page, queries = _home(client)
    assert f'<a href="{clinics}">1 clinic needs attention</a>' in page
    CrisisContact.objects.filter(clinic=world.clinic).delete()  # may not take patients
    for n in range(4):
        make_clinic(world.region, f"more-{n}")
    page, more = _home(client)
    assert f'<a href="{clinics}">6 clinics need attention</a>' in page
    assert more == queries  # the same queries for two clinics as for six


def test_only_a_region_administrator_has_the_regions_part(world, login):
    for role in ("therapist", "manager", "author"):
        page, _ = _home(login(world[role]))
        assert "Your region" not in page, role


def test_the_demo_shows_each_part(seeded_demo):
    """``make demo``'s author sees the Danish translation being written and the modules
    not yet in every language of the region's clinics; its region administrator the
    region's part (no clinic of the demo has anything that must be fixed). The same
    queries as pinned here: 13 for the author, 19 for the region administrator."""
    from django.test import Client

    from tessera.core.models import User
    from tests.conftest import sign_in

    for email, expected, queries in (
        ("author@demo.tessera.test", "1 translation being written, not yet published", 13),
        ("region.admin@demo.tessera.test", "No clinic has anything that must be fixed", 19),
    ):
        client = Client()
        sign_in(client, User.objects.get(email=email))
        client.get(reverse("home"))  # the session's first touch
        page, seen = _home(client)
        assert expected in page, email
        assert seen == queries, email
