"""Benchmarks: how long the demo takes end to end, and how fast the engine parsers are.

Run with `make bench`; record what it prints, with the machine, in benchmarks/results.md.
"""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from auditor.engines.duckduckgo_html import parse_page
from auditor.net.fetched import Fetched

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
        parse_page(Fetched.of_text(text))
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), len(text)


PEOPLE_TIME_SCALE = "1.0"
"""Real intervals (the sandbox only answers): the sandbox's own x 0.02 makes CPU, not pacing, the bound."""


def time_people(count: int) -> dict[str, object]:
    """A workspace of `count` generated people in one run (benchmarks/people.py, in its own process)."""
    script = Path(__file__).resolve().parent / "people.py"
    command = [sys.executable, str(script), str(count), PEOPLE_TIME_SCALE]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    system = f"{platform.system()} {platform.release()}"
    print(f"machine: {platform.machine()}, {system}, Python {platform.python_version()}")
    demo_runs = [time_demo() for _ in range(3)]
    print(f"auditor demo (6 audits, sandbox): median {statistics.median(demo_runs):.1f} s over 3 runs")
    median, size = time_parser()
    print(f"duckduckgo_html parse of a {size / 1024:.0f} KiB page: median {median * 1000:.2f} ms over 200 runs")
    for count in (1, 10, 50, 200):
        found = time_people(count)
        print(
            f"workspace of {count} people (intervals x {found['time_scale']}): wall {found['wall']} s, "
            f"bound {found['bound']} s ({found['slowest_host']}), ratio {found['ratio']}, "
            f"{found['requests']} requests, closest gap {found['closest_gap_over_interval']} x interval "
            f"({found['closest_host']}), peak {found['peak_rss_mib']} MiB, exit {found['exit_code']}"
        )


if __name__ == "__main__":
    main()
