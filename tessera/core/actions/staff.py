"""Staff administration: inviting staff, granting, changing and removing roles, a leaver's
offboarding and handing their patients over (atomic and audited).

- An invitation creates the account (no password yet; its e-mail address counts as
  verified, since only its holder can use the link), grants the role and e-mails a link
  to choose a password: allauth's own password-reset link, so the invited person goes
  through the same pages (and then the same second-factor set-up) as anyone else.
- A leaver keeps nothing (``do_offboard_staff``): their roles at the clinics the acting
  manager runs are removed, their on-call stretches there taken off the rota, every
  session they have is ended, and when they hold no role anywhere any more the account
  is closed (inactive, no usable password). Their patients keep them as the responsible
  therapist on record, so the caseload and the staff page show those patients as needing
  a new therapist until ``do_hand_over_caseload`` gives them one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import access, audit, notices, on_call, sessions
from ..drawn import Drawn, refuse_if_changed
from ..models import Clinic, ClinicRole, Episode, OnCallShift, User
from ..roles import Role
from .clinics import lock_clinics

ROLE_SETTINGS = ("max_caseload", "weekly_hours", "on_call", "profession")


@dataclass
class Invited:
    user: User
    grant: ClinicRole
    new_account: bool


@dataclass
class Offboarded:
    roles_removed: int
    sessions_ended: int
    account_closed: bool
    patients: int  # open episodes at these clinics that now need a new therapist


def invitation_link(user: User, base_url: str = "") -> str:
    """A link to choose a password (allauth's reset-from-key page)."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


def invitation_text(user: User, clinic: Clinic, role: str, base_url: str, new_account: bool):
    """Subject and body of the invitation, in the invited person's language. Written when
    the outbox sends it (notifications.account_mail), so the password link's token is
    made then and never stored."""
    language = user.language or (clinic.languages[0] if clinic.languages else "en")
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    with translation.override(language):
        if not new_account:
            # Someone who signs in already: told of the role, never sent a password link.
            return (
                _("You have a new role in Tessera"),
                _(
                    "You have been given the role %(role)s at %(clinic)s in Tessera. Sign "
                    "in as usual to work there:\n%(link)s\n"
                )
                % {
                    "role": Role(role).label,
                    "clinic": clinic.name,
                    "link": base_url.rstrip("/") + reverse("account_login"),
                },
            )
        return (
            _("You are invited to work in Tessera"),
            _(
                "You have been given the role %(role)s at %(clinic)s in Tessera.\n\n"
                "Open this link to choose your password (it works for %(days)d days); you "
                "will then set up a second factor for signing in:\n%(link)s\n"
            )
            % {
                "role": Role(role).label,
                "clinic": clinic.name,
                "days": days,
                "link": invitation_link(user, base_url),
            },
        )


def _queue_invitation(grant: ClinicRole, base_url: str, new_account: bool) -> None:
    """One outbox row (core.notices), in this transaction: sent once after commit,
    retried if the mail server refuses, shown to the clinic's managers if it fails."""
    notices.tell_account_holder(
        grant.user,
        "staff_invited" if new_account else "staff_role_added",
        key=f"staff_invited:{grant.pk}",
        link=reverse("account_login"),
        params={"grant": grant.pk, "base": base_url},
    )


@transaction.atomic
def do_invite_staff(
    clinic: Clinic,
    *,
    acting_user,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    job_title: str = "",
    base_url: str = "",
    **role_settings,
) -> Invited:
    """Grant ``role`` at ``clinic`` to the person with this e-mail address, creating their
    account when there is none, and e-mail them (a new account gets a link to choose a
    password; an existing one is told of the new role)."""
    email = User.objects.normalize_email(email.strip()).lower()
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    # The same invitation sent twice at the same instant (two tabs, a retry): the second
    # meets the first's account or role in the database and gets this, not an error page.
    already = ValidationError({"email": _("This person already has that role at this clinic.")})
    user = User.objects.filter(email__iexact=email).first()
    new_account = user is None
    if new_account:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email, first_name=first_name, last_name=last_name, job_title=job_title
                )
        except IntegrityError:
            raise already from None
        user.set_unusable_password()
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    elif not user.is_active:
        # Someone who left comes back: their account opens again, with a new password.
        user.is_active = True
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
        new_account = True
    elif ClinicRole.objects.filter(user=user, clinic=clinic, role=role).exists():
        raise already
    grant = ClinicRole(user=user, clinic=clinic, role=role, **_settings(role_settings))
    grant.full_clean()
    try:
        with transaction.atomic():
            grant.save()
    except IntegrityError:
        raise already from None
    audit.record(
        "staff.invited",
        actor=acting_user,
        clinic=clinic,
        obj=grant,
        purpose="administration",
        actor_role=access.actor_role_label(acting_user, clinic.pk),
        changes={"user": user.pk, "role": role, "new_account": new_account},
    )
    _queue_invitation(grant, base_url, new_account)
    return Invited(user, grant, new_account)


