"""Pages for personal and shared feedback templates (no patient data)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tessera.core import access
from tessera.core.decorators import staff_required
from tessera.core.forms import add_action_errors
from tessera.core.models import Clinic
from tessera.core.refusals import say_refused

from .. import actions
from ..forms import TemplateForm
from ..models import FeedbackTemplate

PAGE_SIZE = 25


def _require_templates(user) -> None:
    if not access.may_use_feedback_templates(user):
        raise PermissionDenied


def _usable(user, pk: int) -> FeedbackTemplate:
    template = FeedbackTemplate.objects.usable_by(user).select_related("clinic").filter(pk=pk)
    found = template.first()
    if found is None:
        raise Http404
    return found


@staff_required
def template_list(request: HttpRequest) -> HttpResponse:
    _require_templates(request.user)
    templates = FeedbackTemplate.objects.usable_by(request.user).select_related("clinic")
    page = Paginator(templates, PAGE_SIZE).get_page(request.GET.get("page"))
    managed = access.shared_template_clinic_ids(request.user)
    rows = [(t, t.owner_id == request.user.pk or t.clinic_id in managed) for t in page.object_list]
    return render(
        request, "feedback/template_list.html", {"page": page, "rows": rows, "managed": managed}
    )


@staff_required
@require_http_methods(["GET", "POST"])
def template_new(request: HttpRequest) -> HttpResponse:
    _require_templates(request.user)
    clinics = list(
        Clinic.objects.filter(pk__in=access.shared_template_clinic_ids(request.user)).order_by(
            "name"
        )
    )
    form = TemplateForm(request.POST or None, clinics=clinics)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        clinic = next((c for c in clinics if c.pk == data["share_at"]), None)
        try:
            template = actions.do_create_template(
                acting_user=request.user,
                clinic=clinic,
                title=data["title"],
                language=data["language"],
                body=data["body"],
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            if getattr(template, "sent_before", False):
                say_refused(request, _("This template is already saved. Nothing was saved twice."))
            else:
                messages.success(request, _("The template was saved."))
            return redirect("feedback_templates")
    return render(request, "feedback/template_form.html", {"form": form, "template": None})


@staff_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_templates(request.user)
    template = _usable(request.user, pk)
    if not access.may_edit_template(request.user, template):
        raise PermissionDenied
    form = TemplateForm(request.POST or None, instance=template, editing=True)
    if request.method == "POST" and form.is_valid():
        fresh = FeedbackTemplate.objects.get(pk=template.pk)
        try:
            actions.do_update_template(
                fresh, acting_user=request.user, drawn=form.as_drawn(), **form.cleaned_data
            )
        except ValidationError as error:
            if not form.refused_meanwhile(error):  # saved at the same moment (0152)
                raise
        else:
            messages.success(request, _("The template was saved."))
            return redirect("feedback_templates")
    status = 409 if form.changed_meanwhile else 200  # a colleague's save kept (0149)
    context = {"form": form, "template": template}
    return render(request, "feedback/template_form.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_templates(request.user)
    template = _usable(request.user, pk)
    if not access.may_edit_template(request.user, template):
        raise PermissionDenied
    if request.method == "POST":
        actions.do_delete_template(template, acting_user=request.user)
        messages.success(request, _("The template was deleted."))
        return redirect("feedback_templates")
    return render(request, "feedback/template_delete.html", {"template": template})
