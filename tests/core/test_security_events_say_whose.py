"""The security events page says whose events it lists: the region administrator's page
covers the region's clinics and names them, not "your clinic" (issue 13: a manager's
view for their clinic and a region administrator's for the region)."""

from django.urls import reverse


def test_the_page_names_the_clinics_it_covers(world, login):
    region = login(world["region_admin"]).get(reverse("security_events")).content.decode()
    assert "your clinic" not in region
    assert world.clinic.name in region and world.other_clinic.name in region
    clinic = login(world["manager"]).get(reverse("security_events")).content.decode()
    assert world.clinic.name in clinic and world.other_clinic.name not in clinic
