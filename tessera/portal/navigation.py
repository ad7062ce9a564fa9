"""Navigation per role, computed once per request (the context processor).

Other apps' entries come from their ``sections.py`` (``portal.contributions``): staff
entries after the core ones, patient entries likewise."""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tessera.core import access

from . import contributions


def url(name: str) -> str:
    """``reverse(name)`` for the menu's fixed addresses (no arguments), worked out once
    per process for each URLconf and script prefix (issue 16: a dozen a page)."""
    return _reverse(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=512)
def _reverse(name: str, urlconf, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


def _url_in(urlconf, prefix, name: str) -> str:
    return _reverse(name, urlconf, prefix)


# The menu's own labels, made once (a lazy translation is drawn in the language of the
# page that shows it); ``_drawn_key`` knows each by its identity.
HOME = _("Home")
SECOND_FACTOR = _("Set up a second factor")
PATIENTS = _("Patients")
CLINICS = _("Clinics")
AUDIT_TRAIL = _("Audit trail")
LIBRARY = _("Library")
REPORTS = _("Reports")
MY_MODULES = _("My modules")
QUESTIONNAIRES = _("Questionnaires")
MY_PROGRESS = _("My progress")
MY_DETAILS = _("My details")
ACCESS_LOG = _("Who has seen my record")
MY_APPLICATIONS = _("My applications")
ACCOUNT = _("Account")


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    # The URLconf and script prefix once for the menu's dozen addresses (issue 16).
    base = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    url = functools.partial(_url_in, *base)
    nav = [(url("home"), HOME)]
    if user.is_staff_member and not access.may_see_patient_data(user):
        return {"nav": [(url("mfa_index"), SECOND_FACTOR)]}
    if user.is_staff_member:
        if access.has_clinical_role(user):
            nav.append((url("patient_list"), PATIENTS))
        # A region administrator reaches the clinic list (where the region's first
        # clinic is created) before the region has any clinic (issue 20).
        if access.sees_clinic_list(user):
            nav.append((url("clinic_list"), CLINICS))
        if access.audit_clinic_ids(user):
            nav.append((url("audit_search"), AUDIT_TRAIL))
        # Library regions: any clinic role's region (cached, no query), or a region admin's.
        if access.all_roles(user) or access.library_region_ids(user):
            nav.append((url("library_index"), LIBRARY))
        nav.extend(contributions.staff_nav(user))
        # The reports app sits beside the portal (top layer), so it is linked by name.
        if access.has_reports(user):
            nav.append((url("reports_home"), REPORTS))
    if user.patient_record is not None:
        nav.append((url("my_plan"), MY_MODULES))
        nav.append((url("my_questionnaires"), QUESTIONNAIRES))
        nav.extend(contributions.patient_nav(user, base))
        nav.append((url("my_progress"), MY_PROGRESS))
        nav.append((url("my_details"), MY_DETAILS))
        nav.append((url("my_access_log"), ACCESS_LOG))
    elif not user.is_staff_member:
        # An applicant finds their applications from every page (issue 14).
        nav.append((url("my_applications"), MY_APPLICATIONS))
    nav.append((url("account_email"), ACCOUNT))
    context = {"nav": nav, "current_path": request.path, "nav_items": NavItems(nav, request.path)}
    if user.patient_record is not None:
        # One tap from every page: the header carries the patient's safety plan.
        context["safety_plan_url"] = url("my_safety_plan")
    return context


class NavItems:
    """The menu's ``<li>`` entries as HTML, drawn once per request (issue 16): base.html
    shows the same menu twice (wide screens and phones), and drawing its dozen entries
    twice in template loops cost more than the rest of the page's header. Nothing is
    kept beyond the request."""

    def __init__(self, nav, current_path):
        self.nav = nav
        self.current_path = current_path
        self._html = None

    def __html__(self):
        if self._html is None:
            key = _drawn_key(self.nav, self.current_path)
            html = _DRAWN.get(key) if key is not None else None
            if html is None:
                current = mark_safe(' aria-current="page"')
                html = format_html_join(
                    "\n",
                    '<li><a href="{}"{}>{}</a></li>',
                    (
                        (href, current if href == self.current_path else "", label)
                        for href, label in self.nav
                    ),
                )
                if key is not None:
                    if len(_DRAWN) >= _DRAWN_LIMIT:
                        _DRAWN.clear()
                    _DRAWN[key] = html
            self._html = html
        return self._html

    __str__ = __html__


# Menus drawn, per language, page and entries (issue 16: drawing one, its labels
# translated and escaped, cost as much as the rest of a patient home's frame). The same
# entries in the same language always draw the same HTML; a process keeps at most
# _DRAWN_LIMIT (each page address has its own), then starts again.
_DRAWN: dict[tuple, str] = {}
_DRAWN_LIMIT = 4096


def _lazy_key(label) -> tuple:
    return (type(label), label._args, tuple(sorted(label._kw.items())))


# The menu's own labels' keys, by identity: they live as long as the process, so no
# other object has their id while it runs.
_OWN_KEYS = {
    id(label): _lazy_key(label)
    for label in (HOME, SECOND_FACTOR, PATIENTS, CLINICS, AUDIT_TRAIL, LIBRARY, REPORTS)
    + (MY_MODULES, QUESTIONNAIRES, MY_PROGRESS, MY_DETAILS, ACCESS_LOG, MY_APPLICATIONS, ACCOUNT)
}


def _drawn_key(nav, current_path) -> tuple | None:
    """What the menu's HTML depends on, without translating the labels: a plain string
    is itself (with its type: a safe string is not escaped), a lazy translation is its
    function's class and arguments. None (not kept) for any other label."""
    labels = []
    for _href, label in nav:
        own = _OWN_KEYS.get(id(label))
        if own is not None:
            labels.append(own)
        elif isinstance(label, str):
            labels.append((type(label), label))
        elif isinstance(label, Promise) and hasattr(label, "_args"):
            labels.append(_lazy_key(label))
        else:
            return None
    return (get_language(), current_path, tuple(href for href, _label in nav), tuple(labels))
