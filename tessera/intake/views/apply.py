"""The applicant's pages: start, consent, details, screening, send, status; and the
invitation link a referred person follows. Each step is saved, and /apply/<pk>/ takes
the applicant back to where they were."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tessera.core import audit, crisis
from tessera.core.forms import add_action_errors
from tessera.core.refusals import say_refused
from tessera.treatment import questionnaires

from .. import notify
from ..actions import apply as apply_actions
from ..forms import ConsentForm, DetailsForm, InviteConfirmForm, UrgentPhoneForm
from ..models import Application, ConsentText, Status
from ..status import applicant_phase, crisis_contacts
from ..timeline import application_steps
from .conversation import conversation
from .public import _clinic, _not_taking

SIGNUP_SESSION_KEY = "tessera_intake_signup"  # read by tessera.core.auth.AccountAdapter
NEXT_SESSION_KEY = "tessera_intake_next"


def _language() -> str:
    return (get_language() or "en")[:2]


def _own(request, pk: int) -> Application:
    application = (
        Application.objects.visible_to(request.user)
        .filter(pk=pk, applicant=request.user)
        .select_related("clinic", "consent")
        .first()
    )
    if application is None:
        raise Http404
    return application


def next_step_url(application: Application) -> str:
    if application.consent_id is None:
        return reverse("intake_consent", args=[application.pk])
    if not application.has_details:
        return reverse("intake_details", args=[application.pk])
    done = set(application.screening_answers.values_list("instrument", flat=True))
    code = apply_actions.next_instrument(application, done)
    if code:
        return reverse("intake_screening", args=[application.pk, code])
    if application.status == Status.DRAFT:
        return reverse("intake_submit", args=[application.pk])
    return reverse("intake_status", args=[application.pk])


def _context(request, application: Application, **extra) -> dict:
    return {
        "application": application,
        "crisis_contacts": crisis_contacts(application, application.language),
        **extra,
    }


def start(request: HttpRequest, slug: str) -> HttpResponse:
    """Signed out: open sign-up for this flow and send the person to create an account.
    Signed in: their draft at this clinic (new or resumed)."""
    clinic = _clinic(slug, self_referral=True)
    closed = _not_taking(request, clinic)
    if closed is not None:
        return closed
    here = reverse("intake_start", args=[clinic.slug])
    if not request.user.is_authenticated:
        request.session[SIGNUP_SESSION_KEY] = clinic.slug
        request.session[NEXT_SESSION_KEY] = here
        target = "account_login" if "signin" in request.GET else "account_signup"
        return redirect(f"{reverse(target)}?next={here}")
    if request.user.is_staff_member:
        say_refused(request, _("Staff accounts cannot apply for care."))
        return redirect("intake_how_to_apply", slug=clinic.slug)
    request.session.pop(NEXT_SESSION_KEY, None)
    application = apply_actions.do_start_application(
        clinic, applicant=request.user, language=_language()
    )
    return redirect(next_step_url(application))


@login_required
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    return redirect(next_step_url(_own(request, pk)))


def _invite_used(request, application: Application, here: str, *, staff: bool = False):
    """The invitation cannot be taken up in this browser: already taken up, or a staff
    account is signed in. Says so, and what to do next (sign in, or sign out first);
    nothing of the application is shown (decision 0103)."""
    return render(
        request,
        "intake/invite_used.html",
        {"clinic": application.clinic, "here": here, "staff": staff},
        status=403 if request.user.is_authenticated else 200,
    )


def _invite_attempts_key(application: Application) -> str:
    return f"tessera:invite-confirm:{application.pk}"


def _invite_expired(request, token: str) -> HttpResponse:
    """An invitation link that does not work: altered, or older than 14 days. For a
    genuine one whose invitation is still open and not taken up, the page says so and
    names the clinic to ask for a new link, with its contact (decision 0154); it said
    "contact the clinic that referred you" without saying which, or how."""
    pk = notify.read_expired_invite_token(token)
    application = Application.objects.filter(pk=pk).select_related("clinic").first() if pk else None
    expired = (
        application is not None
        and application.applicant_id is None
        and notify.invitation_open(application)
    )
    context = {"clinic": application.clinic if expired else None}
    return render(request, "intake/invite_invalid.html", context, status=404)


def _invite_elsewhere(request, application: Application | None, here: str):
    """The answer when this browser cannot claim the invitation (no longer valid, signed
    out, a staff account, taken up already) or its claimant goes on; None to claim it."""
    if application is None or not notify.invitation_open(application):
        # Declined, merged, or referred elsewhere (or decided) before it was taken up.
        return render(request, "intake/invite_invalid.html", status=404)
    if not request.user.is_authenticated:
        if application.applicant_id is not None:
            # Taken up already (by this person in another browser, or by someone else):
            # never the sign-up page again, which would make a second account.
            return _invite_used(request, application, here)
        request.session[SIGNUP_SESSION_KEY] = application.clinic.slug
        request.session[NEXT_SESSION_KEY] = here
        return render(request, "intake/invite.html", {"clinic": application.clinic, "here": here})
    if request.user.is_staff_member:
        # A colleague's session open in this browser: say whose, and how to go on.
        audit.record("security.invite_refused", purpose="intake", obj=application)
        return _invite_used(request, application, here, staff=True)
    if application.applicant_id == request.user.pk:
        request.session.pop(NEXT_SESSION_KEY, None)
        return redirect(next_step_url(application))
    if application.applicant_id is not None:
        audit.record("security.invite_refused", purpose="intake", obj=application)
        return _invite_used(request, application, here)
    return None


@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, token: str) -> HttpResponse:
    """A referred person's link from the invitation e-mail. Opening it claims nothing:
    the invited person claims the application by POST, signed in with the address the
    invitation went to or confirming their date of birth and identity number."""
    pk = notify.read_invite_token(token)
    if pk is None:
        return _invite_expired(request, token)
    application = Application.objects.filter(pk=pk).select_related("clinic").first()
    here = reverse("intake_invite", args=[token])
    answer = _invite_elsewhere(request, application, here)
    if answer is not None:
        return answer
    by_address = apply_actions.invited_address_matches(application, request.user)
    form = None if by_address else InviteConfirmForm(request.POST or None)
    key = _invite_attempts_key(application)
    limit = settings.TESSERA_INVITE_CONFIRM_ATTEMPTS
    if request.method == "POST":
        if not by_address and (cache.get(key) or 0) >= limit:
            form.add_error(None, _("Too many attempts. Please contact the clinic."))
        elif by_address or form.is_valid():
            fields = {} if by_address else form.cleaned_data
            try:
                application = apply_actions.do_claim_invitation(
                    application, user=request.user, **fields
                )
            except ValidationError as exc:
                if not by_address:
                    cache.add(key, 0, 24 * 3600)
                    cache.incr(key)
                    audit.record("security.invite_mismatch", purpose="intake", obj=application)
                    form.add_error(None, exc.messages[0])
            else:
                request.session.pop(NEXT_SESSION_KEY, None)
                return redirect(next_step_url(application))
    return render(
        request,
        "intake/invite_claim.html",
        {
            "clinic": application.clinic,
            "form": form,
            "can_confirm": by_address or apply_actions.can_confirm_identity(application),
        },
    )


def _sent_already(request, application: Application, step_done: bool) -> bool:
    """A step of an application already sent (back and send again, or an old tab): the
    intake team is working from what was sent, and the form changed it without a word
    (a name, a date of birth, the consent given). Steps still missing (a referred person
    giving consent and details) stay open."""
    if application.status == Status.DRAFT or not step_done:
        return False
    say_refused(
        request,
        _(
            "Your application has been sent, so this can no longer be changed here. "
            "If something is wrong, write to the clinic."
        ),
    )
    return True


@login_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own(request, pk)
    if _sent_already(request, application, application.consent_id is not None):
        return redirect("intake_status", pk=application.pk)
    text = application.consent or ConsentText.current(application.clinic, _language())
    if text is None:
        return render(request, "intake/no_consent.html", _context(request, application))
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        current = ConsentText.current(application.clinic, _language())
        if current is not None and str(current.pk) == request.POST.get("consent_text"):
            apply_actions.do_accept_consent(application, current, acting_user=request.user)
            return redirect(next_step_url(application))
        form.add_error(None, _("The consent text has changed. Please read the new text."))
        text = current
    return render(
        request, "intake/consent.html", _context(request, application, form=form, text=text)
    )


@login_required
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own(request, pk)
    if application.consent_id is None:
        return redirect(next_step_url(application))
    if _sent_already(request, application, application.has_details):
        return redirect("intake_status", pk=application.pk)
    initial = {f: getattr(application, f) for f in apply_actions.DETAIL_FIELDS}
    form = DetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            apply_actions.do_save_details(
                application, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return redirect(next_step_url(application))
    return render(request, "intake/details.html", _context(request, application, form=form))


@login_required
@require_http_methods(["GET", "POST"])
def screening(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    application = _own(request, pk)
    if code not in application.screening_set or application.consent_id is None:
        raise Http404
    if application.screening_answers.filter(instrument=code).exists():
        return redirect(next_step_url(application))
    answers = apply_actions.screening_draft(application, code)
    view = questionnaires.build(code, _language(), answers, clinic=application.clinic)
    if request.method == "POST":
        answers = {**answers, **questionnaires.read_answers(view, request.POST)}
        apply_actions.do_save_screening_draft(application, code, answers)
        if "save" in request.POST:
            messages.success(request, _("Your answers are saved. You can come back later."))
            return redirect("intake_status", pk=application.pk)
        if questionnaires.check_complete(view, answers):
            apply_actions.do_submit_screening(
                application, code, answers, acting_user=request.user, language=view.language
            )
            return redirect(next_step_url(application))
    position = application.screening_set.index(code) + 1
    return render(
        request,
        "intake/screening.html",
        _context(
            request, application, q=view, position=position, count=len(application.screening_set)
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own(request, pk)
    if application.status != Status.DRAFT:
        return redirect("intake_status", pk=application.pk)
    ask_phone = application.urgent and not application.phone
    data = request.POST if request.method == "POST" else None
    form = UrgentPhoneForm(data) if ask_phone else None
    if request.method == "POST" and (form is None or form.is_valid()):
        phone = form.cleaned_data["phone"].strip() if form is not None else ""
        try:
            if phone:
                apply_actions.do_save_details(application, acting_user=request.user, phone=phone)
            sent = apply_actions.do_submit_application(application, acting_user=request.user)
        except ValidationError:
            return redirect(next_step_url(application))
        if sent.status == Status.ACCEPTED and sent.episode_id:
            # A clean screening at a clinic that starts unguided courses at once.
            messages.success(
                request, _("Your self-help course has started. The first module is open now.")
            )
            return redirect("home")
        messages.success(request, _("Your application has been sent."))
        return redirect("intake_status", pk=application.pk)
    if next_step_url(application) != request.path:
        return redirect(next_step_url(application))
    return render(request, "intake/submit.html", _context(request, application, form=form))


def _urgent_contacts(application: Application, request) -> list:
    """The clinic's crisis contacts, in the applicant's language first (all of them when
    none is in it), on the status page at every step: it tells them to "use the numbers
    for urgent help", so the numbers must be there (issue 14)."""
    return crisis.contacts_for(application.clinic, application.language)


@login_required
def status(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own(request, pk)
    continue_url = next_step_url(application)
    booking = application.bookings.filter(cancelled_at__isnull=True).order_by("-starts_at").first()
    return render(
        request,
        "intake/status.html",
        _context(
            request,
            application,
            phase=applicant_phase(application),
            booking=booking,
            continue_url=continue_url,
            screening_left="/screening/" in continue_url,
            steps=application_steps(application, booking),
            **conversation(request, application),
            urgent_contacts=_urgent_contacts(application, request),
        ),
    )


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    rows = (
        Application.objects.visible_to(request.user)
        .filter(applicant=request.user)
        .select_related("clinic")
        .order_by("-created_at")
    )
    return render(
        request,
        "intake/my_applications.html",
        {"rows": [(a, applicant_phase(a)) for a in rows[:50]]},
    )
