"""Triage actions on an application: each validated, stamped on the application's funnel,
written to its TriageAction log and to the audit trail, in one transaction.

The next steps of intake (assessment, waiting list, acceptance, letters) build on these:
``TriageAction`` is the log of what staff did and why, ``AssessmentBooking`` is where an
assessment attaches, and ``Application.*_at`` are the funnel's time stamps."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tessera.core import access, audit, submissions
from tessera.core.conflicts import retried_once
from tessera.letters.actions import do_write_application_letter

from .. import duplicates, notify, urgent
from ..models import (
    Application,
    AssessmentBooking,
    Referral,
    ScreeningAnswer,
    Status,
    TriageAction,
)
from ..models.applications import CLOSED_STATUSES

Kind = TriageAction.Kind


def _may_triage(user, application: Application) -> bool:
    return application.clinic_id in access.intake_clinic_ids(user)


def _lock(application: Application, user) -> Application:
    """The application, locked for the change; refuses staff outside its clinic and
    applications already closed."""
    if not _may_triage(user, application):
        raise ValidationError(_("You cannot work on applications of this clinic."))
    locked = Application.objects.select_for_update(no_key=True).get(pk=application.pk)
    if locked.status in CLOSED_STATUSES:
        raise ValidationError(_("This application is closed."))
    return locked


def _log(application, user, kind, *, reason="", details=None, now, key=None) -> TriageAction:
    row = TriageAction.objects.create(
        application=application,
        kind=kind,
        actor=user,
        at=now,
        reason=reason,
        details=details or {},
        submission_key=key,
    )
    audit.record_for_episode(
        f"application.{kind}",
        application,
        actor=user,
        obj=application,
        changes={"status": application.status, **(details or {})},
    )
    return row


def _save(application: Application, now, *fields: str) -> None:
    if application.triaged_at is None:
        application.triaged_at = now
        fields += ("triaged_at",)
    application.save(update_fields=["status", *fields])


def _letter(application, kind, acting_user, context) -> None:
    """The letter to the referrer or GP, where consent allows one (else nothing)."""
    do_write_application_letter(application, kind, acting_user=acting_user, context=context)


def _required(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


@retried_once
@transaction.atomic
def do_ask_for_information(
    application: Application,
    *,
    acting_user,
    message: str,
    base_url: str = "",
    submission_key=None,
) -> TriageAction:
    """Ask the applicant for more: the message is shown on their status page; the e-mail
    only says there is news. The form sent twice (same ``submission_key``, or the same
    question again within minutes) asks once and e-mails once: the second time this
    returns the first, ``sent_before`` set (decision 0070)."""
    message = _required(message, "message", _("Write what you need to know."))
    return submissions.made_once(
        TriageAction,
        submission_key,
        lambda: _ask_for_information(application, acting_user, message, base_url, submission_key),
        same=TriageAction.objects.filter(
            application=application,
            kind=Kind.ASK_INFO,
            actor=acting_user,
            reason=message,
            at__gte=timezone.now() - submissions.REPEAT_WINDOW,
        ),
        lock=str(application.pk),
        actor_id=acting_user.pk,
        application_id=application.pk,
    )


def _ask_for_information(application, acting_user, message, base_url, submission_key):
    locked = _lock(application, acting_user)
    now = timezone.now()
    locked.status, locked.info_request = Status.NEEDS_INFO, message
    _save(locked, now, "info_request")
    row = _log(locked, acting_user, Kind.ASK_INFO, reason=message, now=now, key=submission_key)
    if locked.applicant_id or locked.email:
        # an outbox row in this transaction: sent after commit, once (docs/decisions/0029)
        notify.send_information_request(locked, key=row.pk, base_url=base_url)
    return row


def assessor_choices(clinic):
    """Staff who may assess at the clinic."""
    return access.assessors(clinic)


@retried_once
@transaction.atomic
def do_book_assessment(
    application: Application,
    *,
    acting_user,
    mode: str,
    starts_at: dt.datetime,
    assessor,
    where: str = "",
    submission_key=None,
) -> AssessmentBooking:
    """Book the assessment and tell the applicant and the assessor. The form sent twice
    (same ``submission_key``, or the same booking again within minutes) books once: the
    second time this returns the first, ``sent_before`` set (decision 0070)."""
    if mode not in AssessmentBooking.Mode.values:
        raise ValidationError({"mode": _("Choose how the assessment takes place.")})
    if not assessor_choices(application.clinic).filter(pk=assessor.pk).exists():
        raise ValidationError({"assessor": _("Choose one of the clinic's assessors.")})
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Choose a time in the future.")})
    if mode == AssessmentBooking.Mode.VIDEO and not where.strip():
        raise ValidationError({"where": _("Give the video link.")})
    return submissions.made_once(
        AssessmentBooking,
        submission_key,
        lambda: _book_assessment(
            application, acting_user, mode, starts_at, assessor, where, submission_key
        ),
        same=AssessmentBooking.objects.filter(
            application=application,
            booked_by=acting_user,
            mode=mode,
            starts_at=starts_at,
            assessor=assessor,
            cancelled_at__isnull=True,
            booked_at__gte=timezone.now() - submissions.REPEAT_WINDOW,
        ),
        lock=str(application.pk),
        booked_by_id=acting_user.pk,
        application_id=application.pk,
    )


def _book_assessment(application, acting_user, mode, starts_at, assessor, where, submission_key):
    locked = _lock(application, acting_user)
    now = timezone.now()
    booking = AssessmentBooking.objects.create(
        application=locked,
        mode=mode,
        starts_at=starts_at,
        assessor=assessor,
        where=where.strip(),
        booked_by=acting_user,
        booked_at=now,
        submission_key=submission_key,
    )
    locked.status, locked.assessment_booked_at = Status.ASSESSMENT_BOOKED, now
    _save(locked, now, "assessment_booked_at")
    notify.tell_applicant(
        locked, "assessment_booked", f"booking:{booking.pk}", params={"booking": booking.pk}
    )
    notify.tell_assessor(booking)
    _log(
        locked,
        acting_user,
        Kind.BOOK_ASSESSMENT,
        details={"booking": booking.pk, "mode": mode, "assessor": assessor.pk},
        now=now,
    )
    return booking


@retried_once
@transaction.atomic
def do_decline(application: Application, *, acting_user, reason: str) -> TriageAction:
    reason = _required(reason, "reason", _("Give the reason for declining."))
    locked = _lock(application, acting_user)
    if locked.assessed_at is None and not access.may_decline_unassessed(acting_user, locked):
        # Whether someone's needs can be met here is a clinical judgement made on an
        # assessment (NICE CG123 §1.3, identification and assessment): without one, a
        # decline needs a clinician of the clinic; a coordinator books an assessment.
        raise ValidationError(
            _(
                "Only a clinician can decline an application that has not been assessed. "
                "Arrange the assessment first, or refer the person elsewhere."
            )
        )
    now = timezone.now()
    locked.status, locked.decision_reason, locked.decided_at = Status.DECLINED, reason, now
    _save(locked, now, "decision_reason", "decided_at")
    row = _log(locked, acting_user, Kind.DECLINE, reason=reason, now=now)
    _letter(locked, "declined", acting_user, {"reason": reason})
    notify.tell_applicant(locked, "application_decided", f"application:{locked.pk}")
    return row


@retried_once
@transaction.atomic
def do_redirect(application: Application, *, acting_user, where: str, reason: str = ""):
    where = _required(where, "where", _("Say where the person is referred to."))
    locked = _lock(application, acting_user)
    now = timezone.now()
    locked.status, locked.redirected_to, locked.decided_at = Status.REDIRECTED, where, now
    locked.decision_reason = reason.strip()
    _save(locked, now, "redirected_to", "decided_at", "decision_reason")
    row = _log(locked, acting_user, Kind.REDIRECT, reason=reason, details={"to": where}, now=now)
    _letter(locked, "declined", acting_user, {"reason": reason, "elsewhere": where})
    notify.tell_applicant(locked, "application_decided", f"application:{locked.pk}")
    return row


OWNER_KEEP = "keep"  # the kept application keeps its account (or stays without one)
OWNER_NEWER = "newer"  # the account of the other application takes over the kept one


@retried_once
@transaction.atomic
def do_merge_duplicate(
    newer: Application, *, acting_user, into: Application | None = None, owner: str = ""
) -> Application:
    """The same person applied twice: keep the older application, move the newer one's
    screening answers (for instruments the older lacks) and referral to it, and mark the
    newer one a duplicate of it. Returns the application kept.

    Who owns the kept application changes only when the coordinator chose it
    (owner=OWNER_NEWER) after seeing why the two matched: a name and birth date are
    easy to copy, and a stranger's account must not receive a referral's details."""
    if owner not in ("", OWNER_KEEP, OWNER_NEWER):
        raise ValidationError(_("Choose which account the kept application belongs to."))
    older = into or newer.possible_duplicate_of
    if older is None or older.pk == newer.pk or older.clinic_id != newer.clinic_id:
        raise ValidationError(_("There is no earlier application to merge into."))
    if (older.created_at, older.pk) > (newer.created_at, newer.pk):
        older, newer = newer, older
    kept = _lock(older, acting_user)
    gone = _lock(newer, acting_user)
    now = timezone.now()
    have = set(kept.screening_answers.values_list("instrument", flat=True))
    moved = list(
        ScreeningAnswer.objects.filter(application=gone)
        .exclude(instrument__in=have)
        .values_list("pk", flat=True)
    )
    ScreeningAnswer.objects.filter(pk__in=moved).update(application=kept)
    if not Referral.objects.filter(application=kept).exists():
        Referral.objects.filter(application=gone).update(application=kept)
    kept_update = ["status"]
    if gone.urgent and not kept.urgent:
        kept.urgent, kept.urgent_reason = True, gone.urgent_reason
        kept_update += ["urgent", "urgent_reason"]
        # The urgency comes with its acknowledgement window (or its acknowledgement), so
        # that the merged application still escalates if nobody deals with it.
        urgent_fields = [
            "urgent_acknowledge_by",
            "urgent_acknowledged_at",
            "urgent_acknowledged_by",
            "urgent_escalated_at",
        ]
        for name in urgent_fields:
            setattr(kept, name, getattr(gone, name))
        if kept.urgent_acknowledge_by is None and kept.urgent_acknowledged_at is None:
            kept.urgent_acknowledge_by = urgent.window_end(now)
        kept_update += urgent_fields
    if kept.screened_at is None and gone.screened_at is not None:
        kept.screened_at = gone.screened_at
        kept_update.append("screened_at")
    ownership_changes = kept.applicant_id is None and gone.applicant_id is not None
    if ownership_changes and not owner:
        raise ValidationError(_("Choose which account the kept application belongs to."))
    if ownership_changes and owner == OWNER_NEWER:
        kept.applicant_id = gone.applicant_id
        kept_update.append("applicant")
    kept.save(update_fields=kept_update)
    gone.status, gone.duplicate_of, gone.decided_at = Status.DUPLICATE, kept, now
    gone.possible_duplicate_of = kept
    _save(gone, now, "duplicate_of", "decided_at", "possible_duplicate_of")
    _log(gone, acting_user, Kind.MARK_DUPLICATE, details={"kept": kept.pk}, now=now)
    details = {
        "merged": gone.pk,
        "answers": moved,
        "matched_on": duplicates.match_reasons(kept, gone),
        "owner": owner or OWNER_KEEP,
    }
    _log(kept, acting_user, Kind.MERGE, details=details, now=now)
    return kept
