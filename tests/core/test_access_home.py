"""Access decisions have one home: the access package (tessera/core/access/).

Deciding by role (``Role.<X>``) or defining a ``may_*`` rule anywhere else fails here.
Places that grant or label roles, rather than decide access, are allowed by name below.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESSERA = ROOT / "tessera"
ACCESS = "tessera/core/access/"

ROLE_ALLOWED = {
    # The definition of the roles and of the role sets built from them.
    "tessera/core/roles.py": "defines Role",
    # Grant roles to the demo staff (the seeder moves to the portal app).
    "tessera/core/demo.py": "grants roles to demo staff",
    "tessera/portal/demo.py": "grants roles to demo staff",
    "tessera/inbox/demo.py": "grants the demo leaver her role before she is offboarded",
    # Label roles: the choices of the role field and the names shown on "my account".
    "tessera/core/models/organisation.py": "Role.choices for ClinicRole.role",
    "tessera/core/views/me.py": "Role.choices to name the user's roles",
    "tessera/core/models/audit.py": "Role.choices to name the actor's roles in the audit search",
    # Staff administration grants, changes and removes roles (a clinic keeps a manager).
    "tessera/core/actions/staff.py": "grants and removes roles (staff administration)",
    "tessera/core/forms.py": "Role.choices for the staff invitation form",
    "tessera/core/views/staff.py": "grants the manager role to a new clinic's manager",
}


def _sources():
    for path in sorted(TESSERA.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/migrations/" in rel or rel.startswith(ACCESS):
            continue
        yield rel, ast.parse(path.read_text(encoding="utf-8"), filename=rel)


def _role_uses(tree) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Role"
    ]


def test_roles_decide_access_only_in_the_access_package():
    offenders = [
        f"{rel}:{line}"
        for rel, tree in _sources()
        if rel not in ROLE_ALLOWED
        for line in _role_uses(tree)
    ]
    assert offenders == [], "Role.<X> outside tessera/core/access/: " + ", ".join(offenders)


def test_may_rules_are_defined_only_in_the_access_package():
    offenders = [
        f"{rel}:{node.lineno} {node.name}"
        for rel, tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("may_")
    ]
    assert offenders == [], "def may_* outside tessera/core/access/: " + ", ".join(offenders)


def test_the_check_finds_a_role_decision():
    tree = ast.parse("def f(user):\n    return Role.THERAPIST in roles(user)\n")
    assert _role_uses(tree) == [2]


def test_the_access_package_imports_no_app_above_core():
    apps_above = {p.name for p in TESSERA.iterdir() if p.is_dir() and (p / "apps.py").exists()} - {
        "core"
    }
    for path in sorted((TESSERA / "core" / "access").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                parts = name.split(".")
                upward = parts[0] == "tessera" and len(parts) > 1 and parts[1] in apps_above
                if upward and not (parts[1] == "treatment" and name == "tessera.treatment.models"):
                    raise AssertionError(f"{path.name} imports {name}")
