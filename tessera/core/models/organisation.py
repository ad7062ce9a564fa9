"""Regions, clinics, crisis contacts and who works where."""

import datetime as dt
import functools
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..roles import AssessorProfession, Role

# The languages of settings.LANGUAGES: the interface's languages are the ones content,
# consent texts and people's preferences may be stored in.
LANGUAGE_CHOICES = list(settings.LANGUAGES)
COUNTRY_CHOICES = [
    ("SE", _("Sweden")),
    ("NO", _("Norway")),
    ("DK", _("Denmark")),
    ("NL", _("Netherlands")),
    ("GB-SCT", _("Scotland")),
]


@functools.cache
def _known_time_zones() -> frozenset[str]:
    """The zone names of the system's database, read once: listing them walks the files."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in _known_time_zones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def validate_languages(value: list) -> None:
    known = {code for code, _label in LANGUAGE_CHOICES}
    if not isinstance(value, list) or not value or not set(value) <= known:
        raise ValidationError(_("Choose one or more of the supported languages."))


def validate_working_days(value: str) -> None:
    if not value or any(c not in "1234567" for c in value) or len(set(value)) != len(value):
        raise ValidationError(_("Working days are ISO weekday numbers, e.g. 12345."))


class Region(models.Model):
    """A health authority: the unit that can be national."""

    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=6, choices=COUNTRY_CHOICES)
    is_national = models.BooleanField(_("national service"), default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Clinic(models.Model):
    class Referral(models.TextChoices):
        SELF = "self", _("Self-referral")
        PROFESSIONAL = "professional", _("Professional referral")
        BOTH = "both", _("Self-referral and professional referral")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="clinics")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name for addresses"), unique=True)
    country = models.CharField(_("country"), max_length=6, choices=COUNTRY_CHOICES)
    languages = models.JSONField(_("languages"), default=list, validators=[validate_languages])
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Stockholm", validators=[validate_time_zone]
    )
    working_days = models.CharField(
        _("working days"), max_length=7, default="12345", validators=[validate_working_days]
    )
    opens_at = models.TimeField(_("opens at"), default="08:00")
    closes_at = models.TimeField(_("closes at"), default="16:00")
    referral_model = models.CharField(
        _("referral model"), max_length=16, choices=Referral.choices, default=Referral.BOTH
    )
    offers_guided = models.BooleanField(_("guided care"), default=True)
    offers_unguided = models.BooleanField(_("unguided care"), default=False)
    offers_blended = models.BooleanField(_("blended care"), default=False)
    physician_assessment = models.BooleanField(_("assessment by a physician"), default=False)
    # Unguided courses may start straight after a clean screening (no risk answer, scores
    # within a programme's eligibility rules at this clinic, consent given), without an
    # assessment, as MindSpot and THIS WAY UP do (issue 14; docs/guide/clinic-manager.md).
    # Any risk answer or out-of-range score still goes to the intake queue.
    start_unguided_after_clean_screening = models.BooleanField(
        _("start unguided courses straight after a clean screening, without an assessment"),
        default=False,
        help_text=_(
            "Only for applicants with no risk answer whose screening meets a programme's "
            "eligibility rules at this clinic with nothing left to check, so screen with every "
            "questionnaire those rules name (such as AUDIT where a programme excludes AUDIT "
            "zone IV). Everyone else goes to the intake queue."
        ),
    )
    response_target_hours = models.PositiveSmallIntegerField(
        _("reply within (working hours)"), default=16
    )
    icbt_share_limit = models.PositiveSmallIntegerField(
        _("warn when online work exceeds this share of a therapist's week (%)"), default=50
    )
    inactive_after_days = models.PositiveSmallIntegerField(
        _("a patient counts as inactive after (days)"), default=7
    )
    # Risk alerts must be acknowledged within these many working hours, or they escalate
    # (to the supervisors, then the clinic managers). The patient sees the crisis
    # contacts at once, whatever the hour.
    alert_ack_hours_high = models.PositiveSmallIntegerField(
        _("acknowledge a high-severity risk alert within (working hours)"), default=1
    )
    alert_ack_hours_moderate = models.PositiveSmallIntegerField(
        _("acknowledge a moderate risk alert within (working hours)"), default=8
    )
    read_only_after_days = models.PositiveSmallIntegerField(
        _("after an episode ends, the patient can still write for (days)"), default=30
    )
    # How patients and applicants reach the clinic (not for emergencies): shown on the
    # public page, the application status page and after treatment (issue 14).
    contact_phone = models.CharField(_("the clinic's phone number"), max_length=40, blank=True)
    contact_email = models.EmailField(_("the clinic's e-mail address"), blank=True)
    # Where letters come from: at the top of every letter and its PDF (issue 20, item 10).
    postal_address = models.TextField(
        _("the clinic's postal address"),
        max_length=300,
        blank=True,
        help_text=_("Shown at the top of every letter. Write each line of the address on a line."),
    )
    # After the end the patient keeps reading their course (modules, worksheets, diary,
    # scores) this long; the safety plan stays readable for good (issue 14).
    reading_access_days = models.PositiveSmallIntegerField(
        _("after an episode ends, the patient can still read their course for (days)"),
        default=365,
    )
    # The clinic's own rate limits, set by its managers within the operator's bounds
    # (TESSERA_CLINIC_RATE_BOUNDS): {"referral_form": "10/h"}. A name not here takes the
    # operator's rate for the clinic (TESSERA_CLINIC_RATE_LIMITS), then the default
    # (core/ratelimits.py).
    rate_limits = models.JSONField(_("rate limits"), default=dict, blank=True)

    # How outcome labels are read in letters (tessera.instruments.scoring.primary):
    # the national NHS Talking Therapies rules, or Internetpsykiatri Stockholm's 40 %/30 %
    # reporting rule on the programme's primary measure (CLINICAL.md §2).
    class OutcomeRule(models.TextChoices):
        NATIONAL = (
            "national",
            _("national rules (NHS Talking Therapies: caseness, recovery, reliable change)"),
        )
        SWEDISH = (
            "swedish",
            _("Swedish reporting rule (a fall of 40 or 30 per cent on the primary measure)"),
        )

    outcome_rule = models.CharField(
        _("outcome rule"),
        max_length=16,
        choices=OutcomeRule.choices,
        default=OutcomeRule.NATIONAL,
        help_text=_(
            "How end letters label a course's outcome. The Swedish rule is Internetpsykiatri "
            "Stockholm's reporting rule to SibeR: a fall of 40 per cent on MADRS-S, ISI or "
            "PDSS-SR, 30 per cent on SHAI or LSAS-SR."
        ),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _("Closing time must be after opening time.")})
        if (self.reading_access_days or 0) < (self.read_only_after_days or 0):
            raise ValidationError(
                {
                    "reading_access_days": _(
                        "The patient must be able to read for at least as long as they can write."
                    )
                }
            )
        if not (self.offers_guided or self.offers_unguided or self.offers_blended):
            raise ValidationError(_("Choose at least one care model."))
        if self.start_unguided_after_clean_screening and not self.offers_unguided:
            raise ValidationError(
                {
                    "start_unguided_after_clean_screening": _(
                        "Only a clinic that offers unguided care can start courses without "
                        "an assessment."
                    )
                }
            )

    @property
    def accepts_self_referral(self) -> bool:
        return self.referral_model in {self.Referral.SELF, self.Referral.BOTH}

    @property
    def accepts_professional_referral(self) -> bool:
        return self.referral_model in {self.Referral.PROFESSIONAL, self.Referral.BOTH}

    @property
    def care_models(self) -> list[str]:
        flags = [
            (self.offers_guided, _("guided")),
            (self.offers_unguided, _("unguided")),
            (self.offers_blended, _("blended")),
        ]
        return [str(label) for on, label in flags if on]

    @property
    def working_day_names(self) -> str:
        """The working days by name, a run of three or more as one span: "Monday–Friday"
        for 12345, "Monday, Wednesday, Friday" for 135 (the field holds ISO numbers,
        which the settings page showed as they were)."""
        names = dict(WEEKDAY_CHOICES)
        days = sorted({int(d) for d in self.working_days})
        runs: list[list[int]] = []
        for day in days:
            if runs and runs[-1][-1] == day - 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        parts = []
        for run in runs:
            if len(run) >= 3:
                parts.append(f"{names[run[0]]}–{names[run[-1]]}")
            else:
                parts.extend(str(names[day]) for day in run)
        return ", ".join(parts)

    @property
    def language_names(self) -> list[str]:
        """The clinic's languages by name, in its order (its own language first)."""
        names = dict(LANGUAGE_CHOICES)
        return [str(names.get(code, code)) for code in self.languages]


