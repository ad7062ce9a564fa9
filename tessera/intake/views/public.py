"""The public pages of a clinic, and the web form for professionals' referrals."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tessera.core import crisis, submissions
from tessera.core.forms import add_action_errors
from tessera.core.models import Clinic
from tessera.core.ratelimits import over_limit, record_refusal, with_retry_after
from tessera.core.refusals import say_refused

from ..actions import apply as apply_actions
from ..forms import PersonForm, ReferralForm
from ..programmes import public_programmes

RECEIPT_SESSION_KEY = "tessera_intake_receipt"


def _clinic(slug: str, *, self_referral=False, professional=False) -> Clinic:
    clinic = get_object_or_404(Clinic, slug=slug)
    if self_referral and not clinic.accepts_self_referral:
        raise Http404
    if professional and not clinic.accepts_professional_referral:
        raise Http404
    return clinic


def _not_taking(request: HttpRequest, clinic: Clinic) -> HttpResponse | None:
    """The page to show instead, while the clinic may not take patients (no crisis
    contacts of its own: ``tessera.core.crisis.refusal``). None when it may."""
    reason = crisis.refusal(clinic)
    if reason is None:
        return None
    return render(
        request,
        "intake/public/not_taking.html",
        {
            "clinic": clinic,
            "reason": reason,
            "crisis_contacts": crisis.contacts_for(clinic, _language()),
        },
    )


def _language() -> str:
    return (get_language() or "en")[:2]


def clinic_page(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = _clinic(slug)
    return _not_taking(request, clinic) or render(
        request,
        "intake/public/clinic.html",
        {"clinic": clinic, "programmes": public_programmes(clinic, _language())},
    )


def how_to_apply(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = _clinic(slug)
    if not clinic.accepts_self_referral:
        # A clinic that takes referrals only tells a member of the public how to get
        # there, rather than answering 404 (issue 14).
        return render(request, "intake/public/apply_by_referral.html", {"clinic": clinic})
    return _not_taking(request, clinic) or render(
        request, "intake/public/apply.html", {"clinic": clinic}
    )


def _self_referral_only(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    """A clinic that takes no referrals from professionals tells one who came to refer
    (an address typed, or kept from before the clinic changed) that their patient can
    apply themselves, and where, rather than answering 404 (as ``how_to_apply`` does the
    other way round). Nothing sent to it is read."""
    return render(request, "intake/public/refer_by_self_referral.html", {"clinic": clinic})


def professionals(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = _clinic(slug)
    if not clinic.accepts_professional_referral:
        return _self_referral_only(request, clinic)
    return _not_taking(request, clinic) or render(
        request,
        "intake/public/professionals.html",
        {"clinic": clinic, "programmes": public_programmes(clinic, _language())},
    )


@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = _clinic(slug)
    if not clinic.accepts_professional_referral:
        return _self_referral_only(request, clinic)
    closed = _not_taking(request, clinic)
    if closed is not None:
        return closed
    referral = ReferralForm(request.POST or None)
    person = PersonForm(request.POST or None, initial={"language": _language()})
    if request.method == "POST" and referral.is_valid() and person.is_valid():
        # Against abuse of the public form: valid referrals per address (the
        # "referral_form" rate limit, 20 an hour by default). The same referral sent
        # again from this browser (the receipt it holds) is a repeat: it is answered with
        # that receipt and does not use up the allowance.
        repeat = apply_actions.referred_again(
            clinic,
            {k: v for k, v in referral.cleaned_data.items() if k != "submission_key"},
            person.cleaned_data,
            key=referral.cleaned_data.get("submission_key"),
            receipt=request.session.get(RECEIPT_SESSION_KEY, ""),
        )
        wait = over_limit(request, "referral_form", clinic=clinic, count=not repeat)
        if wait is not None:
            record_refusal(request, "referral_form", clinic=clinic)
            referral.add_error(
                None,
                _(
                    "Too many referrals have been sent from here in the last hour. Please try "
                    "again later; what you typed is kept."
                ),
            )
            page = render(
                request,
                "intake/public/refer.html",
                {"clinic": clinic, "referral_form": referral, "person_form": person},
            )
            return with_retry_after(page, wait)
        details = dict(referral.cleaned_data)
        key = details.pop("submission_key", None)
        try:
            application = apply_actions.do_refer(
                clinic,
                referral=details,
                person=person.cleaned_data,
                acting_user=request.user if request.user.is_authenticated else None,
                base_url=request.build_absolute_uri("/"),
                submission_key=key,
            )
            if application.sent_before and (
                request.session.get(RECEIPT_SESSION_KEY) != application.reference
            ):
                # Sent before from another browser: its receipt is not this one's to see.
                raise ValidationError(submissions.SENT_BEFORE, code="sent_before")
        except ValidationError as exc:
            add_action_errors([referral, person], exc)
        else:
            if application.sent_before:
                say_refused(
                    request,
                    _(
                        "This referral was already sent; "
                        "here is its receipt. Nothing was sent twice."
                    ),
                )
            request.session[RECEIPT_SESSION_KEY] = application.reference
            return redirect("intake_refer_receipt", slug=clinic.slug)
    return render(
        request,
        "intake/public/refer.html",
        {"clinic": clinic, "referral_form": referral, "person_form": person},
    )


def refer_receipt(request: HttpRequest, slug: str) -> HttpResponse:
    """The referrer's receipt: the reference number of the referral just sent from this
    browser (kept in the session, so a receipt never shows to anyone else)."""
    clinic = _clinic(slug, professional=True)
    reference = request.session.get(RECEIPT_SESSION_KEY)
    if not reference:
        return redirect("intake_refer", slug=clinic.slug)
    return render(request, "intake/public/receipt.html", {"clinic": clinic, "reference": reference})
