"""The package installs without the repository: every file it reads at run time is package data."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "auditor"


def shipped() -> set[Path]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = pyproject["tool"]["setuptools"]["package-data"]["auditor"]
    return {path for pattern in globs for path in PACKAGE.glob(pattern) if path.is_file()}


def test_package_data_covers_every_file_that_is_not_python() -> None:
    data = {
        path
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    }
    assert data, "no data file found: the package moved?"
    missing = sorted(str(p.relative_to(ROOT)) for p in data - shipped())
    assert missing == [], f"add these to [tool.setuptools.package-data] in pyproject.toml: {missing}"


def test_metadata_names_where_the_project_lives() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert {"Homepage", "Source", "Issues"} <= set(project["urls"])
    assert project["authors"] and project["classifiers"]
    assert any(c.startswith("Programming Language :: Python :: 3.11") for c in project["classifiers"])
