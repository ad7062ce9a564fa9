"""A step as a patient will see it: markdown made safe, media, and worksheet fields as
(disabled) form controls. The templates only lay out what is built here."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, partial

from django.urls import reverse

from .. import markdown
from ..models import Step, StepKind

# How each field type is shown: the kind of control and its input type.
CONTROLS = {
    "text": ("input", "text"),
    "longtext": ("textarea", ""),
    "number": ("input", "number"),
    "choice": ("radios", ""),
    "scale_0_10": ("input", "number"),
    "scale_0_100": ("input", "number"),
    "date": ("input", "date"),
    "time": ("input", "time"),
    "datetime": ("input", "datetime-local"),
    "table": ("table", ""),
}
# Inside a table a choice is a drop-down list, which fits a cell.
CELL_CONTROLS = {**CONTROLS, "choice": ("select", "")}
# Scales are numbers within limits (as in the patient's module reader).
SCALES = {"scale_0_10": ("0", "10"), "scale_0_100": ("0", "100")}


@dataclass
class ShownField:
    id: str
    label: str
    control: str
    input_type: str = ""
    help: str = ""
    required: bool = False
    options: list[str] = field(default_factory=list)
    low: str = ""
    high: str = ""
    columns: list[ShownField] = field(default_factory=list)


def _options(spec: dict) -> list[str]:
    return [str(c) for c in spec.get("choices") or []]


def shown_field(spec: dict, prefix: str, *, in_table: bool = False) -> ShownField:
    kind = spec.get("type", "text")
    control, input_type = (CELL_CONTROLS if in_table else CONTROLS).get(kind, ("input", "text"))
    shown = ShownField(
        id=f"{prefix}-{spec.get('key', '')}",
        label=str(spec.get("label", "")),
        control=control,
        input_type=input_type,
        help=str(spec.get("help", "")),
        required=bool(spec.get("required")),
        options=_options(spec),
    )
    if kind in SCALES:
        shown.low, shown.high = SCALES[kind]
    if kind == "table":
        shown.columns = [
            shown_field(column, shown.id, in_table=True) for column in spec.get("columns") or []
        ]
    return shown


@dataclass
class ShownStep:
    step: Step
    total: int
    body: str
    transcript: str
    media_url: str
    fields: list[ShownField]

    @property
    def kind(self) -> str:
        return self.step.kind


def preview_steps(steps: list[Step], *, total: int, user=None, region=None) -> list[ShownStep]:
    """The steps as a patient sees them; a crisis block shows the crisis contacts of the
    previewing staff member's clinic in ``region`` (``markdown.crisis_for_staff``)."""
    crisis = cache(partial(markdown.crisis_for_staff, user, region)) if region else None
    shown = []
    for step in steps:
        fields = step.fields if step.kind in (StepKind.WORKSHEET, StepKind.HOMEWORK) else []
        prefix = f"s{step.position}"
        shown.append(
            ShownStep(
                step=step,
                total=total,
                body=markdown.render(step.body, crisis=crisis),
                transcript=markdown.render(step.transcript, crisis=crisis),
                media_url=reverse("library_media", args=[step.media_id]) if step.media_id else "",
                fields=[shown_field(spec, prefix) for spec in fields if isinstance(spec, dict)],
            )
        )
    return shown
