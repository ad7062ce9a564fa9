"""The audit trail: append-only, each row chained to the previous one by a hash."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..roles import Role
from .organisation import ClinicRole


class AppendOnlyError(RuntimeError):
    pass


# Security events (the security page, the burst check): what their codes begin with.
SECURITY_KINDS = models.Q(action__startswith="security.") | models.Q(action__startswith="auth.")
# The columns of a row of the security page: the keys and what the security events'
# indexes include, so that the page is read from those indexes alone.
SECURITY_COLUMNS = ("id", "at", "action", "actor", "ip_address")


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit trail cannot be changed.")

    def delete(self):
        raise AppendOnlyError("The audit trail cannot be deleted.")

    def for_clinics(self, clinic_ids) -> AuditQuerySet:
        return self.filter(clinic_id__in=clinic_ids)

    def newest_first(self, clinic_ids) -> AuditQuerySet:
        """These clinics' trail, newest first. For one clinic the order names the clinic
        too, (clinic, -id), which is the same order there but matches the index
        ``audit_clinic_newest`` column for column: with ``-id`` alone the planner may
        choose to walk the whole country's trail backwards by id and filter it (it did
        at 10,000 patients, reading 35 times more), now it never needs a sort to use
        the clinic's index."""
        clinic_ids = list(clinic_ids)
        events = self.for_clinics(clinic_ids)
        if len(clinic_ids) == 1:
            return events.order_by("clinic_id", "-id")
        return events.order_by("-id")

    def of_patient_newest_first(self, clinic_ids, patient_id: int) -> AuditQuerySet:
        """One patient's events in these clinics, newest first: read from the patient's
        own index entries (``(patient, -at)``: a few hundred rows), the clinics only
        filtering them (``among_ids``: no index's key). Left to the planner, it ANDed the
        patient's entries with the clinic's whole range of ``(clinic, -at)`` (the demo
        clinic's 19,000 events at 100,000 patients: 32 → 96 pages a query; issue 16)."""
        from ..id_lists import among_ids

        return self.filter(among_ids("clinic_id", clinic_ids), patient_id=patient_id).order_by(
            "-id"
        )

    def acted_on_patient(self, actor_id: int, patient_id: int) -> bool:
        """Whether this person's own actions (reads included) are in this patient's trail:
        they have seen the record. Read from the patient's own index entries."""
        return self.filter(patient_id=patient_id, actor_id=actor_id).exists()

    def removal_of(self, action: str, object_type: str, object_id) -> AuditQuerySet:
        """The recorded removal of one thing (its event code, model name and id)."""
        return self.filter(action=action, object_type=object_type, object_id=str(object_id))

    def left_the_clinic(self, user_id: int, clinic_id: int) -> bool:
        """Whether a role this person held at the clinic was removed there (one by one,
        or every one when they were offboarded): a staff member who left, not an id
        never of this clinic's staff."""
        return self.filter(
            clinic_id=clinic_id,
            action__in=("staff.role_removed", "staff.offboarded"),
            changes__user=user_id,
        ).exists()

    def acted_with_a_role(self, actor_id: int) -> bool:
        """Whether this person ever acted under a clinic role (a former staff member,
        not an applicant who never held one). Read from the actor's index entries."""
        return self.filter(actor_id=actor_id).exclude(actor_role__in=("", "patient")).exists()

    def roles_on_patient(self, actor_id: int, patient_id: int) -> set[tuple[str, int]]:
        """The roles this person acted under (``actor_role``, "intake,therapist") on this
        patient, each with the clinic it was at; empty if they never acted on them. Read
        from the patient's own index entries (``(patient, -at)``: a few hundred rows)."""
        return set(
            self.filter(patient_id=patient_id, actor_id=actor_id, clinic_id__isnull=False)
            .values_list("actor_role", "clinic_id")
            .distinct()
        )

    def as_listed(self) -> AuditQuerySet:
        """These events with only the columns the audit search shows, each row's actor
        read afterwards for the rows of the page alone (one query, every distinct actor
        once; the patients' names: ``with_patient_names``). All the columns are in
        ``audit_clinic_newest``, so a page of a clinic's trail is one index-only scan:
        no lookup of each row by its key, and no join that reads (or hashes) every user
        or patient of the country (issue 16)."""
        from .people import User

        return self.only(*LISTED_COLUMNS).prefetch_related(
            models.Prefetch("actor", queryset=User.objects.only("id", "email"))
        )

    def security_events_for_clinics(self, clinic_ids) -> AuditQuerySet:
        """Sign-in failures, lockouts and refusals at these clinics or of their staff
        (anyone holding a role there), newest first, each with the columns the security
        page shows (``SECURITY_COLUMNS``; its actor read afterwards): the events recorded
        at the clinics (``audit_security_at_clinic``) and their staff's, filed under the
        clinics by the database (``StaffSecurityEvent``), each part one index-only range
        per clinic, then merged. As one filter (``clinic OR actor's role``) the planner
        walked the whole country's trail backwards until it had found a page of them
        (decision 0087); by the staff's ids it was one descent of the by-actor index per
        staff member (decision 0091)."""
        clinic_ids = sorted(clinic_ids)
        kinds = self.filter(SECURITY_KINDS).only(*SECURITY_COLUMNS).order_by()
        at_clinics = kinds.filter(clinic_id__in=clinic_ids)
        # The same columns in the same order as the trail's rows (AuditEvent's order).
        columns = [f.attname for f in at_clinics.model._meta.concrete_fields]
        columns = [c for c in columns if c.removesuffix("_id") in SECURITY_COLUMNS]
        of_staff = StaffSecurityEvent.objects.filter(clinic_id__in=clinic_ids).values_list(
            *["event_id" if c == "id" else c for c in columns]
        )
        return at_clinics.union(of_staff).order_by("-id")

    def security_events_page(
        self, clinic_ids, offset: int, limit: int, cap: int
    ) -> tuple[list[AuditEvent], int]:
        """Rows ``offset`` to ``offset + limit`` of ``security_events_for_clinics`` and how
        many events it lists, counted no further than ``cap + 1`` (0 when no row is
        returned): one query, the count a window's over the list cut at ``cap + 1`` (as
        ``CappedPaginator`` counts it), so that the clinics' two index ranges are read
        once, not once for the count and again for the page (each a level deeper as the
        country's security events grew: 6 → 8 pages a read from 1,000 to 100,000
        patients; decision 0108). The rows as the list gives them (``SECURITY_COLUMNS``)."""
        from django.db import connections

        listed = self.security_events_for_clinics(clinic_ids)[: cap + 1]
        compiler = listed.query.get_compiler(using=self.db)
        sql, params = compiler.as_sql()
        fields = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
        # The list's order is its first column's, the event's id, newest first. (The SQL
        # is the ORM's own, its values parameters.)
        sql = f"SELECT *, COUNT(*) OVER () FROM ({sql}) listed"  # noqa: S608
        sql += " ORDER BY 1 DESC LIMIT %s OFFSET %s"
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, (*params, limit, offset))
            rows = cursor.fetchall()
        count = rows[0][-1] if rows else 0
        values = [row[:-1] for row in rows]
        converters = compiler.get_converters(fields)
        if converters:
            values = list(compiler.apply_converters(values, converters))
        names = [field.target.attname for field in fields]
        return [self.model.from_db(self.db, names, row) for row in values], count

    def security_counts_by_clinic(self, since) -> dict[int, int]:
        """How many security events each clinic has had since then: those recorded at
        the clinic, and those of its staff (a failed sign-in names no clinic)."""
        rows = list(
            self.filter(SECURITY_KINDS, at__gte=since).values_list("pk", "clinic_id", "actor_id")
        )
        actors = {actor for _pk, _clinic, actor in rows if actor}
        clinics_of: dict[int, set[int]] = {}
        for user_id, clinic_id in ClinicRole.objects.filter(user_id__in=actors).values_list(
            "user_id", "clinic_id"
        ):
            clinics_of.setdefault(user_id, set()).add(clinic_id)
        counts: dict[int, int] = {}
        for _pk, clinic_id, actor_id in rows:
            for clinic in {clinic_id} - {None} | clinics_of.get(actor_id, set()):
                counts[clinic] = counts.get(clinic, 0) + 1
        return counts


