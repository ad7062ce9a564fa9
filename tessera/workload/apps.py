"""Time spent on each patient, caseloads and the share of the week online."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkloadConfig(AppConfig):
    name = "tessera.workload"
    label = "workload"
    verbose_name = _("Time and workload")
