"""Validating FHIR R4B resources with fhir.resources, fast enough for a Bulk Data export.

``validate_resource(model, resource)`` is ``model.model_validate(resource)`` with the
resource's complex elements (a Reference, a CodeableConcept, a QuestionnaireResponse
item with its answer) validated once per distinct value: a Bulk Data export writes the
same ``Patient/12`` reference, the same category and the same answer codings millions
of times, and fhir.resources spends most of its time in per-element Python validators.

Every resource is still validated. The first resource (or element) of each shape (which
fields, with which JSON types) goes through its model whole. After that, the checks the
model makes on the whole (required fields, one of many ``value[x]``, no null in a list
of elements, the resource type) depend only on the shape and pass again, so each field's
value is checked on its own: a primitive by the field's own type (a pydantic
TypeAdapter of the same annotation), an element the same way, recursively, and only once
per distinct value (the key is its canonical JSON). The outcome is the one full
validation would give (tests compare both on every line of an export, and on invalid
resources after their shape is known). An element
that does not validate is never kept; a resource that fails is validated again in full
so that the error names the path in the resource.

The kept elements are bounded (``LIMIT``, then forgotten at once), so memory stays
constant however long the export.

Builders that put the same element object into many resources (a clinic's reference, a
questionnaire answer, a category) register it once with ``trusted``: it is validated
there, against the element model of the field it goes in, and from then on that very
object (by identity, not by value) passes without being written out as JSON again
(decision 0047). Such an object must never be changed afterwards; the builders share it
read-only and every resource dict around it is new.
"""

from __future__ import annotations

import json
import typing
from functools import cache

from fhir.resources.R4B import get_fhir_model_class
from pydantic import TypeAdapter

LIMIT = 20_000
_VALID: set[tuple[type, str]] = set()  # (element model, canonical JSON) known valid
_SHAPES: set[tuple] = set()  # shapes a resource or element of its model validated in
# id(element) -> (element model, the element): shared elements validated once (``trusted``).
# The element is held, so its id is not reused while the entry lives.
_TRUSTED: dict[int, tuple[type, object]] = {}
# One encoder, not one made by json.dumps per call (half the cost of a small key).


@cache
def model_class(kind: str) -> type:
    """The R4B model of a resource type (KeyError for one that does not exist)."""
    return get_fhir_model_class(kind)


@cache
def _fields(model: type) -> dict[str, tuple]:
    """JSON name (and Python name) → (element model, is a list, None) for a complex
    element field, or (None, None, adapter) for a primitive field (its own type, as the
    model validates it). Resources inside resources (``contained``) and primitive
    extensions (``_name``) are None: a resource with them is validated in full."""
    found = {}
    for name, field in model.model_fields.items():
        entry = (None, None, TypeAdapter(field.annotation))
        for arg in typing.get_args(field.annotation) or (field.annotation,):
            many = typing.get_origin(arg) in (list, typing.List)  # noqa: UP006
            inner = typing.get_args(arg)[0] if many else arg
            klass_of = getattr(inner, "get_model_klass", None)
            if klass_of is None:
                continue
            klass = klass_of()
            if (
                getattr(klass, "__resource_type__", "")
                in ("Resource", "DomainResource", "FHIRPrimitiveExtension")
                or not hasattr(klass, "model_fields")
                or "resourceType" in klass.model_fields
            ):
                entry = None
            else:
                entry = (klass, many, None)
            break
        found[name] = found[field.alias or name] = entry
    return found


class _Unkeyable(TypeError):
    pass


def _no_default(value):
    raise _Unkeyable(type(value).__name__)


# One encoder, not one made by json.dumps per call (half the cost of a small key).
_KEY = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=_no_default).encode


def _shape(model: type, data: dict) -> tuple:
    """What the model's own checks (beyond each field's value) depend on: which fields
    are there, with what JSON types, and the resource type named."""
    return (
        model,
        data.get("resourceType"),
        tuple(
            (
                name,
                type(value),
                tuple(type(item) for item in value) if type(value) is list else None,
            )
            for name, value in data.items()
        ),
    )


def _check_element(klass: type, value: dict) -> None:
    known = _TRUSTED.get(id(value))
    if known is not None and known[1] is value and known[0] is klass:
        return
    try:
        key = (klass, _KEY(value))
    except _Unkeyable:
        _check(klass, value)
        return
    if key in _VALID:
        return
    _check(klass, value)
    if len(_VALID) >= LIMIT:
        _VALID.clear()
    _VALID.add(key)


def _check(model: type, data: dict) -> None:
    """Raise ValueError unless ``data`` is a valid ``model``.

    The first time a shape (``_shape``) is seen the model validates the whole value.
    After that a value of the same shape passes the same model-level checks (they look
    only at which fields are present: required fields, one of many ``value[x]``, no null
    in a list of elements, the resource type), so what is left is each field's value:
    a primitive by the field's own type, an element by its model, recursively (and
    once per distinct element value)."""
    shape = _shape(model, data)
    if shape not in _SHAPES:
        model.model_validate(data)
        if len(_SHAPES) >= LIMIT:
            _SHAPES.clear()
        _SHAPES.add(shape)
        return
    fields = _fields(model)
    for name, value in data.items():
        if name == "resourceType":
            continue
        entry = fields.get(name)
        if entry is None:  # a resource inside, a primitive extension: the model decides
            model.model_validate(data)
            return
        klass, many, adapter = entry
        if adapter is not None:
            adapter.validate_python(value)
        elif value is None:
            continue
        elif many:
            for item in value:
                if type(item) is not dict:
                    model.model_validate(data)
                    return
                _check_element(klass, item)
        elif type(value) is dict:
            _check_element(klass, value)
        else:
            model.model_validate(data)
            return


def validate_resource(model: type, resource: dict) -> None:
    """Raise pydantic's ValidationError (a ValueError) when ``resource`` is not a valid
    ``model``; the resource itself is not changed."""
    try:
        _check(model, resource)
    except ValueError:
        model.model_validate(resource)  # the full error, with its path in the resource
        raise


def trusted(model: type, field: str, value):
    """``value``, validated as an element of ``model``'s ``field`` (a list field's item
    when the field is a list), and known valid from then on by its identity: every
    resource it is put into passes it without another check. For elements a builder
    makes once and shares (read-only) among many resources. ValueError (pydantic's
    ValidationError) when it is not valid."""
    entry = _fields(model).get(field)
    if entry is None or entry[0] is None or type(value) is not dict:
        raise TypeError(f"{model.__name__}.{field} does not take a shared element")
    klass = entry[0]
    klass.model_validate(value)
    if len(_TRUSTED) >= LIMIT:
        _TRUSTED.clear()
    _TRUSTED[id(value)] = (klass, value)
    return value


def forget() -> None:
    """Drop every known shape and element (tests compare against a cold start)."""
    _SHAPES.clear()
    _VALID.clear()
    _TRUSTED.clear()
