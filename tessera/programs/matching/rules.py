"""Eligibility rules: reading them for the engine, and checking them for an editor.

Rules are data (a programme version's ``eligibility``, or a clinic's override of it):

    {"min_age": 18, "max_age": null, "languages": ["en"],
     "scores": [{"instrument": "PHQ-9", "min": 5, "max": 23}],
     "exclude": ["high_risk", "audit_zone_iv"], "requires": ["PHQ-9", "GAD-7"]}

``read_rules`` never raises: what it cannot read is named in ``Rules.unreadable`` (the
engine then refuses to call the programme a fit). ``rule_problems`` is the strict check
for the clinic's editing form: every problem with the field it belongs to, in words.
Pure Python, no Django (texts go through ``text._``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tessera.instruments.scoring import load_all, normalise_code

from .areas import language_name
from .text import _

RULE_KEYS = ("min_age", "max_age", "languages", "scores", "exclude", "requires")
EXCLUDE_CODES = ("high_risk", "audit_zone_iii", "audit_zone_iv")
SCORE_KEYS = {"instrument", "min", "max"}
MAX_AGE = 120


def exclude_label(code: str) -> str:
    labels = {
        "high_risk": _("a risk assessed as high by a clinician"),
        "audit_zone_iii": _("AUDIT in zone III or IV (16 or more)"),
        "audit_zone_iv": _("AUDIT in zone IV (20 or more)"),
    }
    return labels.get(code, code)


@dataclass(frozen=True)
class ScoreRule:
    instrument: str
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Rules:
    min_age: int | None = None
    max_age: int | None = None
    languages: tuple[str, ...] | None = None
    scores: tuple[ScoreRule, ...] = ()
    exclude: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    unreadable: tuple[str, ...] = ()


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _age(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _texts(value: Any) -> tuple[str, ...] | None:
    """A list of texts (a single text counts as a list of one); None if unreadable."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def _score(entry: Any) -> ScoreRule | None:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("instrument"), str):
        return None
    low, high = entry.get("min"), entry.get("max")
    if any(v is not None and not _number(v) for v in (low, high)):
        return None
    return ScoreRule(entry["instrument"], low, high)


def read_rules(raw: Any) -> Rules:
    """The rules the engine applies. Never raises; see ``Rules.unreadable``."""
    if not isinstance(raw, Mapping):
        return Rules(unreadable=("rules",))
    bad: list[str] = []
    found: dict[str, Any] = {}
    for key in ("min_age", "max_age"):
        if _age(raw.get(key)):
            found[key] = raw.get(key)
        else:
            bad.append(key)
    for key in ("languages", "exclude", "requires"):
        if key in raw and raw[key] is not None:
            texts = _texts(raw[key])
            if texts is None:
                bad.append(key)
            else:
                found[key] = texts
    scores = raw.get("scores") or []
    parsed = [_score(e) for e in scores] if isinstance(scores, list | tuple) else [None]
    if None in parsed:
        bad.append("scores")
    found["scores"] = tuple(p for p in parsed if p is not None)
    return Rules(**found, unreadable=tuple(bad))


# --- the strict check, for people editing rules --------------------------------------


def rule_problems(raw: Any, *, languages: list[str] | None = None) -> list[tuple[str, str]]:
    """Every problem with a set of rules as (field, message); empty when they are good.

    ``field`` is a key of RULE_KEYS, or "rules" for the whole. ``languages``, if given,
    are the languages the programme's content is written in."""
    if not isinstance(raw, Mapping):
        return [("rules", _("The rules must be written between { and }."))]
    problems: list[tuple[str, str]] = []
    for key in sorted(set(raw) - set(RULE_KEYS), key=str):
        problems.append(
            (
                "rules",
                _("“%(key)s” is not a rule Tessera knows. Known rules: %(known)s.")
                % {"key": key, "known": ", ".join(RULE_KEYS)},
            )
        )
    problems += _age_problems(raw)
    problems += _language_problems(raw.get("languages"), languages)
    problems += _score_problems(raw.get("scores", []))
    problems += _code_problems(raw.get("exclude", []))
    problems += _requires_problems(raw.get("requires", []))
    return problems


def _age_problems(raw: Mapping) -> list[tuple[str, str]]:
    problems = []
    for key in ("min_age", "max_age"):
        value = raw.get(key)
        if value is not None and not (_age(value) and 0 <= value <= MAX_AGE):
            problems.append((key, _("An age limit must be a whole number from 0 to 120.")))
    low, high = raw.get("min_age"), raw.get("max_age")
    if _age(low) and _age(high) and low is not None and high is not None and low > high:
        problems.append(("max_age", _("The highest age is below the lowest age.")))
    return problems


