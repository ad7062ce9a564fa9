"""The signed-in person, kept between requests while the database says it is unchanged.

Every signed-in request used to read the login's row, whether it holds a role, and
whether it has a second factor: index descents into tables that grow with the country
(issue 16). Here they are kept in each process's memory (the "identities" cache) with
the counter of the login's bucket in ``core_identityversion``, which database triggers
raise on every write of the login, its roles or its second factors, however written
(the ORM, ``update()``, raw SQL). Each request reads that one counter, from a table of
``BUCKETS`` rows whatever the size; while it is unchanged the kept person is used, and
Django's own check of the session (its password hash) is still made. Otherwise, or when
anything is missing, the person is read from the database as before (decision 0063).
Kept too: whether the login is a patient (its patient's id) and its role clinics' names,
with triggers on the patients' login and the clinics' name (decision 0068).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import caches
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from .prepared import Prepared

BUCKETS = 256  # as migration core 0024
CACHE = "identities"

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return settings.TESSERA_IDENTITY_CACHE


def _key(user_id) -> str:
    return f"tessera:identity:3:{user_id}"  # 3: with the role clinics' rows (0090)


def _version_query(bucket):
    from .models import IdentityVersion

    return IdentityVersion.objects.filter(bucket=bucket).values_list("version")[:1]


# Compiled once per process (``core.prepared``, decision 0044): building and compiling
# this one-row read cost about a tenth of every signed-in request (issue 16).
_VERSION = Prepared(_version_query)


def current_version(user_id) -> int | None:
    """The counter of the login's bucket: one read of a row of a small table."""
    try:
        bucket = int(user_id) % BUCKETS
    except (TypeError, ValueError):
        return None
    rows = _VERSION(bucket)
    return rows[0][0] if rows else None


def _kept(user_id, version: int) -> dict | None:
    try:
        kept = caches[CACHE].get(_key(user_id))
    except Exception:  # a broken cache: read the database
        logger.exception("identity cache unreadable")
        return None
    if not kept or kept.get("version") != version:
        return None
    return kept


def _fields(instance) -> dict:
    """A model instance's columns as read: what ``from_db`` makes it again from."""
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _keep(user, version: int) -> None:
    """Keep ``user`` as read now, with what every request asks of them."""
    from .models import Patient

    fields = _fields(user)
    # The roles with their clinic's name, in the database's order of the names (its
    # collation, not Python's): the intake pages' clinic choices (decision 0068).
    # With each role its clinic's whole row (decision 0090), in the same one read.
    rows = list(
        user.clinic_roles.order_by("clinic__name", "clinic_id", "role").select_related("clinic")
    )
    roles = [(row.clinic_id, row.role, row.on_call) for row in rows]
    clinic_names = list({row.clinic_id: row.clinic.name for row in rows}.items())
    clinics = {row.clinic_id: _fields(row.clinic) for row in rows}
    regions = set(user.region_roles.values_list("region_id", flat=True))
    patient = next(iter(Patient.objects.filter(user=user).order_by().values_list("pk")[:1]), None)
    kept = {
        "version": version,
        "fields": fields,
        "roles": roles,
        "clinic_names": clinic_names,
        "clinics": clinics,
        "regions": regions,
        "second_factor": user.authenticator_set.exists(),
        "patient_id": patient and patient[0],
    }
    try:
        caches[CACHE].set(_key(user.pk), kept)
    except Exception:
        logger.exception("identity cache unwritable")
    _answers(user, kept)  # this request asks them too: not read twice


def _built(kept: dict):
    """A User as if read from the database, with its per-request answers filled in."""
    User = auth.get_user_model()
    fields = kept["fields"]
    user = User.from_db("default", list(fields), list(fields.values()))
    _answers(user, kept)
    return user


