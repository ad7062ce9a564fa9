"""A study's eligibility rules, in the matching rules' vocabulary (docs/matching.md):
``min_age``, ``max_age``, ``languages``, ``scores``, ``exclude``, ``requires``, plus
``diagnoses``: ICD-10 codes or their beginnings (``["F32", "F33"]``), of which the
assessment's working diagnoses must include one.

The screening is the intake application's (the one that opened the episode), checked
with the matching engine's ``check_rules``; the diagnoses with the assessment's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tessera.core.clinic_dates import clinic_today
from tessera.intake import diagnoses as icd
from tessera.intake.models import Application
from tessera.programs.matching import Candidate, ScreeningSummary, screening_for
from tessera.programs.matching.checks import check_rules
from tessera.programs.matching.engine import age_on
from tessera.programs.matching.rules import describe_rules, read_rules, rule_problems


@dataclass
class Check:
    fits: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    to_check: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        return {"fits": self.fits, "problems": self.problems, "to_check": self.to_check}


def problems(rules) -> dict[str, list[str]]:
    """{field: [messages]} for rules a person wrote (the matching rules' strict check,
    and the diagnosis codes)."""
    if not isinstance(rules, dict):
        return {"rules": [_("The rules must be written between { and }.")]}
    rules = dict(rules)
    codes = rules.pop("diagnoses", [])
    found: dict[str, list[str]] = {}
    for key, message in rule_problems(rules):
        found.setdefault(key, []).append(message)
    known = icd.codes()
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        found.setdefault("diagnoses", []).append(_('Give diagnoses as a list, such as ["F32"].'))
    else:
        unknown = [c for c in codes if not any(k.startswith(c.upper()) for k in known)]
        if unknown:
            found.setdefault("diagnoses", []).append(
                _("Not an ICD-10 code Tessera knows: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
    return found


def describe(rules) -> list[str]:
    """The study's rules in words, one line each: the matching rules' own wording, and
    the working diagnoses the study asks for."""
    rules = dict(rules or {}) if isinstance(rules, dict) else {}
    codes = rules.pop("diagnoses", None) or []
    lines = describe_rules(rules)
    if codes:
        if lines == describe_rules({}):
            lines = []
        lines.append(
            _("Working diagnosis among: %(codes)s.")
            % {"codes": ", ".join(f"{c} {icd.label(c)}" if c in icd.codes() else c for c in codes)}
        )
    return lines


def application_of(episode) -> Application | None:
    return (
        Application.objects.filter(episode=episode)
        .select_related("clinic")
        .prefetch_related("screening_answers")
        .order_by("-pk")
        .first()
    )


def check(study, episode) -> Check:
    rules = dict(study.eligibility or {})
    wanted = [c.upper() for c in rules.pop("diagnoses", []) or []]
    application = application_of(episode)
    if application is not None:
        screening = screening_for(application, today=clinic_today(episode.clinic))
    else:
        patient = episode.patient
        screening = ScreeningSummary(
            age=age_on(patient.date_of_birth, clinic_today(episode.clinic)),
            language=patient.preferred_language,
        )
    candidate = Candidate(
        key=study.key,
        title=study.title,
        problem_area="",
        languages=tuple(rules.get("languages") or [episode.patient.preferred_language]),
        rules=rules,
    )
    reasons, found, open_ = check_rules(candidate, read_rules(rules), screening)
    result = Check([str(r) for r in reasons], [str(p) for p in found], [str(o) for o in open_])
    if wanted:
        assessment = getattr(application, "assessment", None) if application else None
        given = [d.upper() for d in (assessment.diagnoses if assessment else []) or []]
        if not given:
            result.to_check.append(_("No working diagnosis recorded: check the diagnoses."))
        elif any(d.startswith(w) for d in given for w in wanted):
            result.fits.append(_("A working diagnosis is among the study's."))
        else:
            result.problems.append(
                _("No working diagnosis among the study's (%(codes)s).")
                % {"codes": ", ".join(wanted)}
            )
    return result
