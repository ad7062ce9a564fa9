"""Empty states lead somewhere (issue 20): a region administrator whose region has no
clinic yet reaches "Clinics" and the page where the first clinic is created, and is
shown no link to a page that would refuse them."""

from __future__ import annotations

from tessera.core import actions
from tessera.core.models import Clinic
from tests.conftest import make_clinic, make_user, sign_in


def nav_labels(response) -> list[str]:
    return [str(label) for _url, label in response.context["nav"]]


def test_a_region_admin_of_an_empty_region_reaches_clinic_creation(db, client):
    region = actions.do_create_region(name="Empty Region", country="SE")
    admin = make_user("admin@empty.test", second_factor=True)
    actions.do_make_region_admin(admin, region)
    sign_in(client, admin)
    home = client.get("/")
    assert "Clinics" in nav_labels(home)
    assert "/clinics/new/" in home.content.decode()  # "Create the region's first clinic"
    clinics = client.get("/clinics/")
    assert clinics.status_code == 200
    page = clinics.content.decode()
    assert "Your region has no clinic yet." in page and "/clinics/new/" in page
    assert "/security/" not in page  # no link to a page that would refuse them
    assert client.get("/clinics/new/").status_code == 200


def test_once_the_region_has_a_clinic_the_first_clinic_prompt_goes(db, client):
    region = actions.do_create_region(name="Region", country="SE")
    make_clinic(region, "first")
    admin = make_user("admin@region.test", second_factor=True)
    actions.do_make_region_admin(admin, region)
    sign_in(client, admin)
    assert "Create the region&#x27;s first clinic" not in client.get("/").content.decode()
    page = client.get("/clinics/").content.decode()
    assert "Clinic first" in page and "Your region has no clinic yet." not in page
    assert Clinic.objects.count() == 1