def _settings(values: dict) -> dict:
    return {key: value for key, value in values.items() if key in ROLE_SETTINGS}


@transaction.atomic
def do_update_role(
    grant: ClinicRole, *, acting_user, drawn: Drawn | None = None, **values
) -> ClinicRole:
    """Change a role's maximum caseload, weekly hours, on-call duty or profession.
    Taking the on-call mark off the person's last role marked so at the clinic takes them
    off its rota too: the rota tells them of alerts whose patients only the mark lets
    them open (``tessera.core.on_call``). ``drawn``: what the form was drawn with;
    compared under the role's row lock, so another manager's save since is refused,
    not saved over (decision 0152)."""
    values = _settings(values)
    refuse_if_changed(
        ClinicRole.objects.select_for_update(no_key=True).get(pk=grant.pk), drawn, values
    )
    before = {key: str(getattr(grant, key)) for key in values}
    for key, value in values.items():
        setattr(grant, key, value)
    grant.full_clean()
    grant.save()
    changes = audit.changed_fields(before, {key: str(value) for key, value in values.items()})
    if not grant.on_call and "on_call" in changes and on_call.leaves_rota_with_mark(grant):
        removed = OnCallShift.objects.filter(clinic=grant.clinic_id, user=grant.user_id).delete()
        if removed[0]:
            changes["on_call_shifts_removed"] = removed[0]
    if changes:
        audit.record(
            "staff.role_changed",
            actor=acting_user,
            clinic=grant.clinic,
            obj=grant,
            purpose="administration",
            actor_role=access.actor_role_label(acting_user, grant.clinic_id),
            changes={"user": grant.user_id, "role": grant.role, **changes},
        )
    return grant


@transaction.atomic
def do_remove_role(grant: ClinicRole, *, acting_user) -> None:
    """Take one role away. A clinic keeps at least one manager. A role removed already
    (a second click, another manager at the same moment) is left as it is: no second
    audit event."""
    lock_clinics([grant.clinic_id])
    if not ClinicRole.objects.filter(pk=grant.pk).exists():
        return
    if grant.role == Role.CLINIC_MANAGER and not (
        ClinicRole.objects.filter(clinic=grant.clinic, role=Role.CLINIC_MANAGER)
        .exclude(pk=grant.pk)
        .filter(user__is_active=True)
        .exists()
    ):
        raise ValidationError(_("A clinic must keep at least one clinic manager."))
    audit.record(
        "staff.role_removed",
        actor=acting_user,
        clinic=grant.clinic,
        obj=grant,
        purpose="administration",
        actor_role=access.actor_role_label(acting_user, grant.clinic_id),
        changes={"user": grant.user_id, "role": grant.role},
    )
    if access.leaves_rota_with_role(grant):
        OnCallShift.objects.filter(clinic=grant.clinic_id, user=grant.user_id).delete()
    elif OnCallShift.objects.filter(clinic=grant.clinic_id, user=grant.user_id).exists():
        # They stay on the rota with their other roles here: so does the on-call mark,
        # which lets them open the patient of an alert they are told of (the removed
        # role may have been the one that carried it).
        ClinicRole.objects.filter(
            clinic=grant.clinic_id, user=grant.user_id, on_call=False
        ).exclude(pk=grant.pk).update(on_call=True)
    grant.delete()
    _withdraw_unused_invitation(grant.user)


def _withdraw_unused_invitation(user: User) -> None:
    """Someone invited who never chose a password and now holds no role: the invitation's
    password link stops working (its token is made from the password field, which a new
    unusable value changes), so the link says "no longer works" instead of opening an
    account with nothing in it (decision 0103)."""
    if user.has_usable_password() or user.clinic_roles.exists() or user.region_roles.exists():
        return
    user.set_unusable_password()
    user.save(update_fields=["password"])


