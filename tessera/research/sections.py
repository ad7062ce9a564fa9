"""What research adds to the portal's menus (see ``tessera.core.contributions``).

The portal names this module by dotted path (research sits beside it in the top layer).
Staff with the researcher role see "Studies"; patients see "Research studies", where
invitations, consent and withdrawal are. Neither costs a query."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tessera.core import access


def staff_nav(user) -> list:
    if access.has_research(user):
        return [(reverse("study_list"), _("Studies"))]
    return []


def patient_nav(user) -> list:
    return [(reverse("my_studies"), _("Research studies"))]
