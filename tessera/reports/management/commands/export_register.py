from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug

from tessera.reports.models import Register
from tessera.reports.register.export import do_export, load_profile

DEFAULT_PROFILE = ("generic", 1)


class Command(BaseCommand):
    help = (
        "Export what is new or changed to a quality register (created on first use, with "
        "the profile given then; a register keeps its profile)."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="the register's short name (letters, digits, - and _)")
        parser.add_argument("--profile", help=f"default {DEFAULT_PROFILE[0]}")
        parser.add_argument("--profile-version", type=int, dest="profile_version", help="default 1")

    def handle(self, *args, name, profile, profile_version, **options):
        max_length = Register._meta.get_field("name").max_length
        try:
            validate_slug(name)
            validate_slug(profile or DEFAULT_PROFILE[0])
        except ValidationError as exc:
            raise CommandError(
                "A register's name and a profile's are short names: letters, digits, - and _."
            ) from exc
        if len(name) > max_length:
            raise CommandError(f"A register's name is at most {max_length} characters.")
        register = Register.objects.filter(name=name).first()
        kept = (register.profile, register.version) if register else DEFAULT_PROFILE
        profile = kept[0] if profile is None else profile
        profile_version = kept[1] if profile_version is None else profile_version
        if register is not None and (profile, profile_version) != kept:
            raise CommandError(
                f"The register {name} exports with the profile {kept[0]}-{kept[1]}, not "
                f"{profile}-{profile_version}: a register keeps its profile; give another "
                "name for another one."
            )
        if not 1 <= profile_version <= 32767:
            raise CommandError(f"No profile {profile}-{profile_version}.")
        try:
            load_profile(profile, profile_version)
        except FileNotFoundError as exc:
            raise CommandError(f"No profile {profile}-{profile_version}.") from exc
        register, _created = Register.objects.get_or_create(
            name=name, defaults={"profile": profile, "version": profile_version}
        )
        try:
            export = do_export(register)
        except ValidationError as exc:
            raise CommandError("Nothing was written: " + "; ".join(exc.messages)) from exc
        if export is None:
            self.stdout.write("Nothing new to export.")
        else:
            self.stdout.write(f"Exported {export.rows} rows (export {export.pk}).")
