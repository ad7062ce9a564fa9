"""A study's protocol: creating it, its arms, measures, staff and consent texts, and
opening and closing recruitment (which generates the concealed allocation sequence)."""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tessera.core import access
from tessera.core.access import research as policy
from tessera.core.models import Episode
from tessera.core.roles import StudyRole
from tessera.instruments.scoring import UnknownInstrumentError, load_definition

from .. import eligibility, export, randomisation
from ..models import AllocationSlot, Arm, ConsentVersion, Study, StudyMeasure, StudyMember
from .common import require, study_event

PROTOCOL_FIELDS = (
    "title",
    "registry_id",
    "ethics_approval_id",
    "ethics_approved_on",
    "eligibility",
    "target_size",
    "stratify_by_site",
    "severity_instrument",
    "severity_cutoff",
)


def _check_protocol(fields: dict) -> None:
    errors: dict[str, list[str]] = {}
    if "eligibility" in fields:
        for key, messages in eligibility.problems(fields["eligibility"]).items():
            errors.setdefault("eligibility", []).extend(f"{key}: {m}" for m in messages)
    instrument = fields.get("severity_instrument") or ""
    if instrument:
        try:
            load_definition(instrument)
        except UnknownInstrumentError:
            errors["severity_instrument"] = [_("Tessera has no such questionnaire.")]
        if fields.get("severity_cutoff") is None:
            errors["severity_cutoff"] = [_("Give the total score from which severity is high.")]
    if errors:
        raise ValidationError(errors)


def _not_planned(study: Study) -> None:
    if study.status != Study.Status.PLANNED:
        raise ValidationError(_("The protocol cannot change once recruitment has opened."))


@transaction.atomic
def do_create_study(*, acting_user, key: str, title: str, clinics, **fields) -> Study:
    clinics = list(clinics)
    allowed = policy.study_starter_clinic_ids(acting_user)
    require(bool(clinics) and all(c.pk in allowed for c in clinics))
    unknown = set(fields) - set(PROTOCOL_FIELDS)
    if unknown:
        raise ValueError(f"not protocol fields: {sorted(unknown)}")
    _check_protocol(fields)
    taken = ValidationError({"key": [_("Another study has this short name.")]})
    if Study.objects.filter(key=key).exists():
        raise taken
    try:
        with transaction.atomic():  # a second request with the same name at the same instant
            study = Study.objects.create(key=key, title=title, **fields)
    except IntegrityError:
        raise taken from None
    study.clinics.set(clinics)
    StudyMember.objects.create(study=study, user=acting_user, role=StudyRole.INVESTIGATOR)
    study_event(
        "study.created",
        study,
        acting_user=acting_user,
        changes={"key": key, "clinics": [c.pk for c in clinics]},
    )
    return study


