from django.core.management.base import BaseCommand, CommandError

from tessera.core.management.files import read_text
from tessera.fhir import demo
from tessera.fhir.demo_client import DemoClientError, bulk_export, get_token


class Command(BaseCommand):
    help = (
        "Act as the demo's record system: get a SMART Backend Services token with the key "
        "seed_demo wrote, run a Bulk Data $export against a running Tessera over HTTP, and "
        "print the manifest and the first resource of each file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000/fhir",
            help="the FHIR base of the running server (default: runserver's)",
        )
        parser.add_argument("--type", default="", help="_type, e.g. Patient,Observation")
        parser.add_argument("--client-id", help="default: the one seed_demo registered")
        parser.add_argument("--key-file", help="ES384 private key (PEM); default: seed_demo's")
        parser.add_argument("--kid", default=demo.KID)

    def handle(self, *args, base_url, type, client_id, key_file, kid, **options):  # noqa: A002
        saved = demo.read_client() or {}
        client_id = client_id or saved.get("client_id")
        key_file = key_file or saved.get("key_file")
        if not client_id or not key_file:
            raise CommandError(
                "No demo client: run `manage.py seed_demo` first (it writes "
                f"{demo.key_dir()}), or give --client-id and --key-file."
            )
        base = base_url.rstrip("/")
        say = self.stdout.write
        private_key = read_text(key_file, "private key file")
        try:
            token = get_token(
                base,
                client_id=client_id,
                private_key=private_key,
                kid=kid,
                scope=demo.SCOPE,
                say=say,
            )
            manifest = bulk_export(base, token, types=type, say=say)
        except DemoClientError as exc:
            raise CommandError(str(exc)) from exc
        say(f"Export complete, transactionTime {manifest['transactionTime']}:")
        for item in manifest["output"]:
            say(f"  {item['type']}: {item['count']} in {item['url']}")
        for item in manifest["output"]:
            if item["lines"]:
                first = item["lines"][0]
                say(f"First {item['type']}: {first['resourceType']}/{first['id']}")
        if manifest.get("error"):
            say(f"Errors: {manifest['error']}")
