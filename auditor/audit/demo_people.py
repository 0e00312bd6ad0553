"""`auditor demo --people N`: a generated workspace of N invented people audited in one run on the sandbox,
measured against the run's politeness bound.

The bound is what pacing alone costs: for each host, the requests it actually received (the sandbox's log)
times its interval (scaled as the sandbox scales it); the run can end no sooner than its slowest host. The
ratio wall / bound says how close interleaving people gets to it. That the pacing held is shown from both
ends: the pacer's own stamps give, per host, a smallest gap that can only be shorter than the one the host
saw (so at or above the interval, it proves it), and the sandbox's log shows that every request it received
went through the pacer. The sandbox's own stamps of the gaps are reported too, for what they are: a thread
that stamps after it wrote, late on a loaded machine. Every name, site and page here is invented.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.audit.agency import RunProgress, WorkspaceRun, audit_workspace
from auditor.audit.workspace import load_workspace
from auditor.errors import UsageError
from auditor.net.client import SANDBOX_TIME_SCALE
from auditor.net.pacer import Slot
from auditor.sandbox import Sandbox, load_scenario
from auditor.sandbox.server import Exchange

FIRST = (
    "Alice", "Benoît", "Chloé", "Denis", "Élodie", "François", "Gabrielle", "Hugo", "Inès", "Julien",
    "Karine", "Louis", "Maëlle", "Nicolas", "Océane", "Pierre", "Rosalie", "Samuel", "Thérèse", "Vincent",
)  # fmt: skip
LAST = ("Arsenault", "Bélanger", "Cloutier", "Dubé", "Fortin", "Gagnon", "Hébert", "Lapointe", "Morin", "Ouellet",
        "Paquette", "Roy", "Simard", "Thibault", "Vachon")  # fmt: skip
SEARX_HOST = "searx.sandbox.example"
AS_OF = "2026-06-01"
CLOCK_RESOLUTION = time.get_clock_info("monotonic").resolution
"""What the pacing proof allows: the pacer and its stamps read this clock (1 ns on Linux)."""


@dataclass(frozen=True)
class HostFigures:
    host: str
    requests: int
    """Requests the host received (the sandbox's log), robots.txt included: it is paced like any other."""
    interval: float
    """Seconds, scaled as the run paced it."""
    smallest_gap: float | None
    """Seconds between the end of one exchange and the start of the next as the sandbox stamped them; None with
    fewer than two. Informative only: the sandbox stamps an exchange's end once its thread runs again, which on a
    loaded machine can be after the client already had the answer, and that shortens the gap it measures."""
    paced: int = 0
    """Requests the pacer let go to this host: equal to `requests` when nothing reached the host around it."""
    paced_gap: float | None = None
    """The smallest gap as the pacer timed it, from the end of one exchange (read after the answer was in) to
    the start of the next (read before it was sent): never longer than the gap the host saw, so a figure at
    or above the interval proves the host saw no two requests closer."""

    @property
    def bound(self) -> float:
        return self.requests * self.interval


@dataclass(frozen=True)
class PeopleDemo:
    people: int
    run: WorkspaceRun
    wall_seconds: float
    hosts: list[HostFigures]
    exchanges: list[Exchange]
    """The sandbox's log of the run."""

    @property
    def bound(self) -> float:
        return max((h.bound for h in self.hosts), default=0.0)

    @property
    def ratio(self) -> float | None:
        return self.wall_seconds / self.bound if self.bound > 0 else None

    @property
    def slowest(self) -> HostFigures | None:
        return max(self.hosts, key=lambda h: h.bound, default=None)

    def paced_violations(self) -> list[HostFigures]:
        """Hosts with an interval where the pacer let two requests go closer than it (clock resolution aside)."""
        return [
            h for h in self.hosts
            if h.interval > 0 and h.paced_gap is not None and h.paced_gap < h.interval - CLOCK_RESOLUTION
        ]  # fmt: skip

    def unpaced(self) -> list[HostFigures]:
        """Hosts that received requests the pacer never let go (a path around it): the proof needs none."""
        return [h for h in self.hosts if h.requests != h.paced]

    def sandbox_violations(self, tolerance: float) -> list[HostFigures]:
        """Hosts where the sandbox's stamps show two requests closer than `tolerance` x the interval."""
        return [
            h for h in self.hosts
            if h.interval > 0 and h.smallest_gap is not None and h.smallest_gap < h.interval * tolerance
        ]  # fmt: skip


def person_name(index: int) -> str:
    first, last = FIRST[index % len(FIRST)], LAST[(index // len(FIRST)) % len(LAST)]
    round_ = index // (len(FIRST) * len(LAST))
    return f"{first} {last}" if round_ == 0 else f"{first} {last}-{round_ + 1}"


def _slug(index: int) -> str:
    return f"p{index + 1:03d}"


def generate(count: int) -> tuple[str, str]:
    """The scenario and the workspace of `count` people: each has a site and a GitHub profile; every third shares
    their name with a namesake ranked among their results; every seventh has a site that answers HTTP 500 and
    every fifth a GitHub profile that does not link back."""
    results: list[str] = []
    rankings_ddg: list[str] = []
    rankings_searx: list[str] = []
    pages: list[str] = []
    people: list[str] = []
    for index in range(count):
        slug, name = _slug(index), person_name(index)
        site, github = f"https://{slug}.sandbox-people.ca/", f"https://github.com/{slug}-dev"
        q = json.dumps
        results.append(f"[results.{slug}_site]\nurl = {q(site)}\ntitle = {q(name + ' | Site')}\nsnippet = {q(name)}\n")
        results.append(f"[results.{slug}_gh]\nurl = {q(github)}\ntitle = {q(f'{slug}-dev ({name}) · GitHub')}\n")
        ranked = [f"{slug}_site", f"{slug}_gh"]
        if index % 3 == 2:
            other = f"https://{slug}-homonyme.sandbox-people.ca/"
            results.append(f"[results.{slug}_namesake]\nurl = {q(other)}\ntitle = {q(name + ' - notaire')}\n")
            ranked.insert(0, f"{slug}_namesake")
            pages.append(f"[months.pages.{q(other)}]\ntitle = {q(name + ' - notaire')}\nname = {q(name)}\n")
        rankings_ddg.append(f"{q(name)} = {q(ranked)}")
        rankings_searx.append(f"{q(name)} = {q(list(reversed(ranked)))}")
        fault = '\nfault = "http_500"' if index % 7 == 6 else ""
        pages.append(
            f"[months.pages.{q(site)}]\ntitle = {q(name)}\nname = {q(name)}\nme = [{q(github)}]\n"
            f"person = {q(name)}\nsame_as = [{q(github)}]{fault}\n"
        )
        website = "" if index % 5 == 4 else site.rstrip("/")
        pages.append(f'[months.pages.{q(github)}]\nkind = "github"\nname = {q(name)}\nwebsite = {q(website)}\n')
        people.append(
            f"[people.{slug}]\nname = {q(name)}\nsite = {q(site.rstrip('/'))}\n\n"
            f"[people.{slug}.profiles]\ngithub = {q(github)}\n"
        )
    scenario = "\n".join(
        [
            f'[scenario]\nname = "people"\nconfig = "workspace.toml"\nsearxng_host = "{SEARX_HOST}"\n'
            'searxng_engines = ["brave", "qwant"]\ntimeout_seconds = 5\n',
            *results,
            f"[[months]]\nas_of = {AS_OF}\n",
            "[months.rankings.duckduckgo_html]\n" + "\n".join(rankings_ddg) + "\n",
            "[months.rankings.searxng]\n" + "\n".join(rankings_searx) + "\n",
            *pages,
        ]
    )
    workspace = "\n".join(
        [
            *people,
            '[audit]\nengines = ["duckduckgo_html", "searxng"]\ndepth = 20\n',
            f'[engines.searxng]\nurl = "https://{SEARX_HOST}"\n',
            '[storage]\nhistory_dir = "history"\nreports_dir = "reports"\n',
            '[report]\nlang = "fr"\n',
        ]
    )
    return scenario, workspace


def run_people_demo(
    directory: Path,
    count: int,
    *,
    progress: Callable[[RunProgress], object] = lambda event: None,
    time_scale: float = SANDBOX_TIME_SCALE,
) -> PeopleDemo:
    """Write the generated workspace into `directory` (from a clean history), audit everyone in one run on the
    sandbox, and measure the run against its politeness bound. `time_scale` shrinks every interval (the
    sandbox's by default; the benchmark uses a larger one, closer to real pacing)."""
    if count < 1:
        raise UsageError(f"--people: expected at least 1, got {count}")
    scenario_text, workspace_text = generate(count)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for stale in ("history", "reports"):
            shutil.rmtree(directory / stale, ignore_errors=True)
        (directory / "people.scenario.toml").write_text(scenario_text, encoding="utf-8")
        (directory / "workspace.toml").write_text(workspace_text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{directory}: cannot write the demo there ({exc.strerror})") from None
    workspace = load_workspace(directory / "workspace.toml")
    with Sandbox(load_scenario(directory / "people.scenario.toml")) as sandbox:
        started = time.monotonic()
        run = audit_workspace(
            workspace,
            list(workspace.people),
            as_of=dt.date.fromisoformat(AS_OF),
            sandbox_url=sandbox.url,
            time_scale=time_scale,
            progress=progress,
        )
        wall = time.monotonic() - started
        exchanges = sandbox.exchanges
    scaled = {host: interval * time_scale for host, interval in run.intervals.items()}
    return PeopleDemo(count, run, wall, host_figures(exchanges, scaled, run.slots), exchanges)


def host_figures(
    exchanges: Sequence[Exchange], intervals: dict[str, float], slots: Sequence[Slot] = ()
) -> list[HostFigures]:
    """Per host: requests received, its interval, and the smallest gap between the end of one exchange and the
    start of the next, as the sandbox stamped them and as the pacer did (`slots`)."""
    by_host: dict[str, list[Exchange]] = defaultdict(list)
    for exchange in exchanges:
        by_host[exchange.host].append(exchange)
    paced: dict[str, list[Slot]] = defaultdict(list)
    for slot in slots:
        paced[slot.host].append(slot)
    figures = []
    for host, seen in sorted(by_host.items()):
        seen.sort(key=lambda e: e.started)
        gaps = [b.started - a.ended for a, b in itertools.pairwise(seen)]
        mine = sorted(paced.get(host, []), key=lambda s: s.began)
        paced_gaps = [b.began - a.ended for a, b in itertools.pairwise(mine)]
        figures.append(
            HostFigures(
                host,
                len(seen),
                intervals.get(host, 0.0),
                min(gaps) if gaps else None,
                len(mine),
                min(paced_gaps) if paced_gaps else None,
            )
        )
    return figures