class CrisisContact(models.Model):
    """Where a patient at risk should turn: per clinic and language, never hard-coded."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="crisis_contacts")
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES)
    label = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    url = models.URLField(_("web address"), blank=True)
    note = models.CharField(_("when to use it"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class ClinicRole(models.Model):
    """One role a staff member holds at one clinic."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_roles"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    profession = models.CharField(
        _("profession"), max_length=16, choices=AssessorProfession.choices, blank=True
    )
    max_caseload = models.PositiveSmallIntegerField(_("maximum caseload"), null=True, blank=True)
    weekly_hours = models.DecimalField(
        _("working hours per week at this clinic"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Leave empty for the clinic's full opening hours."),
    )
    on_call = models.BooleanField(_("on call for risk alerts"), default=False)
    # The user's name, e-mail and whether they may sign in, as the team's pages show them,
    # kept by the database (core 0023: triggers on both tables): a team's therapists are
    # one range of the clinic's roles, not one user lookup each (decision 0064).
    user_first_name = models.CharField(max_length=150, default="", editable=False)
    user_last_name = models.CharField(max_length=150, default="", editable=False)
    user_email = models.CharField(max_length=254, default="", editable=False)
    user_is_active = models.BooleanField(default=True, editable=False)
    # Whether the user has a usable password (has signed in since being invited), as
    # the clinic's staff page shows it (core 0027, decision 0083): not a field of the
    # user, so not in ``KEPT_USER``. NULL until the user's row is there (core 0027).
    user_has_usable_password = models.BooleanField(null=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "clinic", "role"], name="one_role_per_clinic")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.clinic}"

    # What the role keeps of its user (core 0023), in ``User``'s own field names.
    KEPT_USER = {
        "user_id": "id",
        "user_first_name": "first_name",
        "user_last_name": "last_name",
        "user_email": "email",
        "user_is_active": "is_active",
    }

    @classmethod
    def kept_user(cls, db: str, values):
        """The user as a role keeps them, from ``values`` in the order of ``KEPT_USER``
        (as ``values_list(*ClinicRole.KEPT_USER)`` gives them): no query; the other
        fields are deferred (read from the database only if something asks for them)."""
        user_model = cls._meta.get_field("user").related_model
        given = dict(zip(cls.KEPT_USER.values(), values, strict=True))
        # from_db takes the values in the model's own field order.
        names = [f.attname for f in user_model._meta.concrete_fields if f.attname in given]
        return user_model.from_db(db, names, [given[name] for name in names])


