"""One programme's rules against one screening: what fits, what does not, what is open.

Pure Python. ``check_rules`` returns three lists of ``Finding`` (a code for programs
and a text for people): reasons it fits, problems (any problem means it does not fit)
and questions the screening could not settle, for the assessment.
"""

from __future__ import annotations

from collections.abc import Callable

from . import areas
from .rules import EXCLUDE_CODES, Rules, ScoreRule, age_limits, exclude_label
from .text import _, show_number


class Finding:
    """A code for programs and a text for people. The text may be given as a function of
    no arguments, called the first time it is read (then kept): the triage queue ranks
    every programme for every application on its page but shows only the titles that
    fit and a summary, so most texts are never read (issue 16: writing them all was
    over half the queue's CPU). Read it in the language it is to be shown in."""

    __slots__ = ("_text", "code")

    def __init__(self, code: str, text: str | Callable[[], str]):
        self.code = code
        self._text = text

    @property
    def text(self) -> str:
        if callable(self._text):
            self._text = self._text()
        return self._text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Finding({self.code!r}, {self.text!r})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, Finding):
            return NotImplemented
        return (self.code, self.text) == (other.code, other.text)

    def __hash__(self) -> int:
        return hash((self.code, self.text))


def _range_text(rule: ScoreRule) -> str:
    low, high = rule.min, rule.max
    if low is not None and high is not None:
        return _("the range %(low)s–%(high)s") % {
            "low": show_number(low),
            "high": show_number(high),
        }
    if low is not None:
        return _("the lowest score, %(low)s,") % {"low": show_number(low)}
    if high is not None:
        return _("the highest score, %(high)s,") % {"high": show_number(high)}
    return _("any score")


def _age(rules: Rules, screening, title: str, problems: list, to_check: list) -> None:
    if rules.min_age is None and rules.max_age is None:
        return
    age = screening.age
    if age is None:
        to_check.append(
            Finding(
                "age_unknown",
                lambda: (
                    _("Age not known: check the age limits (%(limits)s).")
                    % {"limits": age_limits(rules)}
                ),
            )
        )
    elif rules.min_age is not None and age < rules.min_age:
        problems.append(
            Finding(
                "age_below",
                lambda: (
                    _("Age %(age)s is below the lowest age, %(limit)s, for %(title)s.")
                    % {"age": age, "limit": rules.min_age, "title": title}
                ),
            )
        )
    elif rules.max_age is not None and age > rules.max_age:
        problems.append(
            Finding(
                "age_above",
                lambda: (
                    _("Age %(age)s is above the highest age, %(limit)s, for %(title)s.")
                    % {"age": age, "limit": rules.max_age, "title": title}
                ),
            )
        )


def _language(candidate, rules: Rules, screening, problems: list, to_check: list) -> None:
    offered = [
        code for code in candidate.languages if rules.languages is None or code in rules.languages
    ]

    def names() -> str:
        return ", ".join(areas.language_name(code, in_sentence=True) for code in offered) or _(
            "no language"
        )

    if screening.language is None:
        to_check.append(
            Finding(
                "language_unknown",
                lambda: _("Language not known: offered in %(names)s.") % {"names": names()},
            )
        )
    elif screening.language not in offered:
        problems.append(
            Finding(
                "language",
                lambda: (
                    _("Not offered in %(language)s (only in %(names)s).")
                    % {
                        "language": areas.language_name(screening.language, in_sentence=True),
                        "names": names(),
                    }
                ),
            )
        )


def _score_values(rule: ScoreRule, title: str, total=None) -> dict:
    values = {"instrument": rule.instrument, "range": _range_text(rule), "title": title}
    if total is not None:
        values["total"] = show_number(total)
    return values


