"""Two people with the same name in one list: each one's name carries what tells them
apart (decision 0128). A therapist with forty patients may well have two "Anna
Svensson"; a screen reader's list of links, or an eye running down a column, cannot
tell two identical names apart, and opening the wrong record is a clinical error.

A clinic tells namesakes apart as it does at the desk: by the date of birth, and where
that is the same too, by the record's number (the patient's, or an application's
reference). A name that no one else in the list has is shown as it always was; the
same person met twice in a list (two alerts, two measures due) is no namesake.

The rows are whatever a list holds: a patient, an episode (its copies of the patient's
names and date of birth, core 0018 and 0026, so no patient row is read), an application,
or anything with an ``episode`` or a ``patient``. Only a namesake's date of birth is read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext


def person_of(row) -> tuple[str, object, object] | None:
    """(name, who, row to read the date of birth and number from) for a row of a list,
    or None for a row that names no one."""
    if isinstance(row, dict):
        inner = row.get("episode") or row.get("patient") or row.get("application")
        return person_of(inner) if inner is not None and inner is not row else None
    if hasattr(row, "patient_first_name"):  # an episode: the patient's names kept on it
        return f"{row.patient_first_name} {row.patient_last_name}", ("p", row.patient_id), row
    if hasattr(row, "reference") and hasattr(row, "full_name"):  # an application
        who = ("p", row.patient_id) if getattr(row, "patient_id", None) else ("a", row.pk)
        return row.full_name, who, row
    if hasattr(row, "first_name") and hasattr(row, "date_of_birth"):  # a patient
        return f"{row.first_name} {row.last_name}", ("p", row.pk), row
    for attribute in ("episode", "patient", "application"):
        inner = getattr(row, attribute, None)
        if inner is not None and not isinstance(inner, str):
            return person_of(inner)
    return None


def _born(row):
    if hasattr(row, "patient_first_name"):
        return row.patient_date_of_birth
    return row.date_of_birth


def _number(row) -> str:
    if hasattr(row, "patient_first_name"):
        return str(row.patient_id)
    if hasattr(row, "reference"):
        return row.reference
    return str(row.pk)


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def namesake_details(rows: Iterable, among: Iterable = ()) -> list[str]:
    """For each row, in order: "" when no one else in the rows has its name, else what
    tells it apart ("born 02/01/1990", or "born 02/01/1990, record 17" when the date of
    birth is shared too). ``among``: more rows the reader knows the list's people by,
    not shown (the inbox's caseload): a page of the inbox that names one of a
    therapist's two "Olle Nilsson"s says which, though the other has no row on it."""
    rows = list(rows)
    people = [person_of(row) for row in rows]
    everyone = people + [person_of(row) for row in among]
    who_by_name: dict[str, set] = defaultdict(set)
    for person in everyone:
        if person and person[0].strip():
            who_by_name[_key(person[0])].add(person[1])
    details = []
    born_by_name: dict[str, dict] = {}
    for person in people:
        if not person or len(who_by_name.get(_key(person[0]), ())) < 2:
            details.append("")
            continue
        name, who, source = person
        if _key(name) not in born_by_name:
            whose: dict = defaultdict(set)
            for other in everyone:
                if other and _key(other[0]) == _key(name):
                    whose[_born(other[2])].add(other[1])
            born_by_name[_key(name)] = whose
        born = _born(source)
        shared = len(born_by_name[_key(name)][born]) > 1
        details.append(detail(born, _number(source) if shared or born is None else None))
    return details


def detail(born, number: str | None) -> str:
    """The words that tell one namesake from another."""
    if born is None:
        return gettext("record %(number)s") % {"number": number}
    date = formats.date_format(born, "SHORT_DATE_FORMAT")
    if number is None:
        return gettext("born %(date)s") % {"date": date}
    return gettext("born %(date)s, record %(number)s") % {"date": date, "number": number}


def with_namesakes(rows: Iterable, among: Iterable = ()) -> list:
    """The rows, each with ``namesake`` set to its detail ("" for a name of its own)."""
    rows = list(rows)
    for row, said in zip(rows, namesake_details(rows, among), strict=True):
        if isinstance(row, dict):
            row["namesake"] = said
        else:
            row.namesake = said
    return rows


def after_name(said: str) -> str:
    """The detail as written after the name, inside its link: " (born 02/01/1990)"."""
    return format_html(' <span class="namesake">({})</span>', said) if said else ""


def staff_namesake_details(users: Iterable) -> list[str]:
    """For each staff member, in order: "" when no one else in the list has their name,
    else their e-mail address, which tells two colleagues named alike apart (decision
    0139: "New therapist" listed two "Tove Berg"s). A staff member has no date of birth
    in Tessera; the address is theirs alone and known to the clinic. A user without a
    name is shown by the address already."""
    users = list(users)
    names = [_key(user.get_full_name()) for user in users]
    who_by_name: dict[str, set] = defaultdict(set)
    for name, user in zip(names, users, strict=True):
        if name:
            who_by_name[name].add(user.pk)
    return [
        user.email if name and len(who_by_name[name]) > 1 else ""
        for name, user in zip(names, users, strict=True)
    ]


def staff_label(user, said: str) -> str:
    """A staff member's name in a choice, with what tells them apart when it is shared."""
    return f"{user} ({said})" if said else str(user)
