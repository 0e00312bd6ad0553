"""`auditor engines` (what each engine costs, whether it is set up, what this month used) and
`auditor parse` (a saved engine response through the engine's own parser, for when markup changes)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from auditor.cli.common import DEFAULT_CONFIG, ConfigOption, PersonOption, app, out, print_table
from auditor.errors import UsageError

if TYPE_CHECKING:  # the rest is imported by each command when it runs: --help stays quick
    from auditor.config import Config
    from auditor.models import ParsedPage

PARSE_FAILED_EXIT = 3


@app.command("engines", short_help="Show each engine's set-up and this month's use.")
def engines_command(
    config: ConfigOption = DEFAULT_CONFIG,
    person: PersonOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON instead of text.")] = False,
) -> None:
    """Every engine: configured or not, key present or not (never its value), queries used this month."""
    from auditor.audit.workspace import person_config

    cfg = person_config(config, person)
    rows = engine_rows(cfg, os.environ, _used_this_month(cfg), dt.date.today())
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    # Plain lines, not a table: they read the same in a narrow terminal, a log or an e-mail from cron.
    out.print(f"{'engine':<16} {'configured':<11} {'key':<30} used this month / budget", highlight=False)
    for row in rows:
        key = "-"
        if row["needs_key"]:
            key = f"{row['key_env']} {'present' if row['key_present'] else 'absent'}"
        budget = "no limit" if row["monthly_budget"] is None else str(row["monthly_budget"])
        configured = "yes" if row["configured"] else "no"
        line = f"{row['name']:<16} {configured:<11} {key:<30} {row['used_this_month']} / {budget}"
        out.print(line, highlight=False, markup=False)
        for note in row["notes"]:
            out.print(f"  note: {note}", highlight=False, markup=False)


def engine_rows(
    cfg: Config, environ: dict[str, str] | os._Environ[str], used: dict[str, int], today: dt.date
) -> list[dict[str, Any]]:
    """One plain row per known engine, for `auditor engines` (the key's value never enters it)."""
    from auditor.engines import registry
    from auditor.engines.catalog import notes

    rows = []
    for spec in registry.specs():
        key_env = cfg.engines.key_env(spec.name)
        present = bool(environ.get(key_env, "").strip()) if key_env else None
        configured = spec.name in cfg.audit.engines
        remarks = list(notes(spec.name, today))
        if configured and key_env and not present:
            remarks.append(f"{key_env} is not set: the audit sends nothing to {spec.name} and records auth_error")
        remarks.extend(spec.remarks(cfg.engines.settings(spec.name)))
        rows.append(
            {
                "name": spec.name,
                "label": spec.label,
                "kind": spec.kind,
                "configured": configured,
                "needs_key": spec.needs_key,
                "key_env": key_env,
                "key_present": present,
                "used_this_month": used.get(spec.name, 0),
                "monthly_budget": cfg.engines.budget(spec.name),
                "cost": spec.cost,
                "limits": spec.limits,
                "notes": remarks,
            }
        )
    return rows


def _used_this_month(cfg: Config) -> dict[str, int]:
    from auditor.audit.budget import month_start
    from auditor.engines import registry

    if not cfg.database_path.exists():
        return {}  # no history yet: nothing used, and nothing is created just to say so
    from auditor.store import Store

    since = month_start(dt.datetime.now(dt.UTC))
    with Store.open(cfg.database_path, write=False) as store:
        return {name: store.engine_requests_since(name, since) for name in registry.names()}


@app.command("parse", short_help="Parse a saved engine response and print its results.")
def parse_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A saved engine response: HTML or JSON.")],
    engine: Annotated[str, typer.Option("--engine", help="The engine that answered it.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON instead of text.")] = False,
) -> None:
    """Parse a saved engine response (HTML or JSON) and print its results; exit 3 on a block or unreadable page."""
    from auditor.engines import registry

    if registry.find(engine) is None:
        raise UsageError(f"--engine: {registry.unknown_engine(engine)}")
    try:
        body = file.read_bytes()
    except OSError as exc:
        raise UsageError(f"{file}: cannot read ({exc.strerror or exc})") from None
    page = parse_saved(engine, body)
    results = [_result_data(r) for r in page.results]
    features = [
        {"kind": f.kind.value, "count": f.count, "title": f.title, "links": [link.url for link in f.links]}
        for f in page.features
    ]
    if as_json:
        data = {"engine": engine, "status": page.status.value, "detail": page.detail, "results": results}
        data["features"] = features
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        if results:
            rows = [(str(r["position"]), r["url"], r["title"], r["snippet"]) for r in results]
            print_table(("#", "url", "title", "snippet"), rows, whole=(1,))
        if features:
            shown = ", ".join(f"{f['kind']} ({f['title'] or f['count']})" for f in features)
            out.print(f"beyond the results: {shown}", highlight=False, markup=False)
        detail = f": {page.detail}" if page.detail else ""
        out.print(f"{engine}: {page.status.value}{detail}", highlight=False, markup=False)
    if not page.status.counts_in_score:
        raise typer.Exit(PARSE_FAILED_EXIT)


def parse_saved(engine: str, body: bytes | str) -> ParsedPage:
    """The engine's own parser on a saved body, as if it had just answered 200 (bytes are decoded as every
    answer is: BOM, `<meta charset>`, then detection); when nothing parses, say whether the file looks like
    another engine's answer."""
    from auditor.engines import registry
    from auditor.engines.sniff import looks_like
    from auditor.models import EngineStatus, ParsedPage
    from auditor.net.fetched import Fetched

    saved = Fetched("", "", 200, {}, body) if isinstance(body, bytes) else Fetched.of_text(body)
    page = registry.get(engine).parser(saved)
    if page.status is not EngineStatus.PARSE_FAILURE:
        return page
    other = looks_like(saved.text)
    if other is None or other == engine:
        return page
    return ParsedPage(
        EngineStatus.PARSE_FAILURE,
        detail=f"the file does not look like a {engine} response; it looks like a {other} response "
        f"({registry.label(other)}): try --engine {other}",
    )


def _result_data(result: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "position": result.position,
        "url": result.url,
        "title": result.title,
        "snippet": result.snippet,
    }
    if result.sources:
        data["engines"] = list(result.sources)
    if result.source_positions:
        data["positions"] = list(result.source_positions)
    return data
