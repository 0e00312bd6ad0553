"""Which engine a saved response comes from, by its shape: for `auditor parse` on a file from the wrong engine.

Cheap and pure: a few keys of a JSON object, a few markers of an HTML page, as each engine declares them
(`EngineSpec.json_shape`, `page_markers`). It only names a likely engine; the engine's own parser stays the
judge of what the response means.
"""

from __future__ import annotations

from auditor.engines import registry
from auditor.engines.jsonapi import json_object


def looks_like(text: str) -> str | None:
    """The engine whose responses look like `text`, or None when none is recognisable. The first in the
    registry's order wins: Brave's error object is recognised before Google's looser `{"error": {...}}`."""
    data = json_object(text)
    return next((spec.name for spec in registry.specs() if spec.recognises(text, data)), None)
