"""The access policy, through the scoped querysets every view uses."""

from tessera.core.models import Episode, Patient


def visible(user):
    return set(Patient.objects.visible_to(user).values_list("pk", flat=True))


def test_it_shows_a_therapist_only_their_caseload(world):
    assert visible(world["therapist"]) == {world.patient.pk}
    assert visible(world["colleague"]) == {world.other_patient.pk}


def test_it_shows_clinic_wide_roles_every_patient_of_their_clinic(world):
    expected = {world.patient.pk, world.other_patient.pk}
    for kind in ["intake", "assessor", "supervisor", "manager"]:
        assert visible(world[kind]) == expected, kind


def test_it_hides_other_clinics_patients(world):
    assert world.far_patient.pk not in visible(world["manager"])
    assert visible(world["other_manager"]) == {world.far_patient.pk}
    assert visible(world["other_therapist"]) == {world.far_patient.pk}


def test_it_shows_no_patient_data_to_authors_researchers_and_region_admins(world):
    for kind in ["author", "researcher", "region_admin"]:
        assert visible(world[kind]) == set(), kind
        assert not Episode.objects.visible_to(world[kind]).exists(), kind


def test_it_shows_staff_nothing_until_they_have_a_second_factor(world):
    assert visible(world["staff_no_mfa"]) == set()
    assert not Episode.objects.visible_to(world["staff_no_mfa"]).exists()


def test_it_shows_a_patient_only_themself(world):
    assert visible(world["patient"]) == {world.patient.pk}
    assert set(Episode.objects.visible_to(world["patient"])) == {world.episode}


def test_it_shows_anonymous_users_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()


def test_a_therapist_loses_access_when_the_episode_moves_to_a_colleague(world):
    Episode.objects.filter(pk=world.episode.pk).update(therapist=world["colleague"])
    assert world.patient.pk not in visible(world["therapist"])


def test_a_therapist_role_elsewhere_does_not_open_this_clinics_caseload(world):
    # The other clinic's therapist is made responsible for an episode at our clinic
    # without holding a role here: the policy still refuses.
    Episode.objects.filter(pk=world.episode.pk).update(therapist=world["other_therapist"])
    assert world.patient.pk not in visible(world["other_therapist"])


def test_the_users_roles_are_read_once_per_request(world, django_assert_num_queries):
    """Issue 16 (per-request caches): however many parts of a page ask about the user's
    roles, one query reads them; a new request (a new user object) reads them afresh."""
    from tessera.core import access
    from tessera.core.models import User

    user = User.objects.get(pk=world["therapist"].pk)
    with django_assert_num_queries(1):
        for _ in range(3):
            assert world.clinic.pk in access.clinic_ids_with_roles(user, ["therapist"])
            assert access.roles_at(user, world.clinic.pk) == ["therapist"]
            assert "therapist" in access.all_roles(user)
    fresh = User.objects.get(pk=world["therapist"].pk)
    with django_assert_num_queries(1):
        access.all_roles(fresh)
