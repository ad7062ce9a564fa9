from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tessera.reports.models import Register
from tessera.reports.register.export import do_export, load_profile


class Command(BaseCommand):
    help = "Export what is new or changed to a quality register (created on first use)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--profile", default="generic")
        parser.add_argument("--profile-version", type=int, default=1, dest="profile_version")

    def handle(self, *args, name, profile, profile_version, **options):
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