def _answers(user, kept: dict) -> None:
    """The per-request answers about ``user`` filled in from ``kept``."""
    user._tessera_roles = list(kept["roles"])
    user._tessera_regions = set(kept["regions"])
    # The cached properties of User (tessera.core.models.people).
    user.__dict__["is_staff_member"] = bool(kept["roles"] or kept["regions"])
    user.__dict__["has_second_factor"] = kept["second_factor"]
    user._tessera_clinic_names = list(kept["clinic_names"])
    user._tessera_clinic_rows = kept["clinics"]
    if kept["patient_id"] is None:  # not a patient: no lookup of the patients by login
        user.__dict__["patient_record"] = None


def clinics_by_name(user, clinic_ids) -> list:
    """The clinics ``clinic_ids`` (ids of the user's own role clinics) by name, each with
    its id and name only: from the kept person when there is one (no query), otherwise
    one read of the clinics."""
    from .models import Clinic

    ids = set(clinic_ids)
    kept = getattr(user, "_tessera_clinic_names", None)
    if kept is not None and ids <= {clinic for clinic, _name in kept}:
        return [
            Clinic.from_db("default", ["id", "name"], [clinic, name])
            for clinic, name in kept
            if clinic in ids
        ]
    return list(Clinic.objects.filter(pk__in=ids).only("id", "name").order_by("name"))


def whole_clinics_by_name(user, clinic_ids) -> list:
    """The clinics ``clinic_ids`` (ids of the user's own role clinics) by name, whole: as
    kept with the person when they were (no query: a page that needs a clinic's zone,
    pace or settings, not only its name), otherwise one read."""
    from .models import Clinic

    ids = set(clinic_ids)
    kept = getattr(user, "_tessera_clinic_names", None)
    whole = role_clinics(user)
    if kept is not None and ids <= whole.keys():
        return [whole[clinic] for clinic, _name in kept if clinic in ids]
    return list(Clinic.objects.filter(pk__in=ids).order_by("name"))


def role_clinics(user) -> dict:
    """The clinics where the kept person holds a role, by id, as if read from the
    database (their whole rows, kept with the person: decision 0090); built once per
    request. Empty when the person was not kept (the cache off, a login read from the
    database this request before it was kept): the caller reads the clinics then."""
    from .models import Clinic

    built = getattr(user, "_tessera_clinics", None)
    if built is None:
        rows = getattr(user, "_tessera_clinic_rows", None) or {}
        built = {
            pk: Clinic.from_db("default", list(fields), list(fields.values()))
            for pk, fields in rows.items()
        }
        user._tessera_clinics = built
    return built


def get_user(request):
    """``django.contrib.auth.get_user``, from memory while the login is unchanged."""
    try:
        user_id = auth._get_user_session_key(request)
        backend_path = request.session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        return auth.get_user(request)
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    # The counter first, then the rows: a change committed in between raises the
    # counter again, so what is kept is never older than the counter it is kept with.
    version = current_version(user_id)
    if version is None:
        return auth.get_user(request)
    kept = _kept(user_id, version)
    if kept is not None:
        user = _built(kept)
        session_hash = request.session.get(auth.HASH_SESSION_KEY)
        if (
            user.is_active
            and session_hash
            and constant_time_compare(session_hash, user.get_session_auth_hash())
        ):
            return user
        # Anything else (an old secret, a stale hash): Django decides, from the database.
    user = auth.get_user(request)
    if user.is_authenticated and str(user.pk) == str(user_id) and user.is_active:
        _keep(user, version)
    return user


class IdentityAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, with ``get_user`` above when
    ``TESSERA_IDENTITY_CACHE`` is on."""

    def process_request(self, request):
        super().process_request(request)
        find = get_user if enabled() else auth.get_user
        request.user = SimpleLazyObject(lambda: _signed_in_or_why_not(request, find))


def _signed_in_or_why_not(request, find):
    """The signed-in person; when the session held someone the database no longer lets
    in (their password changed in another browser, their login closed), the request
    says so (``signed_out_elsewhere``) for the sign-in page's word."""
    held = auth.SESSION_KEY in request.session  # before Django empties a stale session
    user = find(request)
    if held and not user.is_authenticated:
        request.signed_out_elsewhere = True
        # Django empties a session whose password hash is old, not one whose login was
        # closed: emptied here too, so that it says so once and holds nobody.
        request.session.flush()
    return user
