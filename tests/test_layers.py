"""The packages depend on each other in one direction (README, Layout): api on everything below
it; inspection and exports on serving and analysis; analysis and serving on the zoo only; and
nothing below api imports FastAPI. Read from the import statements themselves."""

import ast
from pathlib import Path

import pytest

BACKEND = Path(__file__).resolve().parents[1] / "backend"
# package -> backend packages it must not import
FORBIDDEN = {
    "zoo": {"analysis", "serving", "inspection", "exports", "api", "training", "source"},
    "analysis": {"serving", "inspection", "exports", "api", "training", "source"},
    # the code behind each model (issue 16): on analysis (its trace) and the zoo
    "source": {"serving", "inspection", "exports", "api", "training"},
    "serving": {"analysis", "inspection", "exports", "api", "training"},
    "inspection": {"exports", "api", "training"},
    "exports": {"inspection", "api", "training"},
    "i18n": {"zoo", "analysis", "serving", "inspection", "exports", "api", "training"},
}
WEB = {"fastapi", "starlette", "uvicorn"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def imports_of(package: str) -> dict[str, set[str]]:
    files = sorted((BACKEND / package).rglob("*.py"))
    assert files, package
    return {str(f.relative_to(BACKEND)): imported_modules(f) for f in files}


def backend_package(module: str) -> str | None:
    """ "serving" for backend.serving.images; None outside backend."""
    parts = module.split(".")
    return parts[1] if parts[0] == "backend" and len(parts) > 1 else None


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_import_points_upwards(package: str) -> None:
    upwards = {
        file: sorted(m for m in modules if backend_package(m) in FORBIDDEN[package])
        for file, modules in imports_of(package).items()
    }
    assert {file: modules for file, modules in upwards.items() if modules} == {}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_nothing_below_the_api_imports_the_web_framework(package: str) -> None:
    web = {
        file: sorted(m for m in modules if m.split(".")[0] in WEB)
        for file, modules in imports_of(package).items()
    }
    assert {file: modules for file, modules in web.items() if modules} == {}


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("from backend.serving.images import decode_image\nimport fastapi\n")
    assert imported_modules(source) == {"backend.serving.images", "fastapi"}
    assert backend_package("backend.serving.images") == "serving"
    assert backend_package("torch.nn") is None