def end_sessions(user: User) -> int:
    """Delete every unexpired session of the user: its row, and its copy in the shared
    cache (tessera.core.sessions)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id", "")) == str(user.pk):
            key = session.session_key  # deleting clears it
            session.delete()
            sessions.forget(key)
            ended += 1
    return ended


@transaction.atomic
def do_offboard_staff(user: User, *, acting_user, clinics) -> Offboarded:
    """A staff member leaves ``clinics`` (those the acting manager runs): they keep
    nothing there, and nothing at all when they work nowhere else."""
    clinics = list(clinics)
    clinic_ids = {clinic.pk for clinic in clinics}
    if user.pk == getattr(acting_user, "pk", None):
        raise ValidationError(_("You cannot offboard yourself; ask another manager."))
    lock_clinics(clinic_ids)
    grants = ClinicRole.objects.filter(user=user, clinic_id__in=clinic_ids)
    for clinic_id in {g.clinic_id for g in grants if g.role == Role.CLINIC_MANAGER}:
        others = ClinicRole.objects.filter(
            clinic_id=clinic_id, role=Role.CLINIC_MANAGER, user__is_active=True
        ).exclude(user=user)
        if not others.exists():
            raise ValidationError(_("A clinic must keep at least one clinic manager."))
    roles = [(g.clinic_id, g.role) for g in grants]
    removed = grants.delete()[0]
    OnCallShift.objects.filter(user=user, clinic_id__in=clinic_ids).delete()
    still_works = ClinicRole.objects.filter(user=user).exists() or user.region_roles.exists()
    if not still_works:
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
    sessions = end_sessions(user)
    patients = (
        Episode.objects.filter(therapist=user, clinic_id__in=clinic_ids)
        .exclude(status=Episode.Status.ENDED)
        .count()
    )
    for clinic in sorted(clinics, key=lambda c: c.pk):
        clinic_id = clinic.pk
        audit.record(
            "staff.offboarded",
            actor=acting_user,
            clinic=clinic,
            obj=user,
            purpose="administration",
            actor_role=access.actor_role_label(acting_user, clinic_id),
            changes={
                "user": user.pk,
                "roles": sorted(role for cid, role in roles if cid == clinic_id),
                "account_closed": not still_works,
                "sessions_ended": sessions,
            },
        )
    return Offboarded(removed, sessions, not still_works, patients)


@transaction.atomic
def do_hand_over_caseload(
    clinic: Clinic, *, acting_user, from_user: User, to_user: User, today: dt.date | None = None
) -> int:
    """Give every open episode of ``from_user`` at ``clinic`` to ``to_user`` (a therapist
    of the clinic). Returns how many were handed over."""
    if not ClinicRole.objects.filter(
        user=to_user, clinic=clinic, role=Role.THERAPIST, user__is_active=True
    ).exists():
        raise ValidationError({"to_user": _("Choose a therapist of this clinic.")})
    episodes = list(
        Episode.objects.filter(clinic=clinic, therapist=from_user)
        .exclude(status=Episode.Status.ENDED)
        .select_related("patient", "clinic")
    )
    if not episodes:
        return 0
    # A new patient for the new therapist: an inbox row until they first open the patient
    # (issue 20, item 9), as for a patient assigned at intake.
    Episode.objects.filter(pk__in=[episode.pk for episode in episodes]).update(
        therapist=to_user, new_to_therapist=True
    )
    for episode in episodes:
        event = audit.record_for_episode(
            "staff.caseload_handed_over",
            episode,
            actor=acting_user,
            obj=episode,
            changes={"from": from_user.pk, "to": to_user.pk},
        )
        # As for one patient (do_change_therapist): the new therapist is told of each
        # patient through their own channels, once per hand-over, nothing clinical.
        notices.tell_person(
            to_user,
            "new_patient",
            key=f"new_patient:episode:{episode.pk}:handover:{event.pk}:{to_user.pk}",
            link=reverse("episode_overview", kwargs={"episode_id": episode.pk}),
            params={"episode": episode.pk},  # withdrawn if given on again (0105)
        )
    return len(episodes)


@transaction.atomic
def do_change_therapist(episode: Episode, *, acting_user, to_user: User, reason: str) -> Episode:
    """Give one open episode to another therapist of its clinic (the patient asks for
    another therapist, a caseload is too big). The new therapist gets the "new patient"
    inbox row and the same notification as for a patient assigned at intake."""
    locked = (
        Episode.objects.select_for_update(no_key=True, of=("self",))
        .select_related("patient", "clinic")
        .get(pk=episode.pk)
    )
    reason = (reason or "").strip()
    if locked.status == Episode.Status.ENDED:
        raise ValidationError(_("This episode has ended; its therapist cannot be changed."))
    if (
        to_user is None
        or not ClinicRole.objects.filter(
            user=to_user, clinic=locked.clinic_id, role=Role.THERAPIST, user__is_active=True
        ).exists()
    ):
        raise ValidationError({"to_user": _("Choose a therapist of this clinic.")})
    if to_user.pk == locked.therapist_id:
        raise ValidationError({"to_user": _("This therapist already has the patient.")})
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the change.")})
    from_id = locked.therapist_id
    Episode.objects.filter(pk=locked.pk).update(therapist=to_user, new_to_therapist=True)
    locked.therapist, locked.new_to_therapist = to_user, True
    event = audit.record_for_episode(
        "staff.therapist_changed",
        locked,
        actor=acting_user,
        obj=locked,
        changes={"from": from_id, "to": to_user.pk, "reason": reason},
    )
    # As intake's notify.tell_new_therapist: kind "new_patient", the person's own
    # channels, a link to the episode, nothing clinical; once per change (the key).
    notices.tell_person(
        to_user,
        "new_patient",
        key=f"new_patient:episode:{locked.pk}:change:{event.pk}:{to_user.pk}",
        link=reverse("episode_overview", kwargs={"episode_id": locked.pk}),
        params={"episode": locked.pk},  # withdrawn if given on again (intake.notify, 0105)
    )
    episode.therapist, episode.new_to_therapist = to_user, True
    return locked
