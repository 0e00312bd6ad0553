"""Check the parsers against real recorded engine responses: `make check-reference REF=DIR`.

DIR is laid out as `<engine>/<file>` (HTML, JSON, or a raw `.http` response with its status line and
headers). Each file goes through its engine's own parser and is compared with what a person wrote down by
reading the recording (`tests/reference_expected.toml`: status, count, first and last URL, and where written
down the blocks beyond the organic results and the knowledge panel's title), so that the
project's own fixtures cannot drift from real pages unnoticed. The recordings are only read, never copied.
Folders that are not engines (profile recordings) are listed and left alone.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.engines import registry
from auditor.net.fetched import Fetched

DEFAULT_EXPECTED = Path("tests/reference_expected.toml")


@dataclass(frozen=True)
class Outcome:
    name: str
    problems: tuple[str, ...]
    said: str

    @property
    def passed(self) -> bool:
        return not self.problems


def recorded_response(path: Path, status: int) -> Fetched:
    """The file as the engine's answer: a raw `.http` recording keeps its own status and headers."""
    raw = path.read_bytes()
    if path.suffix != ".http":
        return Fetched("", "", status, {}, raw)
    head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    status_line, *header_lines = head.decode("latin-1").split("\n")
    code = int(status_line.split()[1])
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Fetched("", "", code, headers, body)


def check_file(root: Path, name: str, expected: Mapping[str, Any]) -> Outcome:
    engine = name.split("/", 1)[0]
    page = registry.get(engine).parser(recorded_response(root / name, int(expected.get("http_status", 200))))
    urls = [result.url for result in page.results]
    panels = [f.title for f in page.features if f.kind.value == "knowledge_panel"]
    seen: dict[str, object] = {
        "status": page.status.value,
        "count": len(urls),
        "first": urls[0] if urls else "",
        "last": urls[-1] if urls else "",
        # The blocks beyond the organic results, kind -> items (`features = { people_also_ask = 4 }`).
        "features": {f.kind.value: f.count for f in page.features},
        "panel": panels[0] if panels else "",
    }
    problems = tuple(
        f"{key} {seen[key]!r}, expected {expected[key]!r}"
        for key in seen
        if key in expected and seen[key] != expected[key]
    )
    detail = f" ({page.detail})" if page.detail else ""
    return Outcome(name, problems, f"{page.status.value}, {len(urls)} results{detail}")


def check(root: Path, table: Mapping[str, Mapping[str, Any]]) -> tuple[list[Outcome], list[str]]:
    """Every engine recording under `root` against `table`; also the folders that were not checked."""
    outcomes: list[Outcome] = []
    skipped: list[str] = []
    listed = set(table)
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if registry.find(folder.name) is None:
            skipped.append(f"{folder.name}/: not an engine, not checked")
            continue
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            name = f"{folder.name}/{path.name}"
            listed.discard(name)
            expected = table.get(name)
            if expected is None:
                outcomes.append(Outcome(name, ("not in the expected table: read it and write down its results",), ""))
            elif "skip" in expected:
                skipped.append(f"{name}: {expected['skip']}")
            else:
                outcomes.append(check_file(root, name, expected))
    for name in sorted(listed):
        outcomes.append(Outcome(name, ("in the expected table but not in the folder",), ""))
    return outcomes, skipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="check-reference", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="recordings laid out as <engine>/<file>")
    parser.add_argument("--expected", type=Path, default=DEFAULT_EXPECTED, help="the hand-written expected table")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"check-reference: {args.folder}: no such folder", file=sys.stderr)
        return 2
    with args.expected.open("rb") as handle:
        table = tomllib.load(handle).get("files", {})
    outcomes, skipped = check(args.folder, table)
    for outcome in outcomes:
        mark = "ok  " if outcome.passed else "FAIL"
        said = "; ".join(outcome.problems) if outcome.problems else outcome.said
        print(f"{mark} {outcome.name}: {said}")
    for line in skipped:
        print(f"skip {line}")
    failed = sum(not outcome.passed for outcome in outcomes)
    print(f"{len(outcomes) - failed} of {len(outcomes)} recordings parse as expected")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
