"""Which engine a saved response comes from, by its shape: for `auditor parse` on a file from the wrong engine.

Cheap and pure: a few keys of a JSON object, a few markers of an HTML page. It only names a likely engine;
the engine's own parser stays the judge of what the response means.
"""

from __future__ import annotations

from auditor.engines.jsonapi import json_object

HTML_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("duckduckgo_html", ("result__a", "challenge-form", "html.duckduckgo.com", "duckduckgo.com/l/?uddg")),
    ("browser_bing", ("b_algo", 'id="b_results"', "www.bing.com/ck/a", "turingCaptcha")),
    ("browser_google", ('id="rso"', "/url?q=", "consent.google.", "/sorry/index", "captcha-form")),
)


def looks_like(text: str) -> str | None:
    """The engine whose responses look like `text`, or None when none is recognisable."""
    data = json_object(text)
    if data is not None:
        return _json_engine(data)
    for engine, markers in HTML_MARKERS:
        if any(marker in text for marker in markers):
            return engine
    return None


def _json_engine(data: dict[str, object]) -> str | None:
    if data.get("type") in ("search", "ErrorResponse") or isinstance(data.get("web"), dict):
        return "brave"
    if "search_metadata" in data or "organic_results" in data:
        return "serpapi"
    if "searchParameters" in data or isinstance(data.get("organic"), list):
        return "serper"
    response = data.get("response")
    if isinstance(response, dict) and ("head" in response or "status" in response):
        return "mojeek"
    if str(data.get("kind", "")).startswith("customsearch#") or isinstance(data.get("error"), dict):
        return "google_cse"
    if isinstance(data.get("results"), list) and ("unresponsive_engines" in data or "query" in data):
        return "searxng"
    return None
