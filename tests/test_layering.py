"""Each room says who it serves and what it may touch: read from the imports
of every module, without running any.

From the ground up (DESIGN "Layout"): `portal` (the organisation, the
calendar) → `procedures` (the catalogue) → `dossiers` (the lifecycle core)
→ `citizens`, `reports` (by audience) → `petitions` (the feedback line,
which answers /track/ for its cases too) → `api` (the partner systems' door).
A module imports only from its own level and below; `portal/urls.py`, which
names every app's addresses, is the one exception. Domain modules never
import views, URLs or the API. And no module grows past about 400 lines
without its docstring saying why.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LEVELS = {"portal": 0, "procedures": 1, "dossiers": 2, "citizens": 3, "reports": 3, "petitions": 4, "api": 5}
# The web layer: what may import views (and be imported by URL confs only).
WEB = ("views", "urls", "admin", "templatetags", "management", "migrations", "forms")
LONGEST = 440


def modules():
    for app in LEVELS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def imported(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def name_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def test_the_apps_exist_as_the_layout_says():
    for app in LEVELS:
        assert (ROOT / app / "__init__.py").exists(), app


def violations(app: str, name: str, imports: set[str]) -> list[str]:
    """What module `name` of `app` imports against the layering."""
    found = []
    web = any(part in WEB for part in name.split(".")[1:]) or app == "api"
    for module in sorted(imports):
        parts = module.split(".")
        if parts[0] not in LEVELS:
            continue
        if parts[0] != app and LEVELS[parts[0]] >= LEVELS[app] and name != "portal.urls":
            found.append(f"{name} imports {module}: {parts[0]} is not below {app}")
        elif not web and (parts[0] == "api" or set(parts[1:]) & {"views", "urls", "admin"}):
            found.append(f"{name} is a domain module and imports {module}")
    return found


@pytest.mark.parametrize(("app", "path"), list(modules()), ids=lambda value: getattr(value, "name", value))
def test_a_module_imports_only_from_below_and_domain_modules_no_views(app, path):
    assert violations(app, name_of(path), imported(path)) == []


def test_no_module_grows_long_without_saying_why():
    for _app, path in modules():
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > LONGEST:
            docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
            assert "long because" in docstring.lower(), f"{name_of(path)}: {lines} lines"


def test_the_rules_catch_what_they_forbid():
    assert violations("portal", "portal.views", {"procedures.models.Procedure"})
    assert violations("procedures", "procedures.interchange", {"dossiers.models"})
    assert violations("dossiers", "dossiers.workflow", {"citizens.applications"})
    assert violations("citizens", "citizens.feedback", {"reports.stats"})
    assert violations("dossiers", "dossiers.slips", {"dossiers.views.slips"})
    assert violations("procedures", "procedures.interchange", {"api.rest"})
    assert not violations("citizens", "citizens.views.dossiers", {"dossiers.views.counter", "dossiers.workflow"})
    assert not violations("portal", "portal.urls", {"citizens.views.home", "api.urls"})
