"""Episodes of care: one course of care for one patient at one clinic.

The episode lives in core, next to the access policy that decides on it: almost every
app hangs its records on an episode, so it must sit in the bottom layer. Its table keeps
the name it had when it belonged to treatment (``treatment_episode``). The programme it
follows is a string reference ("programs.ProgrammeVersion") because core never imports
programs (see docs/decisions/0008-layers.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EpisodeQuerySet(models.QuerySet):
    def visible_to(self, user) -> EpisodeQuerySet:
        from ..access import episodes_visible_to  # the access policy imports this model

        return episodes_visible_to(user, self)

    def own(self, user) -> EpisodeQuerySet:
        """The person's own episodes as a patient (``access.own_episodes``)."""
        from ..access import own_episodes

        return own_episodes(user, self)

    def own_one(self, user, pk: int):
        """One of the person's own episodes as a patient, with its clinic and patient, or
        None (another's, or none): the pages of an earlier or another course."""
        return self.own(user).filter(pk=pk).select_related("clinic", "patient").first()

    def named(self, query: str) -> EpisodeQuerySet:
        """The episodes of the patients these words name, searched as the patient list
        searches (``access.patient_search_q``: a part of either name on the episode's
        copies, or the whole identity number). Who may be found is the scope it is
        called on."""
        from ..access import patient_search_q

        return self.filter(patient_search_q(query))

    def open(self) -> EpisodeQuerySet:
        return self.exclude(status=Episode.Status.ENDED)

    def patient_names(self, clinic_ids, patient_ids) -> dict[int, str]:
        """The names of these patients as these clinics' episodes carry them, by patient
        id (a patient with no episode there is left out). One range of the index
        ``episode_clinic_patient`` read alone (from the least to the greatest id, the
        others skipped here), not a lookup per patient: a page of the audit search reads
        about the same few index pages with a thousand patients in the country or a
        million (issue 16)."""
        wanted = set(patient_ids)
        if not wanted:
            return {}
        rows = self.filter(
            clinic_id__in=list(clinic_ids),
            patient_id__gte=min(wanted),
            patient_id__lte=max(wanted),
        ).order_by()  # not the default order: its columns are not in the index
        rows = rows.values_list("patient_id", "patient_first_name", "patient_last_name")
        return {pid: f"{first} {last}" for pid, first, last in rows if pid in wanted}

    def real(self) -> EpisodeQuerySet:
        """Leaves out training patients' episodes. Written as "not one of the training
        patients" (a short list, read by a partial index) rather than a join on every
        patient, which makes the database scan the whole country's patients."""
        return self.exclude(patient_id__in=training_patient_ids())


def training_patient_ids():
    from .people import Patient

    return Patient.objects.filter(is_training=True).values("pk")


class Episode(models.Model):
    class Status(models.TextChoices):
        INTAKE = "intake", _("in intake")
        WAITING = "waiting", _("waiting")
        ACTIVE = "active", _("in treatment")
        ENDED = "ended", _("ended")

    class CareModel(models.TextChoices):
        GUIDED = "guided", _("guided")
        UNGUIDED = "unguided", _("unguided")
        BLENDED = "blended", _("blended")
        FACE_TO_FACE = "face_to_face", _("face to face")

    class EndReason(models.TextChoices):
        COMPLETED = "completed", _("completed treatment")
        DROPPED_OUT = "dropped_out", _("dropped out")
        STEPPED_UP = "stepped_up", _("stepped up to other care")
        TRANSFERRED = "transferred", _("transferred")

    patient = models.ForeignKey("core.Patient", on_delete=models.PROTECT, related_name="episodes")
    clinic = models.ForeignKey("core.Clinic", on_delete=models.PROTECT, related_name="episodes")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.INTAKE
    )
    care_model = models.CharField(
        _("care model"), max_length=16, choices=CareModel.choices, default=CareModel.GUIDED
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caseload",
        verbose_name=_("responsible therapist"),
    )
    # Set when a patient is handed over to the responsible therapist (accepted with a
    # therapist, or started from the waiting list with a new one); cleared when that
    # therapist first opens the overview or sends a message. A "new patient" inbox row
    # while set (issue 20, item 9).
    new_to_therapist = models.BooleanField(_("new to the therapist"), default=False)
    programme_version = models.ForeignKey(
        "programs.ProgrammeVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_on = models.DateField(_("treatment started"), null=True, blank=True)
    ended_on = models.DateField(_("treatment ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("how it ended"), max_length=16, choices=EndReason.choices, blank=True
    )
    end_note = models.CharField(_("about the ending"), max_length=500, blank=True)
    read_only_from = models.DateField(_("the patient can only read from"), null=True, blank=True)
    # The patient's name, copied here by the database itself (triggers in core 0017, on
    # every insert of an episode and every change of a patient's name), so that a
    # scope's patient list is sorted and searched from the scope's own episode entries
    # without reading every patient row in it (issue 16). Never written by the code.
    patient_last_name = models.CharField(max_length=100, default="", editable=False)
    patient_first_name = models.CharField(max_length=100, default="", editable=False)
    # And the date of birth, the list's other column (core 0026): a page of the list is
    # then read from the same index range as its order, no patient row by id (0080).
    patient_date_of_birth = models.DateField(null=True, blank=True, editable=False)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        db_table = "treatment_episode"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "status"]),
            # The patients of a scope (a clinic, a therapist's caseload) from the index
            # alone: the patient list's count and its semi-join (issue 16). They carry
            # every column a staff scope tests (its arms are OR-ed: the clinic, the
            # therapist, the episode ids of a grant), so no episode row is read.
            # They also carry the patient's name, the patient list's sort key and search,
            # and date of birth: the list's page is read from them alone (decision 0080).
            models.Index(
                fields=["clinic", "patient"],
                include=[
                    "therapist",
                    "id",
                    "patient_last_name",
                    "patient_first_name",
                    "patient_date_of_birth",
                ],
                name="episode_clinic_patient",
            ),
            models.Index(
                fields=["therapist", "clinic", "patient"],
                include=[
                    "id",
                    "patient_last_name",
                    "patient_first_name",
                    "patient_date_of_birth",
                ],
                name="episode_therapist_patient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} @ {self.clinic} ({self.get_status_display()})"


def episode_clinic_copy() -> models.ForeignKey:
    """A row's copy of its episode's clinic, kept by the database's triggers (never
    written by the code): a team's rows are read as one range of a clinic-leading index
    (decision 0053). No constraint and no index of its own: nothing deletes a clinic,
    and the partial indexes that read it lead with it."""
    return models.ForeignKey(
        "core.Clinic",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        editable=False,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