def security_staff(clinic_ids) -> dict[int, str]:
    """Whoever holds a role at these clinics, with their e-mail from the role's copy (core
    0023): the security page's staff, whose events it lists and names."""
    rows = ClinicRole.objects.filter(clinic_id__in=clinic_ids).values_list("user_id", "user_email")
    return dict(rows.order_by())


def with_actors(events, known: dict[int, str]) -> list[AuditEvent]:
    """These events (a page of the security page) with their actors, id and e-mail: those
    in ``known`` (user id: e-mail) from it, any other read once for them all, not a join
    to the users per row (each a descent of the country's users)."""
    from .people import User

    events = list(events)
    for event in events:
        if event.actor_id in known:
            event.actor = User.from_db(
                "default", ["id", "email"], [event.actor_id, known[event.actor_id]]
            )
    models.prefetch_related_objects(
        [e for e in events if e.actor_id not in known],
        models.Prefetch("actor", queryset=User.objects.only("id", "email")),
    )
    return events


def with_patient_names(events, clinic_ids) -> list[AuditEvent]:
    """These events (a page of the audit search) with ``patient_name`` set where they
    name a patient: from the clinics' own episode entries (``Episode.patient_names``,
    one index range), and from the patient rows only for a patient with no episode there
    (one more query, only then)."""
    from .episodes import Episode
    from .people import Patient

    events = list(events)
    wanted = {e.patient_id for e in events if e.patient_id}
    names = Episode.objects.patient_names(clinic_ids, wanted)
    missing = wanted - set(names)
    if missing:
        for patient in Patient.objects.filter(pk__in=missing).only("first_name", "last_name"):
            names[patient.pk] = str(patient)
    for e in events:
        e.patient_name = names.get(e.patient_id, "")
    return events