WEEKDAY_CHOICES = [
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
    (6, _("Saturday")),
    (7, _("Sunday")),
]


class OnCallShift(models.Model):
    """One weekly stretch of on-call cover for risk alerts: who is told at once, when.

    Hours are whole hours of the clinic's own time zone, ``starts_hour`` up to (not
    including) ``ends_hour`` (24 = midnight at the end of the day). A stretch over
    midnight is two rows. See ``tessera.core.on_call`` for the cover and its check."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="on_call_shifts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="on_call_shifts",
        verbose_name=_("who"),
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=WEEKDAY_CHOICES)
    starts_hour = models.PositiveSmallIntegerField(_("from (hour)"))
    ends_hour = models.PositiveSmallIntegerField(_("to (hour)"))

    class Meta:
        ordering = ["weekday", "starts_hour", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__gte=1, weekday__lte=7),
                name="on_call_weekday_iso",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_hour__lte=23, ends_hour__lte=24)
                & models.Q(ends_hour__gt=models.F("starts_hour")),
                name="on_call_hours_in_order",
            ),
        ]

    def __str__(self) -> str:
        day = self.get_weekday_display()
        return f"{self.user} {day} {self.starts_hour:02d}–{self.ends_hour:02d}"


class RegionAdministrator(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="region_roles"
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="administrators")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="one_admin_row_per_region")
        ]


class StaffLeaveQuerySet(models.QuerySet):
    def around(self, day):
        """Leave that may include ``day`` in some clinic's own zone (a day either side of
        it): the caller keeps those whose clinic's today it includes (``includes``)."""
        return self.filter(
            first_day__lte=day + dt.timedelta(days=1), last_day__gte=day - dt.timedelta(days=1)
        )

    def on(self, day):
        """Leave that includes ``day`` (a day of the clinic's own calendar)."""
        return self.filter(first_day__lte=day, last_day__gte=day)


class StaffLeave(models.Model):
    """A staff member away from a clinic (holiday, illness) from ``first_day`` to
    ``last_day``, both included, in the clinic's own calendar; ``cover`` the colleague
    who stands in. While it lasts, a risk alert of their patients is told to the cover
    (when they can open the patient), else to whoever the rules fall back to, never to
    the absent person alone (``tessera.safety.recipients``, decision 0146). Past leave
    is kept; ended early, ``last_day`` is moved."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="staff_leave")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="leave",
        verbose_name=_("who"),
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    cover = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="covering",
        verbose_name=_("covered by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StaffLeaveQuerySet.as_manager()

    class Meta:
        ordering = ["-first_day", "id"]
        indexes = [models.Index(fields=["clinic", "last_day"], name="staff_leave_clinic_last")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="staff_leave_days_in_order",
            ),
        ]

    def includes(self, day) -> bool:
        return self.first_day <= day <= self.last_day
