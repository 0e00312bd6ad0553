"""What each package may not import: a lower layer never reaches a higher one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "auditor"

FORBIDDEN = {
    "store": ("auditor.audit", "auditor.report", "auditor.cli"),
    "identify": ("auditor.verify", "auditor.audit", "auditor.store", "auditor.report"),
    "net": ("auditor.engines", "auditor.identify", "auditor.verify", "auditor.store", "auditor.audit"),
    "engines": ("auditor.verify", "auditor.store", "auditor.audit"),
    "verify": ("auditor.audit", "auditor.store"),
}


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_package_imports_a_layer_above_it(package: str) -> None:
    wrong = sorted(
        f"{path.relative_to(PACKAGE)}: {module}"
        for path in (PACKAGE / package).rglob("*.py")
        for module in imports(path)
        if module.startswith(FORBIDDEN[package])
    )
    assert wrong == []


def test_what_was_fetched_is_read_without_an_http_client() -> None:
    assert not any(module.startswith("httpx") for module in imports(PACKAGE / "net" / "fetched.py"))
    assert not any(module.startswith("httpx") for module in imports(PACKAGE / "net" / "text.py"))
