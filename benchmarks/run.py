"""Benchmarks: how long the demo takes end to end, how fast the engine parsers are, and how the commands
that read the history scale with it (6 monthly audits against 120).

Run with `make bench` (`--history` or `--startup` for that part alone, `--startup --python VENV/bin/python` for
an installed copy); record what it prints, with the machine, in benchmarks/results.md. Figures are wall-clock
times of the real command in a child process (Python's start and imports included), and the ratio of 120 audits
to 6 measured in the same run.
"""

from __future__ import annotations

import json
import os
import platform
import pty
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from auditor.engines.duckduckgo_html import parse_page
from auditor.net.fetched import Fetched

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "duckduckgo_html"
HISTORY_COMMANDS = (
    ("summary", ("summary",)),
    ("trends", ("trends", "--csv")),
    ("export", ("export", "-o", "export.csv")),
    ("compare", ("compare", "previous", "latest")),
    ("report", ("report", "latest")),
)
HISTORY_SIZES = (6, 120)


def time_demo() -> float:
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "auditor", "demo", "--dir", directory, "--quiet"],
            check=True,
            stdout=subprocess.DEVNULL,
            env=_this_tree(),
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


Timing = tuple[float, float]
"""(wall-clock seconds, CPU seconds): on a machine shared with other work the CPU time is the steadier."""


def time_history_commands(rounds: int = 3) -> dict[tuple[str, int], Timing]:
    """Median wall and CPU seconds of each history command over `rounds` runs, for each history size."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.history import grow_history

    timings: dict[tuple[str, int], Timing] = {}
    with tempfile.TemporaryDirectory() as directory:
        demo = Path(directory) / "demo"
        subprocess.run(
            [sys.executable, "-m", "auditor", "demo", "--dir", str(demo), "--quiet"],
            check=True,
            stdout=subprocess.DEVNULL,
            env=_this_tree(),
        )
        for size in HISTORY_SIZES:
            home = Path(directory) / f"history-{size}"
            home.mkdir()
            shutil.copyfile(demo / "auditor.toml", home / "auditor.toml")
            grow_history(demo / "auditor.db", home / "auditor.db", size)
            # One report first: `report latest` then rewrites files that exist, as it does month after month.
            _run(home, ("report", "latest"))
        for name, args in HISTORY_COMMANDS:
            for size in HISTORY_SIZES:
                home = Path(directory) / f"history-{size}"
                walls, cpus = [], []
                for _ in range(rounds):
                    before = _children_cpu()
                    started = time.perf_counter()
                    _run(home, args)
                    walls.append(time.perf_counter() - started)
                    cpus.append(_children_cpu() - before)
                timings[(name, size)] = (statistics.median(walls), statistics.median(cpus))
    return timings


def _run(home: Path, args: tuple[str, ...]) -> None:
    subprocess.run(
        [sys.executable, "-m", "auditor", *args, "-c", str(home / "auditor.toml")],
        check=True,
        cwd=home,
        stdout=subprocess.DEVNULL,
        env=_this_tree(),
    )


def _this_tree() -> dict[str, str]:
    """The environment that runs this checkout's `auditor`, whatever the interpreter has installed."""
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def print_history(timings: dict[tuple[str, int], Timing]) -> None:
    small, large = HISTORY_SIZES
    print(f"history commands, median of 3 runs, wall (CPU) seconds: {small} audits | {large} audits | CPU ratio")
    for name, _args in HISTORY_COMMANDS:
        (wall_a, cpu_a), (wall_b, cpu_b) = timings[(name, small)], timings[(name, large)]
        print(f"  {name:<8} {wall_a:5.2f} ({cpu_a:4.2f}) | {wall_b:5.2f} ({cpu_b:4.2f}) | {cpu_b / cpu_a:4.2f}x")


