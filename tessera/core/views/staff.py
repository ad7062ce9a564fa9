"""Staff administration: a clinic's staff page (invite, roles, caseload limits, hours and
on-call, offboarding, handing a leaver's patients over) for its managers and the
region's administrators, and creating clinics for region administrators."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from tessera.core.refusals import say_refused

from .. import access, on_call
from ..actions import clinics as clinic_actions
from ..actions import roles as role_actions
from ..actions import staff as staff_actions
from ..clinic_dates import clinic_today
from ..decorators import staff_required
from ..forms import (
    ChangeTherapistForm,
    ClinicCreateForm,
    GrantRoleForm,
    HandOverForm,
    RoleSettingsForm,
    StaffInviteForm,
    add_action_errors,
    form_error_texts,
)
from ..known_related import clinic_by_slug
from ..middleware import restoring_typed_text
from ..models import AuditEvent, Clinic, ClinicRole, Episode, Region, StaffLeave, User
from ..namesakes import staff_namesake_details
from ..roles import Role

# The staff table grows with the clinic: paged, as the clinic page's (decision 0140).
STAFF_PER_PAGE = 50


def _staff_clinic(user, slug: str) -> Clinic:
    clinic = clinic_by_slug(user, slug)  # a role clinic's kept row, or read up to it
    if clinic is None or clinic.pk not in access.staff_admin_clinic_ids(user):
        raise Http404
    return clinic


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _leavers(clinic, reader):
    """(former therapist, their open episodes here) for every therapist who left. Only
    the episodes the reader may open are named, each with its link; the others are
    counted, not named (decision 0096: a region administrator has no care relationship
    with the clinic's patients, so the page tells them how many wait, not who). The
    access policy decides which (``access.openable_episode_ids``)."""
    # The few episodes found, then their therapists and patients by key (each once),
    # in the order of the episode's copy of the patient's name: joined, the planner
    # hashed the country's users and patients for a list that is usually empty (issue 16).
    episodes = access.needing_new_therapist(Episode.objects.filter(clinic=clinic))
    episodes = episodes.prefetch_related("therapist", "patient")
    grouped: dict[int, list] = defaultdict(list)
    people = {}
    episodes = list(episodes.order_by("patient_last_name", "patient_first_name", "pk"))
    openable = access.openable_episode_ids(reader, [episode.pk for episode in episodes])
    for episode in episodes:
        episode.openable = episode.pk in openable
        grouped[episode.therapist_id].append(episode)
        people[episode.therapist_id] = episode.therapist
    return [
        Leaver(people[pk], grouped[pk]) for pk in sorted(grouped, key=lambda pk: str(people[pk]))
    ]


class Leaver:
    """A therapist who left and their patients waiting here: ``named`` are those the
    reader may open, ``unnamed`` how many others (decision 0096)."""

    def __init__(self, person, episodes):
        self.person = person
        self.count = len(episodes)
        self.named = [episode for episode in episodes if episode.openable]
        self.unnamed = self.count - len(self.named)


def _sessions_to_rebook(clinic, reader) -> list:
    """The clinic's coming booked sessions whose therapist has left (decision 0096),
    soonest first, each with ``openable``: a reader who may open the patient sees the
    name and a link to the episode's sessions, where the session is booked again; others
    see the time and the former therapist only. Read through the app registry: the
    sessions are the appointments app's, a layer above core (decision 0008), and this is
    the one page of core that lists them."""
    from django.apps import apps

    appointment = apps.get_model("appointments", "Appointment")
    sessions = list(
        appointment.objects.needing_new_clinician()
        .filter(episode__clinic=clinic)
        # The few rows found, then their therapists and patients by key (as ``_leavers``):
        # joined, the planner would hash the country's users for a list usually empty.
        .select_related("episode")
        .prefetch_related("therapist", "episode__patient")
        .order_by("starts_at", "pk")[:SESSIONS_TO_REBOOK_SHOWN]
    )
    openable = access.openable_episode_ids(reader, {s.episode_id for s in sessions})
    for session in sessions:
        session.openable = session.episode_id in openable
    return sessions


SESSIONS_TO_REBOOK_SHOWN = 100


@staff_required
@require_http_methods(["GET", "POST"])
def clinic_staff(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = _staff_clinic(request.user, slug)
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invited = staff_actions.do_invite_staff(
                clinic, acting_user=request.user, base_url=_base_url(request), **form.cleaned_data
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            if invited.new_account:
                messages.success(
                    request,
                    _("%(email)s was invited: they have an e-mail with a link to sign in.")
                    % {"email": invited.user.email},
                )
            else:
                messages.success(
                    request,
                    _("%(name)s now has the role %(role)s.")
                    % {"name": invited.user, "role": invited.grant.get_role_display()},
                )
            return redirect("clinic_staff", slug=clinic.slug)
    # The clinic's range of the roles in the order of their copy of the name, each
    # person made from that copy, with whether they have signed in (core 0023, 0027):
    # joined, the planner hashed every user of the country; read by key, one descent
    # each, a level deeper as the country's staff grow (issue 16, decision 0083).
    grants = list(
        ClinicRole.objects.filter(clinic=clinic).order_by(
            "user_last_name", "user_first_name", "user_email", "role"
        )
    )
    for grant in grants:
        grant.user = ClinicRole.kept_user(
            grant._state.db, [getattr(grant, field) for field in ClinicRole.KEPT_USER]
        )
    caseloads = dict(
        Episode.objects.filter(clinic=clinic, therapist__isnull=False)
        .exclude(status=Episode.Status.ENDED)
        .values_list("therapist")
        .annotate(n=Count("pk"))
        .values_list("therapist", "n")
    )
    people: dict[int, dict] = {}
    for grant in grants:
        person = people.setdefault(
            grant.user_id,
            {
                "user": grant.user,
                "invited": grant.user_has_usable_password is False,
                "roles": [],
                "caseload": caseloads.get(grant.user_id, 0),
            },
        )
        person["roles"].append(grant)
    # Who is on leave today (the clinic's day), and until when (decision 0146).
    away = {
        leave.user_id: leave
        for leave in StaffLeave.objects.filter(clinic=clinic)
        .on(clinic_today(clinic))
        .select_related("cover")
    }
    for user_id, person in people.items():
        person["leave"] = away.get(user_id)
    # Two colleagues named alike are told apart in the hand-over's "New therapist"
    # (decision 0139): their e-mail addresses, already read with the roles.
    for person, said in zip(
        people.values(),
        staff_namesake_details(person["user"] for person in people.values()),
        strict=True,
    ):
        person["namesake"] = said
    # The table is paged (decision 0140); the hand-over's choice of a new therapist
    # above it still offers every therapist of the clinic, read in the same query.
    everyone = list(people.values())
    return render(
        request,
        "core/staff.html",
        {
            "clinic": clinic,
            "people": everyone,
            "page": Paginator(everyone, STAFF_PER_PAGE).get_page(request.GET.get("page")),
            "form": form,
            "leavers": _leavers(clinic, request.user),
            "sessions_to_rebook": _sessions_to_rebook(clinic, request.user),
            "may_create_clinics": bool(access.administered_region_ids(request.user)),
        },
    )


def _left(request, clinic, user_id: int) -> HttpResponse | None:
    """The staff page, saying so, for a person who no longer holds a role here (their
    last one removed, or offboarded, perhaps in another tab): their own page, a "Remove"
    or "Offboard" sent again from it, answered a bare 404 and recorded a denial. None
    for a member, and for an id never of this clinic's staff (still a 404)."""
    if ClinicRole.objects.filter(clinic=clinic, user_id=user_id).exists():
        return None
    if not AuditEvent.objects.left_the_clinic(user_id, clinic.pk):
        return None
    name = {"name": User.objects.get(pk=user_id)}
    if request.method == "POST":
        text = _("Nothing was changed: %(name)s no longer holds a role at this clinic.")
    else:
        text = _("%(name)s no longer holds a role at this clinic.")
    say_refused(request, text % name)
    return redirect("clinic_staff", slug=clinic.slug)


def _member(clinic, user_id: int) -> User:
    user = get_object_or_404(User, pk=user_id)
    if not ClinicRole.objects.filter(clinic=clinic, user=user).exists():
        raise Http404
    return user


@staff_required
@require_http_methods(["GET", "POST"])
def staff_member(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """One person's roles at the clinic: add one, change or remove each."""
    clinic = _staff_clinic(request.user, slug)
    if (left := _left(request, clinic, user_id)) is not None:
        return left
    person = _member(clinic, user_id)
    grants = list(ClinicRole.objects.filter(clinic=clinic, user=person).order_by("role"))
    held = {grant.role for grant in grants}
    free = [(value, label) for value, label in Role.choices if value not in held]
    form = GrantRoleForm(request.POST or None, roles=free)
    if request.method == "POST" and form.is_valid():
        role_actions.do_grant_role(
            person, clinic, form.cleaned_data["role"], acting_user=request.user
        )
        messages.success(request, _("The role was added."))
        return redirect("staff_member", slug=clinic.slug, user_id=person.pk)
    return _member_page(request, clinic, person, grants, form if free else None)


def _member_page(request, clinic, person, grants, form, refused=None) -> HttpResponse:
    """``refused``: a role's form whose save was refused for another manager's save
    meanwhile (409): shown with what was typed and the role's values as they are now
    drawn into it, so saving again replaces them knowingly (decision 0152)."""
    rows = [
        (
            grant,
            refused
            if refused is not None and refused.instance.pk == grant.pk
            else RoleSettingsForm(instance=grant, prefix=f"role-{grant.pk}"),
        )
        for grant in grants
    ]
    leave = (
        StaffLeave.objects.filter(clinic=clinic, user=person)
        .on(clinic_today(clinic))
        .select_related("cover")
        .first()
    )
    return render(
        request,
        "core/staff_member.html",
        {
            "clinic": clinic,
            "person": person,
            "rows": rows,
            "form": form,
            "leave": leave,
        },
        status=409 if refused is not None else 200,
    )


def _ask_about_gaps(request, person, gaps, *, question, anyway, keep, keep_url, covering=()):
    """The page that asks first when a change would leave hours of a clinic's rota with
    nobody to tell of a risk alert, naming them in words and the clinic's time (as taking
    a stretch off the rota does, decision 0144): ``gaps`` is [(clinic, hours)]. None
    when there are none, or when the change was confirmed (``confirm=yes``): then it is
    saved (decision 0146). The page posts the same fields again, confirmed. It also
    names each leave ``person`` covers that the change leaves without a cover who can
    act (``covering``, decision 0155)."""
    gaps = [(clinic, hours) for clinic, hours in gaps if hours]
    if (not gaps and not covering) or request.POST.get("confirm") == "yes":
        return None
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "confirm")
        for value in values
    ]
    return render(
        request,
        "core/rota_gap_confirm.html",
        {
            "person": person,
            "gaps": [{"clinic": c, "hours": on_call.describe(hours)} for c, hours in gaps],
            "covering": covering,
            "question": question,
            "anyway": anyway,
            "keep": keep,
            "keep_url": keep_url,
            "action": request.path,
            "fields": fields,
        },
    )


