"""Check that `make demo` gave the demo as designed: every month complete but the one whose scenario breaks
an engine on purpose, which is partial. Usage: python scripts/check-demo.py demo/auditor.toml"""

from __future__ import annotations

import json
import subprocess
import sys

from auditor.sandbox import DEMO_SCENARIO, load_scenario


def main(config: str) -> int:
    scenario = load_scenario(DEMO_SCENARIO)
    # A fault on every request of the month breaks that engine (partial); one limited to the first few
    # requests is retried through (complete).
    expected = {
        m.as_of.isoformat(): "partial" if any(f.times is None for f in m.faults.values()) else "complete"
        for m in scenario.months
    }
    listed = subprocess.run(
        [sys.executable, "-m", "auditor", "history", "-c", config, "--json"], capture_output=True, text=True, check=True
    )
    found = {row["as_of"]: row["status"] for row in json.loads(listed.stdout)}
    if found != expected:
        for month in sorted(expected.keys() | found.keys()):
            mark = "" if found.get(month) == expected.get(month) else "   <- expected " + str(expected.get(month))
            print(f"{month}  {found.get(month)}{mark}", file=sys.stderr)
        print("The demo did not come out as designed (see the months marked above).", file=sys.stderr)
        return 1
    print(f"Demo as designed: {', '.join(f'{m} {s}' for m, s in sorted(found.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "demo/auditor.toml"))
