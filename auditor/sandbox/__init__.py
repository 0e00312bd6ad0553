"""A local web for tests and the demo: search engines, profile sites and the person's site on 127.0.0.1.

Everything it serves comes from a scenario file (see `auditor.sandbox.scenario` for the schema), month by
month, with fault modes per engine (`auditor.sandbox.faults`). It runs only on loopback.

    from auditor.sandbox import Sandbox, load_scenario, DEMO_SCENARIO
    scenario = load_scenario(DEMO_SCENARIO)
    with Sandbox(scenario) as sb:
        sb.url            # "http://127.0.0.1:PORT"; send requests there with the real Host header
        sb.set_month(3)
"""

from auditor.sandbox.loader import load_scenario
from auditor.sandbox.scenario import DEMO_SCENARIO, MINIMAL_SCENARIO, Month, Page, Result, Scenario
from auditor.sandbox.server import Sandbox

__all__ = [
    "DEMO_SCENARIO",
    "MINIMAL_SCENARIO",
    "Month",
    "Page",
    "Result",
    "Sandbox",
    "Scenario",
    "load_scenario",
]
