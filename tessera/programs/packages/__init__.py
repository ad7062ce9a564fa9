"""Content packages: a programme version with its modules and media as one zip.

The format is documented in docs/content-packages.md. Reading never executes anything and
never touches the file system (reader.py); the manifest is checked field by field
(manifest.py); exports are deterministic (exporter.py); imports write everything or
nothing (importer.py).
"""

from .exporter import ExportError, export_programme, write_zip, zip_directory
from .importer import ImportResult, do_import_package
from .manifest import FORMAT, FORMAT_VERSION, MEDIA_TYPES, PackageRejected, validate_manifest
from .reader import Package, read_package, sniff

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MEDIA_TYPES",
    "ExportError",
    "ImportResult",
    "Package",
    "PackageRejected",
    "do_import_package",
    "export_programme",
    "read_package",
    "sniff",
    "validate_manifest",
    "write_zip",
    "zip_directory",
]
