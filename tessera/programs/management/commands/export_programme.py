from django.core.management.base import BaseCommand, CommandError

from tessera.core.management.files import check_writable, write_whole
from tessera.core.models import Region
from tessera.programs.models import ProgrammeVersion, Status
from tessera.programs.packages import ExportError, export_programme


class Command(BaseCommand):
    help = (
        "Export a programme version (the latest published one unless --version is given) "
        "with its modules and media as a content package."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Our --version is the programme's version number, not Django's.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("region_id", type=int)
        parser.add_argument("programme_key")
        parser.add_argument("--version", type=int, dest="number", help="the version number")
        parser.add_argument("--output", required=True, help="the zip file to write")

    def handle(self, *args, region_id, programme_key, number, output, **options):
        if not Region.objects.filter(pk=region_id).exists():
            raise CommandError(f"There is no region {region_id}.")
        check_writable(output, "package")
        versions = ProgrammeVersion.objects.filter(
            programme__region_id=region_id, programme__key=programme_key
        ).select_related("programme")
        if number is None:
            version = versions.filter(status=Status.PUBLISHED).order_by("-number").first()
        else:
            version = versions.filter(number=number).first()
        if version is None:
            which = f"version {number}" if number is not None else "published version"
            raise CommandError(f"Programme {programme_key} has no {which} in region {region_id}.")
        try:
            data = export_programme(version)
        except ExportError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError("The programme was not exported.") from None
        write_whole(output, data, "package")
        self.stdout.write(
            f"Exported {programme_key} version {version.number} to {output} ({len(data)} bytes)."
        )
