from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tessera.core.models import Region, User
from tessera.programs.packages import PackageRejected, do_import_package


class Command(BaseCommand):
    help = (
        "Import a content package into a region. Everything is checked first; on any problem "
        "nothing is imported, the problems are printed one per line and the exit status is 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("region_id", type=int)
        parser.add_argument("file", help="the package (.zip)")
        parser.add_argument(
            "--as", dest="email", required=True, help="e-mail address of the acting user"
        )

    def handle(self, *args, region_id, file, email, **options):
        region = Region.objects.filter(pk=region_id).first()
        if region is None:
            raise CommandError(f"There is no region {region_id}.")
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"There is no user with the e-mail address {email}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file {file}.")
        if path.stat().st_size > settings.TESSERA_PACKAGE_MAX_BYTES:
            raise CommandError(
                f"The package is larger than {settings.TESSERA_PACKAGE_MAX_BYTES} bytes."
            )
        try:
            result = do_import_package(path.read_bytes(), region=region, acting_user=user)
        except PackageRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"The package was not imported ({_problems(len(rejected.problems))}); "
                "nothing was changed."
            ) from None
        self.stdout.write(result.describe())


def _problems(count: int) -> str:
    return "1 problem" if count == 1 else f"{count} problems"
