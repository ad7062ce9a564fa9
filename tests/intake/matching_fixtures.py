"""Published programmes built through the library's actions, and stand-ins for intake
applications (the intake models are written in parallel; the glue is duck-typed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tessera.programs import actions

DEPRESSION = {
    "min_age": 18,
    "max_age": None,
    "scores": [{"instrument": "PHQ-9", "min": 5, "max": 23}],
    "exclude": ["high_risk", "audit_zone_iv"],
}


def publish_programme(region, author, key, *, area, eligibility, languages=("en",), title=None):
    """A programme with one published version holding one module."""
    module = actions.do_create_module(
        region, acting_user=author, key=f"{key}-intro", title="Welcome", language=languages[0]
    )
    module_version = module.versions.get()
    actions.do_add_step(
        module_version, acting_user=author, kind="text", title="Hello", body="Read **this**."
    )
    actions.do_publish_module(module_version, acting_user=author)
    programme = actions.do_create_programme(
        region,
        acting_user=author,
        key=key,
        title=title or key.title(),
        problem_area=area,
        languages=list(languages),
    )
    version = programme.versions.get()
    actions.do_update_programme_draft(version, acting_user=author, eligibility=eligibility)
    actions.do_set_programme_modules(
        version, acting_user=author, module_version_ids=[module_version.pk]
    )
    actions.do_publish_programme(version, acting_user=author)
    return programme


@dataclass
class Answer:
    instrument: str
    total: int | None
    band: str = ""
    risk_flagged: bool = False


class Answers:
    """Stands in for the related manager ``application.screening_answers``."""

    def __init__(self, rows):
        self.rows = list(rows)

    def all(self):
        return list(self.rows)


@dataclass
class Application:
    pk: int
    clinic: object
    date_of_birth: date | None = date(1990, 1, 2)
    language: str = "en"
    answers: list = field(default_factory=list)

    @property
    def screening_answers(self) -> Answers:
        return Answers(self.answers)
