"""A workspace: one config file for many people, sharing every setting but who they are.

    [people.emilie-tremblay]          # the table's key is the person's slug (a-z, 0-9, -)
    name = "Émilie Tremblay"
    site = "https://emilietremblay.ca"
    [people.emilie-tremblay.profiles]
    github = "https://github.com/etremblay"

    [audit] / [engines.*] / [http] / [scoring] / [report] / [notify]   # as in a one-person config, shared by all
    [storage]
    history_dir = "history"           # one database per person: history/SLUG.db
    reports_dir = "reports"

Each person becomes an ordinary `Config`, so every command that works on one person works unchanged on one
person of a workspace, and one person's history never sits in another's database. A file with `[person]` is a
one-person config as before; a file with `[people.*]` is a workspace.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from auditor.config import Config, load_config, validate
from auditor.config.problems import causes_first, location, message
from auditor.errors import ConfigError, UsageError
from auditor.report.paths import slugify

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
SHARED = ("audit", "engines", "http", "scoring", "report", "notify")
_STORAGE_KEYS = {"history_dir", "reports_dir"}
_PERSON_HEADER = re.compile(r"^\s*\[\s*people\s*\.\s*(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+)\s*\]", re.MULTILINE)


@dataclass(frozen=True)
class Workspace:
    path: Path
    people: dict[str, Config]
    """Each person's config by slug, in the file's order."""
    history_dir: Path

    def person(self, slug: str) -> Config:
        found = self.people.get(slug)
        if found is None:
            raise UsageError(f"--person: no person {slug!r} in {self.path} (people: {', '.join(self.people)})")
        return found

    def inactive(self) -> list[str]:
        """Slugs with a history here but no longer in the workspace: kept, never deleted."""
        if not self.history_dir.is_dir():
            return []
        return sorted(p.stem for p in self.history_dir.glob("*.db") if p.stem not in self.people)


def is_workspace(path: Path) -> bool:
    """Whether `path` holds `[people.*]` (a quick look; the full check is `load_workspace`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return _PERSON_HEADER.search(text) is not None or re.search(r"^\s*people\s*=", text, re.MULTILINE) is not None


def load_workspace(path: Path, *, engines: bool = True) -> Workspace:
    """Read and check a workspace. Bad input (a slug twice, an unknown key, a site that is not a URL) raises
    ConfigError naming the file and the person: nobody is audited. `engines` as in `config.parse_config`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    # TOML itself refuses a table defined twice, but its message names a line, not the person.
    slugs = Counter(m.group(1).strip("\"'") for m in _PERSON_HEADER.finditer(text))
    twice = [slug for slug, count in slugs.items() if count > 1]
    if twice:
        raise ConfigError(f"{path}: people.{twice[0]}: the same person (slug) is listed twice")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    if "person" in data:
        raise ConfigError(f"{path}: person: a workspace lists its people under [people.SLUG], not [person]")
    people = data.get("people")
    if not isinstance(people, dict) or not people:
        raise ConfigError(f"{path}: people: list at least one person as [people.SLUG]")
    storage = data.get("storage", {})
    if not isinstance(storage, dict):
        raise ConfigError(f"{path}: storage: expected a table")
    unknown = sorted(set(storage) - _STORAGE_KEYS)
    if unknown:
        raise ConfigError(
            f"{path}: storage.{unknown[0]}: unknown key in a workspace (use history_dir and reports_dir: "
            "one database per person)"
        )
    top = sorted(set(data) - {"people", "storage", *SHARED})
    if top:
        raise ConfigError(f"{path}: {top[0]}: unknown key (a workspace holds people, storage, {', '.join(SHARED)})")
    history_dir = str(storage.get("history_dir", "history"))
    reports_dir = str(storage.get("reports_dir", "reports"))
    base_dir = path.resolve().parent
    configs: dict[str, Config] = {}
    for slug, entry in people.items():
        configs[slug] = _person_config(path, slug, entry, data, (history_dir, reports_dir, base_dir), engines)
    # Reports go to REPORTS/<name as a folder>: two people of one name would overwrite each other's pages.
    folders = Counter(slugify(c.person.name) for c in configs.values())
    for slug, cfg in configs.items():
        if folders[slugify(cfg.person.name)] > 1:
            raise ConfigError(f"{path}: people.{slug}: another person has the same name ({cfg.person.name!r})")
    return Workspace(path, configs, (base_dir / history_dir).resolve())


def _person_config(
    path: Path, slug: str, entry: Any, data: dict[str, Any], where_kept: tuple[str, str, Path], engines: bool
) -> Config:
    history_dir, reports_dir, base_dir = where_kept
    where = f"people.{slug}"
    if not SLUG.match(slug):
        raise ConfigError(f"{path}: {where}: a slug is lower-case letters, digits and dashes (e.g. emilie-tremblay)")
    if not isinstance(entry, dict):
        raise ConfigError(f"{path}: {where}: expected a table")
    person = {k: v for k, v in entry.items() if k != "profiles"}
    one = {
        "person": person,
        "profiles": entry.get("profiles", {}),
        **{key: data[key] for key in SHARED if key in data},
        "storage": {"database": f"{history_dir}/{slug}.db", "reports_dir": reports_dir},
    }
    try:
        return validate(one, base_dir=base_dir, engines=engines)
    except ValidationError as exc:
        # As a one-person config words it (the cause first), under the person: only the first problem.
        first = causes_first(exc)[0]
        where_in_file = location(first)
        if where_in_file.startswith("person."):
            where_in_file = f"{where}.{where_in_file.removeprefix('person.')}"
        elif where_in_file.startswith("profiles"):
            where_in_file = f"{where}.{where_in_file}"
        else:
            where_in_file = f"{where_in_file} (person {slug})"
        raise ConfigError(f"{path}: {where_in_file}: {message(first)}") from None


def person_config(path: Path, slug: str | None, *, engines: bool = True) -> Config:
    """The config of one person: the file itself for a one-person config, the person `slug` of a workspace.
    `engines=False` for a command that asks no engine (`config.parse_config`)."""
    if path.exists() and is_workspace(path):
        workspace = load_workspace(path, engines=engines)
        if slug is None:
            raise UsageError(
                f"{path} is a workspace: name the person with --person SLUG (people: {', '.join(workspace.people)})"
            )
        return workspace.person(slug)
    if slug is not None:
        config = load_config(path, engines=engines)  # its own errors first: a missing file says so
        raise UsageError(f"--person: {path} is a one-person config (of {config.person.name}), not a workspace")
    return load_config(path, engines=engines)