# The columns of a row in the audit search (as_listed): the key of the index
# ``audit_clinic_newest`` and what it includes.
LISTED_COLUMNS = (
    "id",
    "clinic",
    "at",
    "action",
    "actor",
    "actor_role",
    "patient",
    "purpose",
    "ip_address",
)


# The words of each code ``actor_role`` may hold: the clinic roles, and the three
# actors who hold none (decision 0137).
_ACTOR_ROLE_LABELS = {
    **dict(Role.choices),
    "patient": _("Patient"),
    "applicant": _("Applicant"),
    "system": _("Tessera (automatic)"),
}


class AuditEvent(models.Model):
    """Who did what to which patient's data, when, from where, and why.

    Rows are written only by tessera.core.audit.record(); the database refuses UPDATE
    and DELETE on this table (triggers in migration 0002) and the model refuses too.
    """

    class Purpose(models.TextChoices):
        CARE = "care", _("care of the patient")
        INTAKE = "intake", _("intake and assessment")
        CONSULTATION = "consultation", _("consultation")
        SUPERVISION = "supervision", _("supervision")
        ADMINISTRATION = "administration", _("administration")
        SELF = "self", _("the patient's own use")
        AUDIT = "audit", _("audit review")
        RESEARCH = "research", _("research")

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_role = models.CharField(max_length=32, blank=True)
    # No index of their own: each is the first column of a composite index below
    # (decision 0054; one B-tree fewer to update per audited write).
    clinic = models.ForeignKey(
        "core.Clinic", on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    patient = models.ForeignKey(
        "core.Patient",
        on_delete=models.PROTECT,
        null=True,
        related_name="audit_events",
        db_index=False,
    )
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=16, choices=Purpose.choices, default=Purpose.CARE)
    ip_address = models.GenericIPAddressField(null=True)
    request_id = models.CharField(max_length=36, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Which hash chain the row links into: its clinic's id, or 0 for the shared chain
    # (events with no clinic, and every row written before the trail had one chain per
    # clinic). See chain_key() and docs/decisions/0016-audit-chain-per-clinic.md.
    chain = models.BigIntegerField(default=0)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["patient", "-at"]),
            models.Index(fields=["clinic", "-at"]),
            # The audit search's newest-first page of a clinic's trail: without it the
            # database walks the whole country's trail backwards to fill one page. It
            # carries the action and the time, the search's filters, so that the capped
            # count is read from the index alone (an index-only scan of the clinic's
            # range), not from a table page per row wherever the rows lie (issue 16).
            # It carries every column the search shows (LISTED_COLUMNS) too, so that
            # the page's rows come from the index alone, wherever in the trail they lie.
            models.Index(
                fields=["clinic", "-id"],
                include=[c for c in LISTED_COLUMNS if c not in ("id", "clinic")],
                name="audit_clinic_newest",
            ),
            models.Index(fields=["chain", "id"], name="audit_chain_order"),
            # The security page (``security_events_for_clinics``): the security events
            # recorded at a clinic, and those of one person, newest first, with what the
            # page shows. Only security events are in them (a small share of the trail,
            # and no other audited write updates them); the country's events of no clinic
            # and no person (an unknown account, a network address) in neither.
            models.Index(
                fields=["clinic", "-id"],
                include=["at", "action", "actor", "ip_address"],
                condition=SECURITY_KINDS & models.Q(clinic__isnull=False),
                name="audit_security_at_clinic",
            ),
            models.Index(
                fields=["actor", "-id"],
                include=["at", "action", "ip_address"],
                condition=SECURITY_KINDS & models.Q(actor__isnull=False),
                name="audit_security_by_actor",
            ),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("The audit trail cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit trail cannot be deleted.")

    @property
    def purpose_label(self) -> str:
        """The purpose in words of the active language. ``get_purpose_display()`` builds
        a dictionary of every purpose per call, translating each label to hash it: on the
        audit search's 50 rows that was about a fifth of the page's CPU (issue 16)."""
        try:
            return str(self.Purpose(self.purpose).label)
        except ValueError:
            return self.purpose

    @property
    def actor_role_label(self) -> str:
        """The actor's roles in words of the active language ("Therapist, Clinic
        manager"), for staff reading the trail: ``actor_role`` keeps codes ("therapist,
        manager", "patient", "system"). An unknown code is shown as stored."""
        return ", ".join(
            str(_ACTOR_ROLE_LABELS.get(code, code)) for code in self.actor_role.split(",") if code
        )

    @property
    def staff_label(self) -> str:
        """What happened, in the clinic's words of the active language (the code if
        unregistered). A row is shown as such only to staff; the patient's page says it
        from their side (``audit.label``, decision 0132)."""
        from tessera.core.audit.events import staff_label  # the registry imports this model

        return staff_label(self.action)

    def payload(self) -> bytes:
        """The canonical bytes that the hash covers."""
        data = {
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_role": self.actor_role,
            "clinic": self.clinic_id,
            "patient": self.patient_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "purpose": self.purpose,
            "ip_address": self.ip_address,
            "request_id": self.request_id,
            "changes": self.changes,
        }
        return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.prev_hash.encode() + self.payload()).hexdigest()


