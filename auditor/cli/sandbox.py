"""`auditor sandbox` and `auditor demo`: the local web that stands in for the internet."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from auditor.cli.common import app, err, interrupted, invocation, out, progress_printer, say
from auditor.errors import UsageError


@app.command("sandbox", short_help="Run the local sandbox web alone and print its URL.")
def sandbox_command(
    scenario: Annotated[
        str, typer.Option(help="The scenario to serve: demo, minimal, or a scenario TOML file.")
    ] = "demo",
    port: Annotated[int, typer.Option(help="The port to listen on, on 127.0.0.1; 0 picks a free one.")] = 0,
    month: Annotated[int, typer.Option(help="The month of the scenario to serve first, counted from 0.")] = 0,
) -> None:
    """Run the sandbox web alone and print its URL (for tests, benchmarks, trying things)."""
    import time

    from auditor.sandbox import Sandbox, load_scenario

    packaged = resources.files("auditor.sandbox").joinpath("scenarios", f"{scenario}.toml")
    path = Path(str(packaged)) if packaged.is_file() else Path(scenario)
    if not path.is_file():
        raise UsageError(f"--scenario: {scenario!r} is neither a packaged scenario (demo, minimal) nor a file")
    loaded = load_scenario(path)
    with Sandbox(loaded, port=port) as sb:
        sb.set_month(month)
        out.print(sb.url, highlight=False)
        err.print(f"Serving {len(loaded.months)} months; Ctrl-C to stop. Try: {invocation()} audit --sandbox {sb.url}")
        sys.stdout.flush()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


@app.command(short_help="Run six monthly audits of a fictional person.")
def demo(
    directory: Annotated[
        Path, typer.Option("--dir", help="The directory for the demo's config, database and reports.")
    ] = Path("demo"),
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No progress output (as the global -q).")] = False,
    people: Annotated[
        int | None,
        typer.Option(
            "--people",
            help="Instead: a generated workspace of N people (1 or more) in one run, timed against its bound.",
        ),
    ] = None,
) -> None:
    """Start the sandbox and run six monthly audits of a fictional person, then print the report's path."""
    if people is not None:
        from auditor.cli.workspace import people_demo

        if people < 1:
            raise UsageError(f"--people: {people} people is no workspace; give 1 or more")
        people_demo(directory, people, quiet)
        return
    from auditor.audit.demo import run_demo

    try:
        outcome = run_demo(directory, progress=progress_printer(True), announce=None if quiet else say)
    except KeyboardInterrupt:
        raise interrupted(
            f"the demo stopped part-way; `{invocation()} demo --dir {directory}` runs it again from the start"
        ) from None
    out.print(f"\nLatest report: {outcome.paths.latest}", highlight=False)
    out.print(f"All audits:    {outcome.paths.index}", highlight=False)
    out.print(f"Explore:       {invocation()} history -c {directory / 'auditor.toml'}", highlight=False)
