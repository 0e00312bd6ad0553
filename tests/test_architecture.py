"""The import rules of ARCHITECTURE.md: each package of `auditor/` imports only the packages its layer allows.

Every `import` counts, late ones inside functions and type-only ones included: a late import hides a dependency
from the reader, it does not remove it. A new package or top-level module must be given a row here (the test
fails until it is), so the map in ARCHITECTURE.md and the code cannot drift apart.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "auditor"

BASE = {"errors", "models"}
ALLOWED: dict[str, set[str]] = {
    # What each part may import besides itself and the root package (`auditor.USER_AGENT`, `__version__`).
    "errors": set(),
    "models": set(),
    "identify": BASE | {"net.fetched"},  # what a fetched page holds, never how it is fetched
    "net": BASE,
    "engines": BASE | {"identify", "net"},
    "config": BASE | {"identify", "engines"},
    "verify": BASE | {"identify", "net", "config"},
    "scoring": BASE | {"identify", "config"},
    "store": BASE | {"identify", "net", "verify"},
    "report": BASE | {"identify", "engines", "config", "scoring", "store"},
    "notify": BASE | {"identify", "net", "config", "report"},
    "sandbox": BASE | {"identify", "engines", "config"},
    "audit": BASE | {"identify", "net", "engines", "config", "verify", "scoring", "store", "report", "sandbox"},
    "cli": BASE
    | {"identify", "net", "engines", "config", "verify", "scoring", "store", "report", "sandbox", "audit", "notify"},
    "__main__": {"cli"},
}
TOP_LEVEL_MODULES = {"__init__", "__main__", "config", "errors", "models"}
"""The only modules at the top of `auditor/`: everything else lives in the folder of its stage."""


def _part(path: Path) -> str:
    relative = path.relative_to(PACKAGE).with_suffix("")
    return relative.parts[0]


def _imported_parts(path: Path) -> Iterator[tuple[int, str]]:
    """(line, part of auditor) for every import of an `auditor.X` module in `path`; `X.Y` for a module of a
    package (`net.fetched`), so that a rule may allow one module of a package without the rest."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] if node.module != "auditor" else [f"auditor.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "auditor" and len(parts) > 1 and _exists(parts[1]):
                yield node.lineno, ".".join(parts[1:3])


def _exists(part: str) -> bool:
    return (PACKAGE / part).is_dir() or (PACKAGE / f"{part}.py").is_file()


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def test_every_part_of_the_package_has_import_rules() -> None:
    parts = {_part(p) for p in _sources()}
    assert parts - set(ALLOWED) == set(), "add the new package to ALLOWED and to ARCHITECTURE.md"


def test_only_a_handful_of_modules_at_the_top() -> None:
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top <= TOP_LEVEL_MODULES, f"move {sorted(top - TOP_LEVEL_MODULES)} into the folder of its stage"


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_layers(path: Path) -> None:
    own = _part(path)
    allowed = ALLOWED.get(own, set()) | {own}
    wrong = [
        f"line {line}: imports auditor.{part}"
        for line, part in _imported_parts(path)
        if part not in allowed and part.split(".")[0] not in allowed
    ]
    assert wrong == [], f"{own} may import only {sorted(allowed)}"


def test_the_rules_catch_a_lower_layer_importing_a_higher_one(tmp_path: Path) -> None:
    # The checker itself: a module of `net` that reaches into `store` is reported, a late import included.
    source = tmp_path / "sample.py"
    source.write_text("import auditor.errors\n\ndef f():\n    from auditor.store import Store\n", encoding="utf-8")
    found = list(_imported_parts(source))
    assert found == [(1, "errors"), (4, "store")]
    assert [part for _, part in found if part not in ALLOWED["net"] | {"net"}] == ["store"]
    source.write_text("from auditor.net.client import HttpClient\nfrom auditor.net.fetched import Fetched\n")
    found = list(_imported_parts(source))
    assert [part for _, part in found if part not in ALLOWED["identify"]] == ["net.client"]


def test_what_was_fetched_is_read_without_an_http_client() -> None:
    # `Fetched` is the data every stage reads (identify, verify, engines): it must not drag the HTTP stack along.
    for module in ("fetched.py", "text.py"):
        tree = ast.parse((PACKAGE / "net" / module).read_text(encoding="utf-8"))
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not any(name.startswith("httpx") for name in imported), module
