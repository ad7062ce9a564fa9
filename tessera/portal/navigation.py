"""Navigation per role, computed once per request (the context processor).

Other apps' entries come from their ``sections.py`` (``portal.contributions``): staff
entries after the core ones, patient entries likewise."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tessera.core import access

from . import contributions


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    nav = [(reverse("home"), _("Home"))]
    if user.is_staff_member and not access.may_see_patient_data(user):
        return {"nav": [(reverse("mfa_index"), _("Set up a second factor"))]}
    if user.is_staff_member:
        if access.has_clinical_role(user):
            nav.append((reverse("patient_list"), _("Patients")))
        # A region administrator reaches the clinic list (where the region's first
        # clinic is created) before the region has any clinic (issue 20).
        if access.sees_clinic_list(user):
            nav.append((reverse("clinic_list"), _("Clinics")))
        if access.audit_clinic_ids(user):
            nav.append((reverse("audit_search"), _("Audit trail")))
        # Library regions: any clinic role's region (cached, no query), or a region admin's.
        if access.all_roles(user) or access.library_region_ids(user):
            nav.append((reverse("library_index"), _("Library")))
        nav.extend(contributions.staff_nav(user))
        # The reports app sits beside the portal (top layer), so it is linked by name.
        if access.has_reports(user):
            nav.append((reverse("reports_home"), _("Reports")))
    if user.patient_record is not None:
        nav.append((reverse("my_plan"), _("My modules")))
        nav.append((reverse("my_questionnaires"), _("Questionnaires")))
        nav.extend(contributions.patient_nav(user))
        nav.append((reverse("my_progress"), _("My progress")))
        nav.append((reverse("my_details"), _("My details")))
        nav.append((reverse("my_access_log"), _("Who has seen my record")))
    elif not user.is_staff_member:
        # An applicant finds their applications from every page (issue 14).
        nav.append((reverse("my_applications"), _("My applications")))
    nav.append((reverse("account_email"), _("Account")))
    context = {"nav": nav, "current_path": request.path}
    if user.patient_record is not None:
        # One tap from every page: the header carries the patient's safety plan.
        context["safety_plan_url"] = reverse("my_safety_plan")
    return context