def _language_problems(value: Any, offered: list[str] | None) -> list[tuple[str, str]]:
    if value is None:
        return []
    if _texts(value) is None or isinstance(value, str):
        return [("languages", _('Give the languages as a list of codes, such as ["en"].'))]
    if not value:
        return [("languages", _("Choose at least one language, or none to use the programme's."))]
    if offered is not None:
        missing = [code for code in value if code not in offered]
        if missing:
            return [
                (
                    "languages",
                    _("The programme is not written in: %(codes)s.")
                    % {"codes": ", ".join(missing)},
                )
            ]
    return []


def _instrument_problem(code: Any) -> str | None:
    known = {normalise_code(c): c for c in load_all()}
    if not isinstance(code, str) or normalise_code(code) not in known:
        return _("“%(code)s” is not a questionnaire Tessera has. Use one of: %(known)s.") % {
            "code": code,
            "known": ", ".join(sorted(known.values())),
        }
    return None


def _score_problems(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, list):
        return [("scores", _("Write the score ranges as a list, between [ and ]."))]
    problems, seen = [], set()
    definitions = {normalise_code(c): d for c, d in load_all().items()}
    for n, entry in enumerate(value, start=1):
        where = _("Score range %(n)s") % {"n": n}
        if (
            not isinstance(entry, Mapping)
            or not SCORE_KEYS >= set(entry)
            or "instrument" not in entry
        ):
            problems.append(
                (
                    "scores",
                    _('%(where)s must be written as {"instrument": …, "min": …, "max": …}.')
                    % {"where": where},
                )
            )
            continue
        problem = _instrument_problem(entry["instrument"])
        if problem:
            problems.append(("scores", f"{where}: {problem}"))
            continue
        code = normalise_code(entry["instrument"])
        if code in seen:
            problems.append(
                (
                    "scores",
                    _("%(where)s: %(code)s has a range already.")
                    % {"where": where, "code": entry["instrument"]},
                )
            )
        seen.add(code)
        low, high = entry.get("min"), entry.get("max")
        definition = definitions[code]
        for bound in (low, high):
            if bound is not None and not (
                _number(bound) and definition.min_total <= bound <= definition.max_total
            ):
                problems.append(
                    (
                        "scores",
                        _(
                            "%(where)s: a limit for %(code)s must be a number "
                            "from %(low)s to %(high)s."
                        )
                        % {
                            "where": where,
                            "code": definition.code,
                            "low": definition.min_total,
                            "high": definition.max_total,
                        },
                    )
                )
        if low is None and high is None:
            problems.append(
                (
                    "scores",
                    _("%(where)s: give a lowest score, a highest score, or both.")
                    % {"where": where},
                )
            )
        elif _number(low) and _number(high) and low > high:
            problems.append(
                (
                    "scores",
                    _("%(where)s: the lowest score is above the highest.") % {"where": where},
                )
            )
    return problems


def _code_problems(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return [("exclude", _("Write the exclusions as a list of codes, between [ and ]."))]
    unknown = [code for code in value if code not in EXCLUDE_CODES]
    if unknown:
        return [
            (
                "exclude",
                _("Tessera cannot check “%(codes)s” from the screening. Use: %(known)s.")
                % {"codes": ", ".join(unknown), "known": ", ".join(EXCLUDE_CODES)},
            )
        ]
    return []


def _requires_problems(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, list):
        return [("requires", _("Write the questionnaires as a list, between [ and ]."))]
    return [("requires", p) for p in map(_instrument_problem, value) if p]


def age_limits(rules: Rules) -> str:
    if rules.min_age is not None and rules.max_age is not None:
        return _("%(low)s to %(high)s") % {"low": rules.min_age, "high": rules.max_age}
    if rules.min_age is not None:
        return _("%(low)s or older") % {"low": rules.min_age}
    return _("%(high)s or younger") % {"high": rules.max_age}


def describe_rules(raw: Any, languages: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The rules in words, one line each, for people reading them."""
    rules = read_rules(raw)
    lines = []
    if rules.min_age is not None or rules.max_age is not None:
        lines.append(_("Age: %(limits)s.") % {"limits": age_limits(rules)})
    offered = [c for c in languages if rules.languages is None or c in rules.languages]
    if languages:
        names = ", ".join(language_name(c, in_sentence=True) for c in offered) or _("none")
        lines.append(_("Offered in: %(names)s.") % {"names": names})
    for rule in rules.scores:
        low = "…" if rule.min is None else f"{rule.min:g}"
        high = "…" if rule.max is None else f"{rule.max:g}"
        lines.append(
            _("%(instrument)s from %(low)s to %(high)s.")
            % {"instrument": rule.instrument, "low": low, "high": high}
        )
    for code in rules.exclude:
        lines.append(_("Not with %(what)s.") % {"what": exclude_label(code)})
    if rules.requires:
        lines.append(
            _("Needs answers to: %(instruments)s.") % {"instruments": ", ".join(rules.requires)}
        )
    if rules.unreadable:
        lines.append(_("Cannot be read: %(keys)s.") % {"keys": ", ".join(rules.unreadable)})
    return lines or [_("No rules: everyone fits.")]