def _grant(clinic, role_id: int) -> ClinicRole:
    return get_object_or_404(
        ClinicRole.objects.select_related("user", "clinic"), pk=role_id, clinic=clinic
    )


@staff_required
@require_POST
def staff_role_edit(request: HttpRequest, slug: str, role_id: int) -> HttpResponse:
    clinic = _staff_clinic(request.user, slug)
    grant = _grant(clinic, role_id)
    was_on_call = grant.on_call  # the form writes what was sent onto ``grant``
    form = RoleSettingsForm(request.POST, instance=grant, prefix=f"role-{grant.pk}")
    if form.is_valid():
        unmarked = was_on_call and form.cleaned_data.get("on_call") is False
        asked = _ask_about_gaps(
            request,
            grant.user,
            [
                (
                    clinic,
                    on_call.gaps_opened(clinic, people=[grant.user])
                    if unmarked and on_call.leaves_rota_with_mark(grant)
                    else set(),
                )
            ],
            question=_("Take %(name)s off the on-call rota?") % {"name": grant.user},
            anyway=_("Save it anyway"),
            keep=_("Keep them on call"),
            keep_url=reverse("staff_member", args=[clinic.slug, grant.user_id]),
            covering=_covering_lost(grant, clinic, removed=False) if unmarked else [],
        )
        if asked is not None:
            return asked
        try:
            staff_actions.do_update_role(
                ClinicRole.objects.get(pk=grant.pk),
                acting_user=request.user,
                drawn=form.as_drawn(),
                **form.cleaned_data,
            )
        except ValidationError as error:
            if not form.refused_meanwhile(error):  # saved at the same moment (0152)
                raise
        else:
            messages.success(request, _("The role's settings were saved."))
            return redirect("staff_member", slug=clinic.slug, user_id=grant.user_id)
    if form.changed_meanwhile:  # another manager's save kept; what was typed too (0152)
        return _refused_role(request, clinic, grant, form)
    for error in form_error_texts(form):
        messages.error(request, error)
    return redirect("staff_member", slug=clinic.slug, user_id=grant.user_id)