def _scores(rules: Rules, screening, title: str, reasons, problems, to_check) -> None:
    # The texts are written only when read (``Finding``): each function takes the rule
    # and total of its own turn of the loop as defaults.
    for rule in rules.scores:
        score = screening.score(rule.instrument)
        if score is None or score.total is None:
            to_check.append(
                Finding(
                    "score_unknown",
                    lambda rule=rule: (
                        _(
                            "%(instrument)s not answered: %(range)s for %(title)s "
                            "could not be checked."
                        )
                        % _score_values(rule, title)
                    ),
                )
            )
            continue
        total = score.total
        if rule.min is not None and total < rule.min:
            problems.append(
                Finding(
                    "score_below",
                    lambda rule=rule, total=total: (
                        _("%(instrument)s %(total)s is below %(range)s for %(title)s.")
                        % _score_values(rule, title, total)
                    ),
                )
            )
        elif rule.max is not None and total > rule.max:
            problems.append(
                Finding(
                    "score_above",
                    lambda rule=rule, total=total: (
                        _("%(instrument)s %(total)s is above %(range)s for %(title)s.")
                        % _score_values(rule, title, total)
                    ),
                )
            )
        else:
            reasons.append(
                Finding(
                    "score_within",
                    lambda rule=rule, total=total: (
                        _("%(instrument)s %(total)s is within %(range)s.")
                        % _score_values(rule, title, total)
                    ),
                )
            )


def _excluded(code: str) -> Finding:
    return Finding(
        f"excluded_{code}", lambda: _("Excluded: %(reason)s.") % {"reason": exclude_label(code)}
    )


def _exclusions(rules: Rules, screening, problems: list, to_check: list) -> None:
    for code in rules.exclude:
        if code == "high_risk":
            # A risk answer is a question, not an exclusion (issue 12): it sends the
            # application to a risk assessment; only a risk a clinician assessed as high
            # rules the programme out.
            if screening.high_risk:
                problems.append(_excluded(code))
            elif screening.needs_risk_assessment:
                to_check.append(
                    Finding(
                        "risk_assessment_needed",
                        lambda: (
                            _(
                                "A risk answer (%(instruments)s): needs a risk assessment before "
                                "a programme is chosen."
                            )
                            % {"instruments": ", ".join(screening.risk_flags)}
                        ),
                    )
                )
        elif code in ("audit_zone_iii", "audit_zone_iv"):
            zone = screening.zone
            least = 3 if code == "audit_zone_iii" else 4
            if zone is None:
                to_check.append(
                    Finding(
                        "audit_unknown",
                        lambda code=code: (
                            _("AUDIT not answered: check for %(what)s.")
                            % {"what": exclude_label(code)}
                        ),
                    )
                )
            elif zone >= least:
                problems.append(_excluded(code))
        elif code not in EXCLUDE_CODES:
            to_check.append(
                Finding(
                    "check_exclusion",
                    lambda code=code: _("Check at assessment: %(what)s.") % {"what": code},
                )
            )


def _requires(rules: Rules, screening, problems: list) -> None:
    for instrument in rules.requires:
        score = screening.score(instrument)
        if score is None or score.total is None:
            problems.append(
                Finding(
                    "required_missing",
                    lambda instrument=instrument: (
                        _("Needs %(instrument)s, which was not answered.")
                        % {"instrument": instrument}
                    ),
                )
            )


def check_rules(candidate, rules: Rules, screening) -> tuple[list, list, list]:
    reasons: list[Finding] = []
    problems: list[Finding] = []
    to_check: list[Finding] = []
    if rules.unreadable:
        problems.append(
            Finding(
                "rules_unreadable",
                lambda: (
                    _("Its rules cannot be read (%(keys)s): a manager should correct them.")
                    % {"keys": ", ".join(rules.unreadable)}
                ),
            )
        )
    _exclusions(rules, screening, problems, to_check)
    _age(rules, screening, candidate.title, problems, to_check)
    _language(candidate, rules, screening, problems, to_check)
    _requires(rules, screening, problems)
    _scores(rules, screening, candidate.title, reasons, problems, to_check)
    return reasons, problems, to_check
