"""Search engines: one module per engine behind `base.Engine`, each declaring itself in an `EngineSpec`
(`spec.py`) that the registry (`registry.py`) lists. Building the configured engines is the audit's business
(`audit/plan.py`): engines sit below the config and know nothing of it.
"""
