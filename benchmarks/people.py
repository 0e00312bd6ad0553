"""One workspace run of N generated people on the sandbox, in its own process so that its peak memory is its
own: prints one JSON line (wall time, politeness bound, ratio, smallest gap against interval as the sandbox
and as the pacer timed it, hosts with requests the pacer never let go, how late the sandbox stamped an
exchange's end at most, peak RSS).

    python benchmarks/people.py N [TIME_SCALE]
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
from pathlib import Path

from auditor.audit.demo_people import PeopleDemo, run_people_demo


def _sandbox_late(demo: PeopleDemo) -> float:
    """How much later than the pacer the sandbox stamped the end of an exchange, at most: the pacer reads its
    clock once the answer is in, so a sandbox stamp after that was taken late (its thread waited for the CPU or
    the interpreter after writing), and a late end shortens the gap the sandbox measures by as much."""
    late = 0.0
    hosts = {e.host for e in demo.exchanges}
    for host in hosts:
        seen = sorted((e for e in demo.exchanges if e.host == host), key=lambda e: e.started)
        paced = sorted((s for s in demo.run.slots if s.host == host), key=lambda s: s.began)
        if len(seen) == len(paced):
            late = max(late, *(e.ended - s.ended for e, s in zip(seen, paced, strict=True)))
    return late


def main() -> None:
    count = int(sys.argv[1])
    scale = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    with tempfile.TemporaryDirectory() as directory:
        demo = run_people_demo(Path(directory), count, time_scale=scale)
    timed = [h for h in demo.hosts if h.interval > 0 and h.smallest_gap is not None]
    worst = min(timed, key=lambda h: h.smallest_gap / h.interval) if timed else None  # type: ignore[operator]
    paced = [h for h in demo.hosts if h.interval > 0 and h.paced_gap is not None]
    tightest = min(paced, key=lambda h: h.paced_gap / h.interval) if paced else None  # type: ignore[operator]
    print(
        json.dumps(
            {
                "people": count,
                "time_scale": scale,
                "wall": round(demo.wall_seconds, 2),
                "bound": round(demo.bound, 2),
                "ratio": round(demo.ratio or 0.0, 3),
                "requests": sum(h.requests for h in demo.hosts),
                "slowest_host": demo.slowest.host if demo.slowest else None,
                "closest_host": worst.host if worst else None,
                "closest_gap_over_interval": round(worst.smallest_gap / worst.interval, 3) if worst else None,  # type: ignore[operator]
                "paced_closest_host": tightest.host if tightest else None,
                "paced_gap_over_interval": round(tightest.paced_gap / tightest.interval, 4) if tightest else None,  # type: ignore[operator]
                "violations": [h.host for h in demo.paced_violations()],
                "sandbox_violations": [h.host for h in demo.sandbox_violations(tolerance=1.0)],
                "unpaced": [h.host for h in demo.unpaced()],
                "sandbox_end_late_ms": round(_sandbox_late(demo) * 1000, 1),
                "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "exit_code": demo.run.exit_code,
            }
        )
    )


if __name__ == "__main__":
    main()
