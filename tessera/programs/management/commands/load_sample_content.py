from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tessera.core.models import Region, User
from tessera.programs.packages import (
    ExportError,
    PackageRejected,
    do_import_package,
    zip_directory,
)

CONTENT = Path(__file__).resolve().parents[2] / "content"


def sample_directories(root: Path | None = None) -> list[Path]:
    """Every folder under tessera/programs/content/ that holds a package (a manifest.json)."""
    root = CONTENT if root is None else root
    if not root.is_dir():
        return []
    return sorted(path.parent for path in root.glob("*/manifest.json"))


class Command(BaseCommand):
    help = (
        "Import the sample programmes in tessera/programs/content/ into a region. Running it "
        "again changes nothing: versions already there are reused."
    )

    def add_arguments(self, parser):
        parser.add_argument("region_id", type=int)
        parser.add_argument("--as", dest="email", help="e-mail address of the acting user")

    def handle(self, *args, region_id, email=None, **options):
        region = Region.objects.filter(pk=region_id).first()
        if region is None:
            raise CommandError(f"There is no region {region_id}.")
        user = None
        if email:
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                raise CommandError(f"There is no user with the e-mail address {email}.")
        folders = sample_directories()
        if not folders:
            self.stdout.write("No sample programmes to load.")
            return
        failed = [folder.name for folder in folders if not self._load(folder, region, user)]
        if failed:
            raise CommandError(f"Not imported: {', '.join(failed)}.")

    def _load(self, folder: Path, region, user) -> bool:
        try:
            result = do_import_package(zip_directory(folder), region=region, acting_user=user)
        except (PackageRejected, ExportError) as error:
            self.stderr.write(f"{folder.name}: not imported:")
            for problem in error.problems:
                self.stderr.write(f"  {problem}")
            return False
        if result.already_there:
            version = result.programme_version
            self.stdout.write(
                f"{folder.name}: already there "
                f"(programme {version.programme.key} version {version.number})."
            )
        else:
            self.stdout.write(f"{folder.name}: {result.describe()}")
        return True