def _refused_role(request, clinic, grant, form) -> HttpResponse:
    person = grant.user
    grants = list(ClinicRole.objects.filter(clinic=clinic, user=person).order_by("role"))
    held = {g.role for g in grants}
    free = [(value, label) for value, label in Role.choices if value not in held]
    adding = GrantRoleForm(roles=free) if free else None
    return _member_page(request, clinic, person, grants, adding, refused=form)


@staff_required
@require_POST
def staff_role_remove(request: HttpRequest, slug: str, role_id: int) -> HttpResponse:
    clinic = _staff_clinic(request.user, slug)
    grant = _grant(clinic, role_id)
    asked = _ask_about_gaps(
        request,
        grant.user,
        [
            (
                clinic,
                on_call.gaps_opened(clinic, people=[grant.user])
                if access.leaves_rota_with_role(grant)
                else set(),
            )
        ],
        question=_("Remove the role %(role)s from %(name)s?")
        % {"role": grant.get_role_display(), "name": grant.user},
        anyway=_("Remove it anyway"),
        keep=_("Keep the role"),
        keep_url=reverse("staff_member", args=[clinic.slug, grant.user_id]),
        covering=_covering_lost(grant, clinic, removed=True),
    )
    if asked is not None:
        return asked
    try:
        staff_actions.do_remove_role(grant, acting_user=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("staff_member", slug=clinic.slug, user_id=grant.user_id)
    messages.success(request, _("The role was removed."))
    if ClinicRole.objects.filter(clinic=clinic, user=grant.user_id).exists():
        return redirect("staff_member", slug=clinic.slug, user_id=grant.user_id)
    return redirect("clinic_staff", slug=clinic.slug)


@staff_required
@require_http_methods(["GET", "POST"])
def staff_offboard(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """A staff member leaves: a page that says what happens, and the button."""
    clinic = _staff_clinic(request.user, slug)
    if (left := _left(request, clinic, user_id)) is not None:
        return left  # offboarded already (a double click, another tab, another manager)
    person = _member(clinic, user_id)
    managed = access.staff_admin_clinic_ids(request.user)
    clinics = list(
        Clinic.objects.filter(pk__in=managed, staff_roles__user=person).distinct().order_by("name")
    )
    open_episodes = (
        Episode.objects.filter(therapist=person, clinic__in=clinics)
        .exclude(status=Episode.Status.ENDED)
        .count()
    )
    elsewhere = ClinicRole.objects.filter(user=person).exclude(clinic__in=clinics).exists()
    error = ""
    # The hours each clinic's rota would be left with nobody to tell of a risk alert:
    # said on the page, and asked again when the button is sent (decision 0146).
    gaps = [
        {
            "clinic": c,
            "hours": on_call.describe(on_call.gaps_opened(c, people=[person])),
        }
        for c in clinics
    ]
    gaps = [gap for gap in gaps if gap["hours"]]
    covering = _covering(person, clinics)
    asked = bool(gaps or covering) and request.POST.get("confirm") != "yes"
    if request.method == "POST" and not asked:
        try:
            done = staff_actions.do_offboard_staff(
                person, acting_user=request.user, clinics=clinics
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            text = ngettext(
                "%(name)s was offboarded: %(roles)d role removed",
                "%(name)s was offboarded: %(roles)d roles removed",
                done.roles_removed,
            ) % {"name": person, "roles": done.roles_removed}
            if done.account_closed:
                text += " " + _("and their account closed (every session ended).")
            if done.patients:
                text += " " + ngettext(
                    "%(count)d patient needs a new therapist.",
                    "%(count)d patients need a new therapist.",
                    done.patients,
                ) % {"count": done.patients}
            messages.success(request, text)
            return redirect("clinic_staff", slug=clinic.slug)
    return render(
        request,
        "core/staff_offboard.html",
        {
            "clinic": clinic,
            "person": person,
            "clinics": clinics,
            "open_episodes": open_episodes,
            "elsewhere": elsewhere,
            "error": error,
            "gaps": gaps,
            "covering": covering,
        },
    )


def _covering_lost(grant: ClinicRole, clinic, *, removed: bool) -> list[StaffLeave]:
    """The leave ``grant``'s holder covers at the clinic that they could no longer act
    on once the role is removed (``removed``) or its on-call mark unticked (decision
    0155). One query when nothing is covered, and one more when something is."""
    covering = _covering(grant.user, [clinic])
    if not covering or access.may_cover_alerts_after(grant, removed=removed):
        return []
    return covering


def _covering(person, clinics) -> list[StaffLeave]:
    """The leave of colleagues ``person`` covers at these clinics that has not ended (the
    clinic's today): offboarded, they are passed over and the alerts go to whoever is
    on call and the managers, which the offboarding page says first (decision 0155).
    Only a therapist's leave: nobody else's alerts go to a cover. One query, and one per
    leave found for its person's roles."""
    if not clinics:
        return []
    earliest = min(clinic_today(clinic) for clinic in clinics)
    found = (
        StaffLeave.objects.filter(clinic__in=clinics, cover=person, last_day__gte=earliest)
        .select_related("user", "clinic")
        .order_by("first_day", "pk")
    )
    return [
        leave
        for leave in found
        if leave.last_day >= clinic_today(leave.clinic)
        and access.is_therapist_at(leave.user, leave.clinic_id)  # their patients' alerts
    ]


@staff_required
@require_POST
def staff_hand_over(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """Give the open patients of a therapist who left to a therapist of the clinic."""
    clinic = _staff_clinic(request.user, slug)
    leaver = get_object_or_404(User, pk=user_id)
    waiting = access.needing_new_therapist(Episode.objects.filter(clinic=clinic, therapist=leaver))
    if not waiting.exists():
        raise Http404
    form = HandOverForm(request.POST, therapists=access.therapists(clinic))
    if form.is_valid():
        try:
            count = staff_actions.do_hand_over_caseload(
                clinic,
                acting_user=request.user,
                from_user=leaver,
                to_user=form.cleaned_data["to_user"],
            )
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d patient was handed over to %(name)s.",
                    "%(count)d patients were handed over to %(name)s.",
                    count,
                )
                % {"count": count, "name": form.cleaned_data["to_user"]},
            )
    else:
        messages.error(request, _("Choose a therapist of this clinic."))
    return redirect("clinic_staff", slug=clinic.slug)


@staff_required
@require_POST
def episode_change_therapist(request: HttpRequest, episode_id: int) -> HttpResponse:
    """A clinic's manager gives one patient to another therapist of the clinic."""
    episode = get_object_or_404(Episode.objects.select_related("clinic"), pk=episode_id)
    if not access.may_change_therapist(request.user, episode):
        raise Http404
    form = ChangeTherapistForm.for_episode(request.user, episode, request.POST)
    back = redirect(reverse("episode_overview", kwargs={"episode_id": episode.pk}))
    if form is None:
        messages.error(request, _("This episode has ended; its therapist cannot be changed."))
    elif form.is_valid():
        try:
            staff_actions.do_change_therapist(
                episode,
                acting_user=request.user,
                to_user=form.cleaned_data["to_user"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(
                request,
                _("%(name)s is now the patient's therapist.")
                % {"name": form.cleaned_data["to_user"]},
            )
            return back
    else:
        for text in form_error_texts(form):
            messages.error(request, text)
    # Refused: the reason typed is put back on the episode's page (idle.js), not lost.
    return restoring_typed_text(back, refused=True)


@staff_required
@require_http_methods(["GET", "POST"])
def clinic_create(request: HttpRequest) -> HttpResponse:
    """A region administrator creates a clinic, with a crisis contact and its manager."""
    regions = access.administered_region_ids(request.user)
    if not regions:
        raise PermissionDenied
    form = ClinicCreateForm(request.POST or None, regions=Region.objects.filter(pk__in=regions))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        contact = {
            "label": data.pop("crisis_label"),
            "phone": data.pop("crisis_phone"),
            "language": (data["languages"] or ["en"])[0],
        }
        manager = data.pop("manager_email")
        try:
            with transaction.atomic():
                clinic = clinic_actions.do_create_clinic(
                    acting_user=request.user, crisis_contacts=[contact], **data
                )
                if manager:
                    staff_actions.do_invite_staff(
                        clinic,
                        acting_user=request.user,
                        email=manager,
                        role=Role.CLINIC_MANAGER,
                        base_url=_base_url(request),
                    )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("The clinic %(name)s was created.") % {"name": clinic.name})
            return redirect("clinic_staff", slug=clinic.slug)
    return render(request, "core/clinic_create.html", {"form": form})
