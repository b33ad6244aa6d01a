"""The layering rules, checked by reading the imports of the source files
(``ast``; nothing is imported or run): ``core`` is a leaf, and the domain
modules of ``dossiers`` know nothing of HTTP (routers and views are faces)."""

from __future__ import annotations

import ast
from pathlib import Path

import motcua

SRC = Path(motcua.__file__).parent

#: Project modules that are not apps: ``core`` may read its settings helper.
CORE_MAY_IMPORT = {"core", "env"}

#: The dossiers modules that are faces of the domain (HTTP in, HTTP out).
DOSSIER_FACES = {"api.py", "admin.py"}


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports (absolute names), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def _sources(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*.py")
        if "tests" not in p.relative_to(folder).parts
        and "migrations" not in p.relative_to(folder).parts
    )


def test_the_scan_sees_imports() -> None:
    # The checks below would pass vacuously if the scan found nothing.
    names = {name for path in _sources(SRC / "dossiers") for _line, name in _imports(path)}
    assert "motcua.core.errors" in names
    assert "django.db.transaction" in names


def test_core_imports_no_other_app() -> None:
    sources = _sources(SRC / "core")
    assert len(sources) > 10
    offending = [
        f"{path.relative_to(SRC)}:{line}: {name}"
        for path in sources
        for line, name in _imports(path)
        if name.startswith("motcua.") and name.split(".")[1] not in CORE_MAY_IMPORT
    ]
    assert offending == []


def test_the_dossiers_domain_knows_no_http() -> None:
    folder = SRC / "dossiers"
    domain = [p for p in _sources(folder) if p.relative_to(folder).as_posix() not in DOSSIER_FACES]
    assert {"services.py", "selectors.py", "engine.py"} <= {p.name for p in domain}
    offending = [
        f"{path.relative_to(SRC)}:{line}: {name}"
        for path in domain
        for line, name in _imports(path)
        if name.split(".")[:2] == ["django", "http"] or name.split(".")[0] == "ninja"
    ]
    assert offending == []


def test_every_data_file_of_the_package_is_installed() -> None:
    """A file the code reads at run time must be in the wheel: non-Python
    files outside templates/, static/, fixtures/ and locale/ must be named in
    pyproject's package-data (the installation guide installs the package,
    not an editable checkout)."""
    import tomllib

    root = Path(__file__).resolve().parents[2]
    pyproject = tomllib.loads((root.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["motcua"]
    folders = {"templates", "static", "fixtures", "locale", "__pycache__"}
    missing = [
        relative
        for path in root.rglob("*")
        if path.is_file()
        and path.suffix not in {".py", ".pyc"}
        and not folders & set(path.relative_to(root).parts)
        and (relative := path.relative_to(root).as_posix()) not in patterns
    ]
    assert missing == []
