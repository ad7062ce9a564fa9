"""Logins and patient records."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import national_id
from .organisation import COUNTRY_CHOICES, LANGUAGE_CHOICES


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A login. Staff hold ClinicRole rows; a patient's login links to a Patient."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    # The interface language after sign-in, for staff; a patient's is their record's
    # preferred_language (tessera.core.languages.preferred_language). Blank: the browser's.
    language = models.CharField(
        _("language"), max_length=5, choices=LANGUAGE_CHOICES, blank=True, default=""
    )
    # Staff only: where urgent risk alerts are sent by text message (patients' numbers are
    # in their Patient record).
    mobile_phone = models.CharField(_("mobile phone for urgent alerts"), max_length=30, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @cached_property
    def is_staff_member(self) -> bool:
        return self.clinic_roles.exists() or self.region_roles.exists()

    @cached_property
    def patient_record(self) -> Patient | None:
        return Patient.objects.filter(user=self).first()

    @cached_property
    def has_second_factor(self) -> bool:
        return self.authenticator_set.exists()


class PatientQuerySet(models.QuerySet):
    def visible_to(self, user) -> PatientQuerySet:
        from ..access import patients_visible_to  # the access policy imports these models

        return patients_visible_to(user, self)

    def real(self) -> PatientQuerySet:
        """Leaves out training patients (made up for practice: never in real lists)."""
        return self.filter(is_training=False)


class Patient(models.Model):
    user = models.OneToOneField(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patient",
        verbose_name=_("login"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    national_id_country = models.CharField(
        _("country of identity number"), max_length=6, choices=COUNTRY_CHOICES, blank=True
    )
    national_id = models.CharField(_("national identity number"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("mobile phone"), max_length=30, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=LANGUAGE_CHOICES, default="en"
    )
    gp_name = models.CharField(_("GP or referrer"), max_length=200, blank=True)
    gp_practice = models.CharField(_("practice or organisation"), max_length=200, blank=True)
    gp_phone = models.CharField(_("GP phone"), max_length=40, blank=True)  # as Referral.phone
    gp_email = models.EmailField(_("GP secure e-mail"), blank=True)
    letters_to_gp = models.BooleanField(
        _("the patient agrees to letters to their GP or referrer"), default=False
    )
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=200, blank=True)
    emergency_contact_phone = models.CharField(
        _("emergency contact phone"), max_length=30, blank=True
    )
    emergency_contact_relation = models.CharField(_("relation"), max_length=100, blank=True)
    is_training = models.BooleanField(
        _("training patient"),
        default=False,
        help_text=_("A made-up patient for practice; never counted in reports."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            # The few training patients, which real lists leave out (EpisodeQuerySet.real).
            models.Index(
                fields=["id"], condition=models.Q(is_training=True), name="patient_training"
            ),
            # The patient search by identity number, whatever the country (issue 16).
            models.Index(
                fields=["national_id"],
                condition=~models.Q(national_id=""),
                name="patient_national_id",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["national_id_country", "national_id"],
                condition=~models.Q(national_id=""),
                name="unique_national_id_per_country",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def clean(self) -> None:
        if self.national_id and not self.national_id_country:
            raise ValidationError(
                {"national_id_country": _("Say which country issued the identity number.")}
            )
        if self.national_id:
            try:
                parsed = national_id.validate_national_id(
                    self.national_id_country, self.national_id
                )
            except national_id.InvalidNationalId as exc:
                raise ValidationError({"national_id": _(str(exc))}) from exc  # noqa: INT001
            self.national_id = parsed.value
            if parsed.birth_date and self.date_of_birth and parsed.birth_date != self.date_of_birth:
                raise ValidationError(
                    {"national_id": _("The identity number does not match the date of birth.")}
                )


class IdentityVersion(models.Model):
    """A counter per bucket of logins (user id modulo ``identity.BUCKETS``), raised by
    database triggers whenever a login, its roles or its second factors change, however
    they are written (the ORM, ``update()``, raw SQL). The signed-in person is kept
    between requests only while their bucket's counter is unchanged (tessera.core.identity,
    decision 0063). A fixed number of rows: reading one costs the same at any size."""

    bucket = models.PositiveSmallIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)
