"""Study staff's pages: the list, a new study, a study's page and its protocol forms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tessera.core import access
from tessera.core.decorators import staff_required
from tessera.core.forms import add_action_errors, form_error_texts, refused_as
from tessera.core.middleware import restoring_typed_text
from tessera.core.models import Clinic, User
from tessera.core.roles import StudyRole
from tessera.programs.eligibility import published_versions
from tessera.programs.models import ProgrammeVersion

from .. import actions, eligibility
from ..forms import (
    ArmForm,
    ConsentForm,
    ExtendForm,
    MeasureForm,
    MemberForm,
    StudyEditForm,
    StudyForm,
)
from ..models import Study, StudyMember
from .common import get_study


@staff_required
def study_list(request: HttpRequest) -> HttpResponse:
    studies = Study.objects.visible_to(request.user).with_sites(request.user)
    return render(
        request,
        "research/study_list.html",
        {"studies": studies, "may_start": access.may_start_study(request.user)},
    )


@staff_required
def study_create(request: HttpRequest) -> HttpResponse:
    clinic_ids = access.study_starter_clinic_ids(request.user)
    if not clinic_ids:
        raise PermissionDenied
    form = StudyForm(
        request.POST or None, clinics=Clinic.objects.filter(pk__in=clinic_ids).order_by("name")
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            study = actions.do_create_study(
                acting_user=request.user,
                key=data.pop("key"),
                title=data.pop("title"),
                clinics=data.pop("clinics"),
                **data,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The study was created. Add its arms and consent text."))
            return redirect("study_detail", pk=study.pk)
    return render(request, "research/study_form.html", {"form": form})


def _consent_form(study) -> ConsentForm:
    return ConsentForm(initial={"drawn": actions.consent_versions_drawn(study)})


def _programmes(study):
    regions = {c.region_id for c in study.clinics.all()}
    return ProgrammeVersion.objects.filter(pk__in=[v.pk for v in published_versions(regions)])


@staff_required
def study_detail(request: HttpRequest, pk: int) -> HttpResponse:
    study = get_study(request.user, pk)
    user = request.user
    manages = access.may_manage_study(user, study)
    context = {
        "study": study,
        "roles": [StudyRole(r).label for r in sorted(access.study_roles(user, study))],
        "eligibility": eligibility.describe(study.eligibility),
        "manages": manages,
        "recruits": access.may_recruit(user, study),
        "sees_arms": access.may_see_arms(user, study),
        "exports": access.may_export_study(user, study),
        "planned": study.status == Study.Status.PLANNED,
        "arms": study.arms.select_related("programme_version")
        if access.may_see_arms(user, study)
        else [],
        "arm_count": study.arms.count(),
        "measures": study.measures.all(),
        "members": study.members.select_related("user").order_by("role", "user__email"),
        "consents": study.consent_versions.all(),
    }
    if manages and study.status == Study.Status.PLANNED:
        context.update(
            arm_form=ArmForm(
                programmes=_programmes(study), initial={"drawn": actions.arms_digest(study)}
            ),
            measure_form=MeasureForm(),
            member_form=MemberForm(),
            consent_form=_consent_form(study),
        )
    elif manages:
        context.update(member_form=MemberForm(), consent_form=_consent_form(study))
    if manages and study.status == Study.Status.RECRUITING:
        left = actions.places_left(study)
        context.update(
            places_left=left,
            extend_form=ExtendForm(
                strata=list(left), initial={"drawn": actions.sequence_length(study)}
            ),
        )
    return render(request, "research/study_detail.html", context)


def _protocol_initial(study: Study) -> dict:
    initial = {name: getattr(study, name) for name in actions.PROTOCOL_FIELDS}
    return initial | {"clinics": list(study.clinics.all())}


@staff_required
def study_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The protocol's details while the study is planned (investigators)."""
    study = get_study(request.user, pk)
    if not access.may_manage_study(request.user, study):
        raise Http404
    if study.status != Study.Status.PLANNED:
        messages.error(request, _("The protocol cannot change once recruitment has opened."))
        return redirect("study_detail", pk=study.pk)
    clinic_ids = access.study_starter_clinic_ids(request.user) | {c.pk for c in study.clinics.all()}
    form = StudyEditForm(
        request.POST or None,
        initial=_protocol_initial(study) | {"drawn": actions.protocol_digest(study)},
        clinics=Clinic.objects.filter(pk__in=clinic_ids).order_by("name"),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            actions.do_update_study(
                study,
                acting_user=request.user,
                clinics=data.pop("clinics"),
                drawn=data.pop("drawn") or None,
                **data,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
            if refused_as(exc, "protocol_changed_meanwhile"):
                # What they typed stays in the form; "Save" again is theirs to choose,
                # over the protocol as it is now (decision 0149).
                status = 409
                form.data = form.data.copy()
                form.data["drawn"] = actions.protocol_digest(Study.objects.get(pk=study.pk))
        else:
            messages.success(request, _("The protocol was saved."))
            return redirect("study_detail", pk=study.pk)
    context = {"form": form, "study": study}
    return render(request, "research/study_form.html", context, status=status)


def _post(request, pk: int, form_class, write, success: str, **form_kwargs):
    """A protocol form posted from the study page: the action's errors as messages."""
    study = get_study(request.user, pk)
    if not access.may_manage_study(request.user, study):
        raise Http404
    for name, value in form_kwargs.items():
        if callable(value):
            form_kwargs[name] = value(study)
    form = form_class(request.POST, **form_kwargs) if form_class else None
    if form is not None and not form.is_valid():
        for error in form_error_texts(form):
            messages.error(request, error)
        # Back to the page, where idle.js puts back what was typed (it was lost).
        return restoring_typed_text(redirect("study_detail", pk=study.pk), refused=True)
    try:
        write(study, form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return restoring_typed_text(redirect("study_detail", pk=study.pk), refused=True)
    else:
        messages.success(request, success)
    return redirect("study_detail", pk=study.pk)


@require_POST
@staff_required
def study_arm_save(request: HttpRequest, pk: int) -> HttpResponse:
    def write(study, data):
        actions.do_save_arm(study, acting_user=request.user, **data)

    return _post(request, pk, ArmForm, write, _("The arm was saved."), programmes=_programmes)


@require_POST
@staff_required
def study_measure_add(request: HttpRequest, pk: int) -> HttpResponse:
    def write(study, data):
        actions.do_add_measure(study, acting_user=request.user, **data)

    return _post(request, pk, MeasureForm, write, _("The research measure was added."))


@require_POST
@staff_required
def study_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    def write(study, data):
        user = User.objects.filter(email__iexact=data["email"]).first()
        if user is None:
            raise ValidationError(_("No staff member has this e-mail address."))
        actions.do_add_member(study, user, data["role"], acting_user=request.user)

    return _post(request, pk, MemberForm, write, _("The study role was given."))


@require_POST
@staff_required
def study_member_remove(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    def write(study, _data):
        member = StudyMember.objects.filter(pk=member_id, study=study).first()
        if member is None:
            raise Http404
        actions.do_remove_member(member, acting_user=request.user)

    return _post(request, pk, None, write, _("The study role was taken away."))


@require_POST
@staff_required
def study_extend(request: HttpRequest, pk: int) -> HttpResponse:
    def write(study, data):
        added = actions.do_extend_sequence(study, acting_user=request.user, **data)
        messages.info(request, _("%(n)s places were added.") % {"n": added})

    def strata(study):
        return list(actions.places_left(study))

    return _post(
        request, pk, ExtendForm, write, _("The allocation sequence was extended."), strata=strata
    )


@require_POST
@staff_required
def study_consent_publish(request: HttpRequest, pk: int) -> HttpResponse:
    def write(study, data):
        actions.do_publish_consent(study, acting_user=request.user, **data)

    return _post(request, pk, ConsentForm, write, _("The consent text was published."))


@require_POST
@staff_required
def study_open(request: HttpRequest, pk: int) -> HttpResponse:
    def write(study, _data):
        actions.do_open_recruitment(study, acting_user=request.user)

    return _post(
        request, pk, None, write, _("Recruitment is open; the allocation sequence is sealed.")
    )


@require_POST
@staff_required
def study_close(request: HttpRequest, pk: int) -> HttpResponse:
    def write(study, _data):
        actions.do_close_study(study, acting_user=request.user, archive=study.status == "closed")

    return _post(request, pk, None, write, _("The study's status was changed."))