def protocol_digest(study: Study) -> str:
    """The protocol's details and sites as the edit form drew them, for the form to send
    back (no version column: the same kind of digest as a programme step's)."""
    values = [getattr(study, name) for name in PROTOCOL_FIELDS]
    sites = sorted(study.clinics.values_list("pk", flat=True))
    text = json.dumps([*values, sites], sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@transaction.atomic
def do_update_study(
    study: Study, *, acting_user, clinics=None, drawn: str | None = None, **fields
) -> Study:
    """``drawn``: ``protocol_digest`` when the form was drawn; a protocol saved by
    someone else since (another investigator, another tab) is not overwritten: a
    ValidationError (``protocol_changed_meanwhile``), nothing changed. Before, the last
    "Save" put the other's details back without a word (decision 0149). The study's row
    is locked first, so the check and the save cannot be split by another save."""
    require(access.may_manage_study(acting_user, study))
    study = Study.objects.select_for_update(no_key=True).get(pk=study.pk)
    _not_planned(study)
    if drawn and drawn != protocol_digest(study):
        raise ValidationError(
            _(
                "Someone else saved this study's protocol after you opened it, so your "
                "changes were not saved. They are still below: compare them with the "
                "protocol as it is now (open it in another tab), then save again."
            ),
            code="protocol_changed_meanwhile",
        )
    unknown = set(fields) - set(PROTOCOL_FIELDS)
    if unknown:
        raise ValueError(f"not protocol fields: {sorted(unknown)}")
    _check_protocol(fields)
    changed = {k: str(v) for k, v in fields.items() if getattr(study, k) != v}
    for key, value in fields.items():
        setattr(study, key, value)
    study.save()
    if clinics is not None:
        allowed = policy.study_starter_clinic_ids(acting_user) | {c.pk for c in study.clinics.all()}
        require(all(c.pk in allowed for c in clinics))
        study.clinics.set(clinics)
        changed["clinics"] = [c.pk for c in clinics]
    study_event("study.updated", study, acting_user=acting_user, changes=changed)
    return study


def arms_digest(study: Study) -> str:
    """The study's arms as the study page drew them, for the arm form to send back."""
    rows = study.arms.order_by("code").values_list(
        "code", "label", "programme_version_id", "care_model", "guidance", "ratio"
    )
    text = json.dumps(list(rows), default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@transaction.atomic
def do_save_arm(study: Study, *, acting_user, code: str, drawn: str | None = None, **fields) -> Arm:
    """Add an arm, or replace the one with this code. ``drawn``: ``arms_digest`` when
    the page was drawn; an arm of this code saved by someone else since (another
    investigator, another tab) is not replaced: a ValidationError
    (``arms_changed_meanwhile``). Before, the last save won without a word (0152)."""
    require(access.may_manage_study(acting_user, study))
    _not_planned(study)
    Study.objects.select_for_update(no_key=True).filter(pk=study.pk).first()  # one at a time
    current = study.arms.filter(code=code).first()
    if current is not None and all(getattr(current, k) == v for k, v in fields.items()):
        return current  # sent twice (a double click, back and send): saved already
    if drawn and current is not None and drawn != arms_digest(study):
        raise ValidationError(
            _(
                "Someone else saved the study's arms after you opened the page, so arm "
                "%(code)s was not saved. Check it in the list as it is now, then save "
                "again."
            )
            % {"code": code},
            code="arms_changed_meanwhile",
        )
    version = fields.get("programme_version")
    if version is not None and not version.is_published:
        raise ValidationError({"programme_version": [_("Choose a published programme.")]})
    # The guidance and the care model must say the same about a therapist: the care
    # model is what allocation sets on the episode, the guidance what the care team is
    # told to give (research/sections.py).
    unguided_care = fields.get("care_model") == Episode.CareModel.UNGUIDED
    if "guidance" in fields and unguided_care != (fields["guidance"] == Arm.Guidance.UNGUIDED):
        raise ValidationError(
            {
                "guidance": [
                    _(
                        "The guidance does not fit the care model: an unguided arm has the "
                        "unguided care model, a guided arm a care model with a therapist."
                    )
                ]
            }
        )
    arm, _created = Arm.objects.update_or_create(study=study, code=code, defaults=fields)
    study_event(
        "study.arm_saved",
        study,
        acting_user=acting_user,
        obj=arm,
        changes={"code": code, "care_model": arm.care_model, "guidance": arm.guidance},
    )
    return arm


@transaction.atomic
def do_add_measure(study: Study, *, acting_user, instrument, time_point, days) -> StudyMeasure:
    require(access.may_manage_study(acting_user, study))
    _not_planned(study)
    try:
        load_definition(instrument)
    except UnknownInstrumentError:
        raise ValidationError({"instrument": [_("Tessera has no such questionnaire.")]}) from None
    try:
        with transaction.atomic():
            measure = StudyMeasure.objects.create(
                study=study,
                instrument=instrument,
                time_point=time_point,
                days_after_randomisation=days,
            )
    except IntegrityError:
        raise ValidationError(
            _("This questionnaire is already measured at this time point.")
        ) from None
    study_event(
        "study.measure_added",
        study,
        acting_user=acting_user,
        obj=measure,
        changes={"instrument": instrument, "time_point": time_point, "days": days},
    )
    return measure


REFUSALS = {
    "not_staff": gettext_lazy("Only staff can hold a study role."),
    "not_at_clinic": gettext_lazy("They do not hold the researcher role at the study's clinics."),
    "clinical_role": gettext_lazy(
        "A blinded outcome assessor cannot hold a clinical role at the study's clinics: "
        "the patients' records would show the arm."
    ),
    "other_study_role": gettext_lazy(
        "A blinded outcome assessor holds no other role in the study."
    ),
    "blinded": gettext_lazy(
        "They are the study's blinded outcome assessor, and hold no other role in it."
    ),
}


@transaction.atomic
def do_add_member(study: Study, user, role: str, *, acting_user) -> StudyMember:
    require(access.may_manage_study(acting_user, study))
    if role not in StudyRole.values:
        raise ValidationError({"role": [_("Choose a study role.")]})
    refusal = policy.study_role_refusal(
        user, study, role, study.clinics.values_list("pk", flat=True)
    )
    if refusal:
        raise ValidationError({"user": [REFUSALS[refusal]]})
    member, created = StudyMember.objects.get_or_create(study=study, user=user, role=role)
    if created:
        study_event(
            "study.member_added",
            study,
            acting_user=acting_user,
            obj=member,
            changes={"user": user.pk, "role": role},
        )
    return member


@transaction.atomic
def do_remove_member(member: StudyMember, *, acting_user) -> None:
    """Take someone's role in a study away. A study keeps at least one investigator: its
    row is locked before the check, so two investigators removing each other at the same
    moment cannot both go (decision 0122, as 0112 for a clinic's managers). A role
    removed already is left as it is: no second audit event."""
    study = member.study
    require(access.may_manage_study(acting_user, study))
    Study.objects.select_for_update(no_key=True).filter(pk=study.pk).first()
    if not StudyMember.objects.filter(pk=member.pk).exists():
        return
    others = study.members.filter(role=StudyRole.INVESTIGATOR).exclude(pk=member.pk)
    if member.role == StudyRole.INVESTIGATOR and not others.exists():
        raise ValidationError(_("A study keeps at least one investigator."))
    study_event(
        "study.member_removed",
        study,
        acting_user=acting_user,
        obj=member,
        changes={"user": member.user_id, "role": member.role},
    )
    member.delete()


def consent_versions_drawn(study: Study) -> str:
    """The latest consent version of each language as the study page drew them
    ("drawn en:2 sv:1"; "drawn" alone when none), for the consent form to send back."""
    latest = {}
    for language, version in study.consent_versions.values_list("language", "version"):
        latest[language] = max(version, latest.get(language, 0))
    return " ".join(["drawn", *(f"{language}:{n}" for language, n in sorted(latest.items()))])


@transaction.atomic
def do_publish_consent(
    study: Study, *, acting_user, language: str, text: str, drawn: str | None = None
) -> ConsentVersion:
    """A new version of the consent text in this language. ``drawn``:
    ``consent_versions_drawn`` when the page was drawn; a version of this language
    published by someone else since is not superseded without a word: a ValidationError
    (``consent_changed_meanwhile``). Before, the later page's text became the consent
    over one its author had not seen (decision 0152)."""
    require(access.may_manage_study(acting_user, study))
    if not text.strip():
        raise ValidationError({"text": [_("Write the consent text.")]})
    Study.objects.select_for_update(no_key=True).filter(pk=study.pk).first()  # one at a time
    last = study.consent_versions.filter(language=language).order_by("-version").first()
    if last is not None and last.text == text.strip():  # sent twice: a double click, a retry
        raise ValidationError(
            _("This text is already the published consent (version %(version)s).")
            % {"version": last.version}
        )
    if drawn is not None:
        seen = dict(part.split(":", 1) for part in drawn.split() if ":" in part)
        if str(last.version if last else 0) != seen.get(language, "0"):
            raise ValidationError(
                _(
                    "Someone else published a consent text in this language after you "
                    "opened the page, so yours was not published. Read theirs in the list "
                    "as it is now, then publish again if yours should replace it."
                ),
                code="consent_changed_meanwhile",
            )
    consent = ConsentVersion.objects.create(
        study=study,
        language=language,
        version=(last.version if last else 0) + 1,
        text=text.strip(),
        published_at=timezone.now(),
    )
    study_event(
        "study.consent_published",
        study,
        acting_user=acting_user,
        obj=consent,
        changes={"language": language, "version": consent.version},
    )
    return consent


def strata_of(study: Study) -> list[str]:
    sites = [c.pk for c in study.clinics.all()] if study.stratify_by_site else None
    return randomisation.strata(sites, bool(study.severity_instrument))


@transaction.atomic
def do_open_recruitment(study: Study, *, acting_user, seed: str | None = None) -> Study:
    """Open recruitment: generate and store the concealed allocation sequence from a new
    seed (recorded with the method), one stratum at a time. Never again for this study."""
    require(access.may_manage_study(acting_user, study))
    given, study = study, Study.objects.select_for_update(no_key=True).get(pk=study.pk)
    if study.status != Study.Status.PLANNED or study.sequence_generated_at is not None:
        raise ValidationError(_("Recruitment has already been opened for this study."))
    arms = list(study.arms.order_by("code"))
    missing = []
    if len(arms) < 2:
        missing.append(_("at least two arms"))
    if not study.consent_versions.exists():
        missing.append(_("a published consent text"))
    if not study.ethics_approval_id:
        missing.append(_("the ethics approval"))
    if missing:
        raise ValidationError(
            _("Before recruitment opens the study needs %(what)s.") % {"what": ", ".join(missing)}
        )
    study.seed = seed or randomisation.new_seed()
    study.method = randomisation.METHOD
    study.block_multipliers = list(randomisation.DEFAULT_MULTIPLIERS)
    by_code = {arm.code: arm for arm in arms}
    places = randomisation.sequence(
        study.seed,
        strata_of(study),
        [(arm.code, arm.ratio) for arm in arms],
        study.target_size,
        study.block_multipliers,
    )
    AllocationSlot.objects.bulk_create(
        AllocationSlot(
            study=study,
            stratum=p.stratum,
            position=p.position,
            block=p.block,
            block_size=p.block_size,
            arm=by_code[p.arm],
        )
        for p in places
    )
    study.status = Study.Status.RECRUITING
    study.sequence_generated_at = timezone.now()
    study.save(
        update_fields=["seed", "method", "block_multipliers", "status", "sequence_generated_at"]
    )
    # The seed is in the audit row: the trail proves the sequence was fixed here.
    study_event(
        "study.recruitment_opened",
        study,
        acting_user=acting_user,
        changes={"seed": study.seed, "method": study.method, "places": len(places)},
    )
    for name in ("seed", "method", "block_multipliers", "status", "sequence_generated_at"):
        setattr(given, name, getattr(study, name))
    return study


MAX_EXTENSION = 1000


@transaction.atomic
def do_extend_sequence(
    study: Study, *, acting_user, stratum: str, places: int, drawn: int | None = None
) -> int:
    """More places for a stratum whose sequence runs out: the same stratum generator
    (``random.Random(f"{seed}:{stratum}")``) continued, block after whole block, so the
    longer sequence is still the one the recorded seed and method give, and nobody sees
    an arm. Returns how many places were added (whole blocks: at least ``places``).
    ``drawn``: how many places the whole sequence had when the form was drawn; another
    number changes nothing (the form sent twice would extend it twice)."""
    require(access.may_manage_study(acting_user, study))
    study = Study.objects.select_for_update(no_key=True).get(pk=study.pk)
    if drawn is not None and drawn != sequence_length(study):
        raise ValidationError(
            _(
                "The sequence was already extended since this page was drawn; nothing "
                "was added. The page shows the places left now."
            )
        )
    if study.status != Study.Status.RECRUITING:
        raise ValidationError(_("Only a recruiting study's sequence can be extended."))
    if stratum not in strata_of(study):
        raise ValidationError({"stratum": [_("The study has no such stratum.")]})
    if not 1 <= places <= MAX_EXTENSION:
        raise ValidationError({"places": [_("Add between 1 and 1000 places.")]})
    stored = list(
        AllocationSlot.objects.filter(study=study, stratum=stratum)
        .select_related("arm")
        .order_by("position")
    )
    arms = list(study.arms.order_by("code"))
    longer = randomisation.stratum_sequence(
        study.seed,
        stratum,
        [(arm.code, arm.ratio) for arm in arms],
        len(stored) + places,
        study.block_multipliers,
    )
    if [(s.position, s.block, s.arm.code) for s in stored] != [
        (p.position, p.block, p.arm) for p in longer[: len(stored)]
    ]:
        raise ValidationError(_("The stored sequence does not match its seed; it is not changed."))
    by_code = {arm.code: arm for arm in arms}
    added = longer[len(stored) :]
    AllocationSlot.objects.bulk_create(
        AllocationSlot(
            study=study,
            stratum=p.stratum,
            position=p.position,
            block=p.block,
            block_size=p.block_size,
            arm=by_code[p.arm],
        )
        for p in added
    )
    # Only counts: the arms stay concealed, in the trail too.
    study_event(
        "study.sequence_extended",
        study,
        acting_user=acting_user,
        changes={"stratum": stratum, "places": len(added), "total": len(longer)},
    )
    return len(added)


def sequence_length(study: Study) -> int:
    """How many places the allocation sequence has, used or not."""
    return AllocationSlot.objects.filter(study=study).count()


def places_left(study: Study) -> dict[str, int]:
    """Unused places per stratum (counts only; never the arms)."""
    left = dict.fromkeys(strata_of(study), 0)
    for row in (
        AllocationSlot.objects.filter(study=study, participant__isnull=True)
        .values("stratum")
        .annotate(n=Count("pk"))
    ):
        left[row["stratum"]] = row["n"]
    return left


@transaction.atomic
def do_close_study(study: Study, *, acting_user, archive: bool = False) -> Study:
    require(access.may_manage_study(acting_user, study))
    target = Study.Status.ARCHIVED if archive else Study.Status.CLOSED
    allowed = {
        Study.Status.CLOSED: {Study.Status.RECRUITING, Study.Status.PLANNED},
        Study.Status.ARCHIVED: {Study.Status.CLOSED},
    }[target]
    if study.status not in allowed:
        raise ValidationError(_("The study cannot move to this status now."))
    study.status = target
    study.save(update_fields=["status"])
    study_event("study.closed", study, acting_user=acting_user, changes={"status": target})
    return study


@transaction.atomic
def do_export(study: Study, *, acting_user) -> bytes:
    """The de-identified export (``research.export``): investigators only, audited with
    what it held."""
    require(access.may_export_study(acting_user, study))
    data, summary = export.build(study)
    study_event("study.exported", study, acting_user=acting_user, changes=summary)
    return data
