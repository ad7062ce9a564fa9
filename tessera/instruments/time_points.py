"""The time points of measurement: when in a course of care a questionnaire is answered.

The vocabulary belongs to the instruments layer so that programmes (which say what is
measured when) and treatment (which schedules it) both import it downward.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimePoint(models.TextChoices):
    SCREENING = "screening", _("screening")
    PRE = "pre", _("before treatment")
    WEEKLY = "weekly", _("weekly")
    BEFORE_MODULE = "before_module", _("before each module")
    POST = "post", _("after treatment")
    FOLLOW_UP_3 = "follow_up_3", _("follow-up at 3 months")
    FOLLOW_UP_6 = "follow_up_6", _("follow-up at 6 months")
    FOLLOW_UP_12 = "follow_up_12", _("follow-up at 12 months")
    CUSTOM = "custom", _("every few days (custom)")