def chain_key(clinic_id: int | None) -> int:
    """The chain an event about this clinic links into (0: the shared chain)."""
    return clinic_id or 0


class AuditChainHead(models.Model):
    """The newest hash of one chain; locking it serialises the writers of that chain
    only, so that writes at different clinics never wait for each other."""

    chain = models.BigIntegerField(unique=True, default=0)
    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(null=True)


class StaffSecurityEvent(models.Model):
    """A security event of someone holding a role at a clinic, filed under that clinic
    (one row per clinic where they hold a role now): the security page's staff part as
    one range of the clinic's rows, where it was one descent per staff member of the
    by-actor index (decision 0091). Not part of the trail (no hash covers it): a copy
    kept by the database (core 0030's triggers), written when a security event with an
    actor is recorded (for the clinics where the actor holds a role), when a role is
    granted (the person's security events so far), and deleted when the person's last
    role at the clinic goes."""

    clinic = models.ForeignKey(
        "core.Clinic",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    event = models.ForeignKey(
        AuditEvent,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    # The event's own columns that the security page shows (SECURITY_COLUMNS), in the
    # order AuditEvent declares them, so that a union with the trail's rows lines up.
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    action = models.CharField(max_length=64)
    ip_address = models.GenericIPAddressField(null=True)

    class Meta:
        constraints = [
            # The clinic's rows newest first (read backwards), with what the page shows:
            # one index-only range per clinic.
            models.UniqueConstraint(
                fields=["clinic", "event"],
                include=["at", "actor", "action", "ip_address"],
                name="staff_security_by_clinic",
            ),
        ]
