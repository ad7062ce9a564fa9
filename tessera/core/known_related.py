"""Related objects a page already holds, given to the rows that point at them (issue 16,
decisions 0082 and 0083).

A message's author or a worksheet answer's feedback giver is nearly always the episode's
therapist, whom the page read with the episode. Reading the users by key for every row
descended the users' index once per row, a level deeper as the country grew. These give
each row the object in hand and read only the others, once together."""

from __future__ import annotations

import copy
from collections.abc import Iterable

from django.db.models import prefetch_related_objects


def already_read(instance, name: str):
    """The related object ``name`` the caller already read (``select_related``), or None."""
    field = instance._meta.get_field(name)
    return field.get_cached_value(instance) if field.is_cached(instance) else None


def give_known(rows: Iterable, name: str, known) -> None:
    """Each row's foreign key ``name`` given ``known`` where it points at it (``known`` may
    be None: nothing is known), None where it is empty; the rest read at once, together."""
    rows = list(rows)
    if not rows:
        return
    field = rows[0]._meta.get_field(name)
    attname = field.attname
    others = []
    for row in rows:
        key = getattr(row, attname)
        if key is None:
            field.set_cached_value(row, None)
        elif known is not None and key == known.pk:
            field.set_cached_value(row, known)
        else:
            others.append(row)
    if others:
        prefetch_related_objects(others, name)


def with_role_clinics(queryset, user, name: str = "clinic"):
    """``queryset`` whose rows get their clinic (the foreign key ``name``) from the
    clinics kept with the signed-in person (``identity.role_clinics``: their role
    clinics' whole rows, checked by the request's identity counter), instead of a join
    that read the clinics table: one row of a table of a clinic per thousand patients,
    a page at 1,000 and a scan of three at 100,000 (decision 0090). Every episode a staff
    member sees through their roles is at one of their role clinics; a row at another
    clinic (their own episode as a patient) reads its clinic when asked. When nothing is
    kept, the clinic is joined as before (``select_related``)."""
    from .identity import role_clinics

    known = role_clinics(user)
    if not known:
        return queryset.select_related(name)
    field = queryset.model._meta.get_field(name)
    queryset = queryset.all()  # a copy: the known objects are given to this one alone
    queryset._known_related_objects = {**queryset._known_related_objects, field: dict(known)}
    return queryset


def clinic_by_slug(user, slug: str):
    """The clinic with this short name (an address's), or None: one of the signed-in
    person's role clinics kept with them (``identity.role_clinics``, decision 0090) when
    it is one of theirs, read from no table; any other read by its short name with
    ``LIMIT 1`` and no order (the short name is unique: the scan of the clinics' small
    table stops at its row). What the person may see of it is still the access package's
    to say: the caller checks it for either. A copy of the kept one: a form that changes
    the page's clinic does not change the one other rows of the request are given."""
    from .identity import role_clinics
    from .models import Clinic

    for clinic in role_clinics(user).values():
        if clinic.slug == slug:
            return copy.deepcopy(clinic)
    return next(iter(Clinic.objects.filter(slug=slug).order_by()[:1]), None)
