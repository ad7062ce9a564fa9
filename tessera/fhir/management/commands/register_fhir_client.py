import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from tessera.core.management.files import read_text
from tessera.core.models import Clinic, Region
from tessera.fhir.actions import do_register_system_client


def find_region(text: str) -> Region | None:
    """A region by its id or by its name written as a slug ("Region Norr" -> region-norr)."""
    if text.isascii() and text.isdecimal():
        return Region.objects.filter(pk=int(text)).first()
    return next((r for r in Region.objects.all() if slugify(r.name) == text), None)


class Command(BaseCommand):
    help = (
        "Register a record system that reads through the FHIR API with SMART Backend "
        "Services: its public keys (a JWKS file, or the https URL where it publishes "
        "them), its scopes, and the one clinic or region whose records it may read. "
        "Prints the client_id."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        keys = parser.add_mutually_exclusive_group(required=True)
        keys.add_argument("--jwks-file", help="a JSON Web Key Set (public keys)")
        keys.add_argument(
            "--jwks-url", help="the https address where the client publishes its JWKS"
        )
        parser.add_argument("--scope", required=True, help='e.g. "system/*.rs"')
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--clinic", help="the clinic's short name (slug)")
        where.add_argument("--region", help="the region's name as a slug, or its id")

    def handle(self, *args, name, jwks_file, jwks_url, scope, clinic, region, **options):
        jwks = None
        if jwks_file:
            try:
                jwks = json.loads(read_text(jwks_file, "JWKS file"))
            except ValueError as exc:
                raise CommandError(f"The JWKS file {jwks_file} is not JSON: {exc}.") from exc
            except RecursionError as exc:
                raise CommandError(
                    f"The JWKS file {jwks_file} is nested too deeply to be a key set."
                ) from exc
        found_clinic = found_region = None
        if clinic:
            found_clinic = Clinic.objects.filter(slug=clinic).first()
            if found_clinic is None:
                raise CommandError(f"No clinic with the short name {clinic!r}.")
        else:
            found_region = find_region(region)
            if found_region is None:
                known = ", ".join(
                    f"{slugify(r.name)} (id {r.pk})" for r in Region.objects.order_by("name")
                )
                raise CommandError(
                    f"No region {region!r}. Give its name as a slug or its id: "
                    f"{known or 'there are no regions yet'}."
                )
        try:
            client = do_register_system_client(
                name=name,
                jwks=jwks,
                jwks_uri=jwks_url or "",
                scope=scope,
                clinic=found_clinic,
                region=found_region,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(client.client_id + "\n")
