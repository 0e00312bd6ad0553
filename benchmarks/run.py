"""Benchmarks: how long the demo takes end to end, and how fast the engine parsers are.

Run with `make bench`; record what it prints, with the machine, in benchmarks/results.md.
"""

from __future__ import annotations

import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from auditor.engines.base import EngineResponse
from auditor.engines.duckduckgo_html import parse_page

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "duckduckgo_html"


def time_demo() -> float:
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "auditor", "demo", "--dir", directory, "--quiet"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return time.perf_counter() - started


def time_parser(rounds: int = 200) -> tuple[float, int]:
    pages = sorted(FIXTURE.glob("*.html"))
    if not pages:
        raise SystemExit(f"no DuckDuckGo fixtures in {FIXTURE}")
    text = max((p.read_text(encoding="utf-8") for p in pages), key=len)
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        parse_page(EngineResponse(200, text))
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), len(text)


def time_startup(rounds: int = 7) -> dict[str, float]:
    """Best-of-`rounds` wall time of commands that should answer at once, and of a bare interpreter (the
    ratio to it is what carries from one machine to another). The best run is the one the machine's other
    work disturbed least."""
    with tempfile.TemporaryDirectory() as directory:
        config = Path(directory) / "auditor.toml"
        subprocess.run(
            [sys.executable, "-m", "auditor", "init", "-c", str(config), "--name", "Jo Doe",
             "--site", "https://jodoe.example", "--profile", "github=https://github.com/jodoe"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        # A label creates the history's database, so that `history` reads one (empty of audits).
        subprocess.run(
            [sys.executable, "-m", "auditor", "label", "https://example.com/", "not-me", "-c", str(config)],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "auditor --help": [sys.executable, "-m", "auditor", "--help"],
            "auditor classify URL": [sys.executable, "-m", "auditor", "classify", "https://github.com/jodoe",
                                     "-c", str(config)],
            "auditor history": [sys.executable, "-m", "auditor", "history", "-c", str(config)],
        }  # fmt: skip
        best = {}
        for name, command in commands.items():
            samples = []
            for _ in range(rounds):
                started = time.perf_counter()
                subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
                samples.append(time.perf_counter() - started)
            best[name] = min(samples)
        return best


def print_startup() -> None:
    best = time_startup()
    bare = best["python -c pass"]
    for name, seconds in best.items():
        print(f"start-up, {name}: {seconds * 1000:.0f} ms, {seconds / bare:.1f}x a bare interpreter (best of 7)")


def main() -> None:
    system = f"{platform.system()} {platform.release()}"
    print(f"machine: {platform.machine()}, {system}, Python {platform.python_version()}")
    demo_runs = [time_demo() for _ in range(3)]
    print(f"auditor demo (6 audits, sandbox): median {statistics.median(demo_runs):.1f} s over 3 runs")
    median, size = time_parser()
    print(f"duckduckgo_html parse of a {size / 1024:.0f} KiB page: median {median * 1000:.2f} ms over 200 runs")
    print_startup()


if __name__ == "__main__":
    main()