def time_startup(python: str | None = None, rounds: int = 15) -> dict[str, tuple[Timing, Timing]]:
    """Best and median wall and CPU time over `rounds` runs of commands that should answer at once, and of a
    bare interpreter (the ratio to it is what carries from one machine to another). The commands take turns,
    so that a slower minute of the machine falls on all of them; the best run is the one the machine's other
    work disturbed least, the median says how far the others were. Bytecode is written as a user's first run
    writes it (a `PYTHONDONTWRITEBYTECODE` in this shell is not passed on), and one untimed run of each
    command comes first. `python`: the interpreter of a venv where auditor was installed (`pip install .`, as a
    user installs it), run as it is; by default this checkout, with this interpreter."""
    env = {k: v for k, v in (os.environ if python else _this_tree()).items() if k != "PYTHONDONTWRITEBYTECODE"}
    python = python or sys.executable
    with tempfile.TemporaryDirectory() as directory:
        config = Path(directory) / "auditor.toml"
        person = ["--name", "Jo Doe", "--site", "https://jodoe.example", "--profile", "github=https://github.com/jodoe"]
        auditor = [python, "-m", "auditor"]
        subprocess.run([*auditor, "init", "-c", str(config), *person], check=True, stdout=subprocess.DEVNULL, env=env)
        # A label creates the history's database, so that `history` reads one (empty of audits).
        label = ["label", "https://example.com/", "not-me", "-c", str(config)]
        subprocess.run([*auditor, *label], check=True, stdout=subprocess.DEVNULL, env=env)
        commands = {
            "python -c pass": ([python, "-c", "pass"], False),
            "auditor --help": ([*auditor, "--help"], False),
            "auditor classify URL": ([*auditor, "classify", "https://github.com/jodoe", "-c", str(config)], False),
            "auditor history": ([*auditor, "history", "-c", str(config)], False),
            # In a terminal the history is a drawn table (rich); in a pipe, tab-separated lines.
            "auditor history (tty)": ([*auditor, "history", "-c", str(config)], True),
        }
        samples: dict[str, list[Timing]] = {name: [] for name in commands}
        for round_ in range(rounds + 1):
            for name, (command, tty) in commands.items():
                timing = _run_once(command, tty=tty, cwd=directory, env=env)
                if round_:
                    samples[name].append(timing)
        return {
            name: (
                (min(w for w, _ in runs), min(c for _, c in runs)),
                (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)),
            )
            for name, runs in samples.items()
        }


def _run_once(command: list[str], *, tty: bool, cwd: str, env: dict[str, str]) -> Timing:
    """One run's wall and CPU time; with `tty`, its output goes to a pseudo-terminal (read back as it comes)."""
    before = _children_cpu()
    started = time.perf_counter()
    if not tty:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, env=env)
    else:
        main, child = pty.openpty()
        with subprocess.Popen(command, stdout=child, stderr=subprocess.DEVNULL, cwd=cwd, env=env) as process:
            os.close(child)
            while True:
                try:
                    if not os.read(main, 65536):
                        break
                except OSError:  # the child closed its end
                    break
        os.close(main)
        if process.returncode:
            raise subprocess.CalledProcessError(process.returncode, command)
    return time.perf_counter() - started, _children_cpu() - before


def print_startup(python: str | None) -> None:
    timings = time_startup(python)
    (bare, bare_cpu), _ = timings["python -c pass"]
    where = f"installed, {python}" if python else "this checkout"
    print(f"start-up ({where}), best and median of 15 runs (load average {os.getloadavg()[0]:.1f}):")
    for name, ((wall, cpu), (median_wall, median_cpu)) in timings.items():
        print(
            f"  {name:<22} wall {wall * 1000:4.0f} ms ({wall / bare:4.1f}x a bare interpreter; median "
            f"{median_wall * 1000:4.0f} ms), CPU {cpu * 1000:4.0f} ms ({cpu / bare_cpu:4.1f}x; median "
            f"{median_cpu * 1000:4.0f} ms)"
        )


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
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {system}, Python {platform.python_version()}")
    if "--startup" in sys.argv[1:]:
        # `--startup --python VENV/bin/python`: the same commands as installed in that venv.
        given = sys.argv.index("--python") + 1 if "--python" in sys.argv else None
        print_startup(sys.argv[given] if given else None)
        return
    print(f"load average before the history commands: {os.getloadavg()[0]:.1f}")
    print_history(time_history_commands())
    if "--history" in sys.argv[1:]:
        return
    demo_runs = [time_demo() for _ in range(3)]
    print(f"auditor demo (6 audits, sandbox): median {statistics.median(demo_runs):.1f} s over 3 runs")
    median, size = time_parser()
    print(f"duckduckgo_html parse of a {size / 1024:.0f} KiB page: median {median * 1000:.2f} ms over 200 runs")
    print_startup(None)
    for count in (1, 10, 50, 200):
        found = time_people(count)
        print(
            f"workspace of {count} people (intervals x {found['time_scale']}): wall {found['wall']} s, "
            f"bound {found['bound']} s ({found['slowest_host']}), ratio {found['ratio']}, "
            f"{found['requests']} requests, closest gap {found['closest_gap_over_interval']} x interval "
            f"({found['closest_host']}) as the sandbox stamped it, {found['paced_gap_over_interval']} x interval "
            f"({found['paced_closest_host']}) as the pacer did, unpaced hosts {found['unpaced'] or 'none'}, "
            f"peak {found['peak_rss_mib']} MiB, exit {found['exit_code']}"
        )


if __name__ == "__main__":
    main()
