"""The five search APIs, answering as the real ones do (DESIGN.md section 4): Brave, SerpApi, Serper, Mojeek
and Google's Custom Search, with their JSON shapes, headers, pagination and their own error answers.

Each one refuses a request without a key as the real one does. The fault modes that only make sense for an
API with a key (`bad_key`, `quota_exhausted`) and the ones whose shape differs per engine (`http_429`,
`empty`) are rendered here; `serve` hands any other mode back for `faults.apply` (500s, timeouts, resets,
cut-off bodies). Text from the scenario is passed as JSON strings, never as markup, except where an engine
itself writes markup (Brave's `<strong>`, Google's `htmlSnippet`), and then escaped first.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from html import escape
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from auditor.sandbox.scenario import NO_EXTRAS, Result, fold_query
from auditor.sandbox.serp_extras import ExtrasFor, brave_fields, serpapi_fields, serper_fields
from auditor.sandbox.wire import Request, Response, json_response

Ranking = Callable[[str], Sequence[Result]]
"""The scenario's ranking of a query on this engine this month."""
Answer = tuple[Response, str | None]
"""The response, and the fault mode still to apply to it (None when handled here)."""

ENDPOINTS: dict[tuple[str, str], str] = {
    ("api.search.brave.com", "/res/v1/web/search"): "brave",
    ("serpapi.com", "/search.json"): "serpapi",
    ("serpapi.com", "/search"): "serpapi",
    ("google.serper.dev", "/search"): "serper",
    ("api.mojeek.com", "/search"): "mojeek",
    ("www.googleapis.com", "/customsearch/v1"): "google_cse",
}
HOSTS = frozenset(host for host, _ in ENDPOINTS)
HANDLED = frozenset({"bad_key", "quota_exhausted", "http_429", "empty", "echo_key"})
AD = {"title": "Trouvez un pigiste TI en 48 h", "link": "https://www.pigistes-ti.example/"}


def engine_for(host: str, path: str) -> str | None:
    return ENDPOINTS.get((host, path.rstrip("/") or "/"))


def serve(
    engine: str, request: Request, ranking: Ranking, mode: str | None, *, extras: ExtrasFor = lambda query: NO_EXTRAS
) -> Answer:
    if mode == "empty":
        ranking = _nothing
    handler = {"brave": brave, "serpapi": serpapi, "serper": serper, "mojeek": mojeek, "google_cse": google_cse}
    if engine == "serpapi":
        response = serpapi(request, ranking, mode, extras)
    elif engine == "brave":
        response = brave(request, ranking, mode, extras)
    elif engine == "serper":
        response = serper(request, ranking, mode, extras)
    else:
        response = handler[engine](request, ranking, mode)
    if mode == "echo_key" and response.status == 200:
        response = _echoing(response, _key_sent(request))
    return response, None if mode in HANDLED else mode


def _key_sent(request: Request) -> str:
    for header in ("x-subscription-token", "x-api-key"):
        if request.headers.get(header):
            return request.headers[header]
    return request.param("api_key") or request.param("key")


def _echoing(response: Response, key: str) -> Response:
    """The answer with `key` in every title, as an API that echoes its request into results would."""

    def echo(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: f"{v} [{key}]" if k == "title" and isinstance(v, str) else echo(v) for k, v in value.items()}
        if isinstance(value, list):
            return [echo(item) for item in value]
        return value

    return json_response(echo(json.loads(response.body)), response.status, response.headers)


def _nothing(query: str) -> Sequence[Result]:
    return ()


# ---------------------------------------------------------------------------------------------------------
# Brave: `X-Subscription-Token`; "per second, per month" rate-limit headers on every answer.


def _brave_headers(second_left: int, month_left: int) -> tuple[tuple[str, str], ...]:
    return (
        ("X-RateLimit-Limit", "1, 2000"),
        ("X-RateLimit-Policy", "1;w=1, 2000;w=2592000"),
        ("X-RateLimit-Remaining", f"{second_left}, {month_left}"),
        ("X-RateLimit-Reset", "1, 1209600"),
    )


def _brave_error(status: int, code: str, detail: str, month_left: int = 1500) -> Response:
    body = {
        "type": "ErrorResponse",
        "error": {"id": _id(code), "status": status, "code": code, "detail": detail, "meta": {"component": "api"}},
        "time": 1767225600,
    }
    return json_response(body, status, _brave_headers(0, month_left))


def brave(
    request: Request, ranking: Ranking, mode: str | None, extras: ExtrasFor = lambda query: NO_EXTRAS
) -> Response:
    if not request.headers.get("x-subscription-token") or mode == "bad_key":
        return _brave_error(401, "SUBSCRIPTION_TOKEN_INVALID", "The provided subscription token is invalid.")
    if mode == "quota_exhausted":
        return _brave_error(429, "QUOTA_LIMITED", "Monthly quota exhausted for this plan.", month_left=0)
    if mode == "http_429":
        return _brave_error(429, "RATE_LIMITED", "Request rate limit exceeded for plan.")
    query = request.param("q")
    count, offset = _int(request.param("count"), 20), _int(request.param("offset"), 0)
    if not query.strip() or not 1 <= count <= 20 or not 0 <= offset <= 9:
        return _brave_error(422, "VALIDATION", "Unable to validate request parameter(s)")
    everything = ranking(query)
    start = offset * count
    page = everything[start : start + count]
    bold = request.param("text_decorations", "true") != "false"
    body: dict[str, Any] = {
        "query": {
            "original": query,
            "show_strict_warning": False,
            "is_navigational": False,
            "spellcheck_off": True,
            "country": request.param("country", "us").lower(),
            "bad_results": False,
            "should_fallback": False,
            "more_results_available": start + count < len(everything),
        },
        "mixed": {"type": "mixed", "main": [{"type": "web", "index": i, "all": False} for i in range(len(page))]},
        "type": "search",
    }
    if page:  # Brave leaves `web` out when it has nothing
        body["web"] = {
            "type": "search",
            "results": [_brave_result(r, query, bold) for r in page],
            "family_friendly": True,
        }
    if offset == 0:  # the blocks beside the results come with the first page only
        named = request.param("result_filter")
        body |= brave_fields(extras(query), frozenset(named.split(",")) if named else None)
    return json_response(body, 200, _brave_headers(0, 1499))


def _brave_result(result: Result, query: str, bold: bool) -> dict[str, Any]:
    host = urlsplit(result.url).hostname or ""
    description = marked(result.snippet, query, "strong") if bold else result.snippet
    return {
        "title": result.title,
        "url": result.url,
        "is_source_local": False,
        "is_source_both": False,
        "description": description,
        "profile": {"name": host, "url": result.url, "long_name": host, "img": ""},
        "language": "fr",
        "family_friendly": True,
        "type": "search_result",
        "subtype": "generic",
        "meta_url": {"scheme": "https", "netloc": host, "hostname": host, "path": urlsplit(result.url).path},
    }


# ---------------------------------------------------------------------------------------------------------
# SerpApi: `api_key` parameter; Google (`start`, `num`, `hl`, `gl`) or Bing (`first`, `count`, `mkt`, `cc`).


_SERPAPI_KEYS = "https://serpapi.com/manage-api-key"


def serpapi(
    request: Request, ranking: Ranking, mode: str | None, extras: ExtrasFor = lambda query: NO_EXTRAS
) -> Response:
    if not request.param("api_key") or mode == "bad_key":
        return json_response({"error": f"Invalid API key. Your API key should be here: {_SERPAPI_KEYS}"}, 401)
    if mode == "quota_exhausted":
        return json_response({"error": "Your account has run out of searches."}, 429)
    if mode == "http_429":
        return json_response({"error": "You have exceeded the hourly throughput limit. Please try again later."}, 429)
    upstream, query = request.param("engine", "google"), request.param("q")
    if upstream not in ("google", "bing"):
        return json_response({"error": f"Unsupported `{upstream}` search engine."}, 400)
    if not query.strip():
        return json_response({"error": "Missing query `q` parameter."}, 400)
    if upstream == "google":
        start, size = _int(request.param("start"), 0), _int(request.param("num"), 10)
        params = {
            "engine": "google",
            "q": query,
            "google_domain": "google.com",
            "hl": request.param("hl", "en"),
            "gl": request.param("gl", "us"),
            "start": start,
            "num": size,
            "device": "desktop",
        }
    else:
        start, size = _int(request.param("first"), 1) - 1, _int(request.param("count"), 10)
        params = {
            "engine": "bing",
            "q": query,
            "mkt": request.param("mkt", "en-US"),
            "cc": request.param("cc", "US"),
            "first": start + 1,
            "count": size,
            "device": "desktop",
        }
    everything = ranking(query)
    page = everything[start : start + size]
    search_id = _id(f"{upstream}|{query}|{start}")
    body: dict[str, Any] = {
        "search_metadata": {
            "id": search_id,
            "status": "Success",
            "json_endpoint": f"https://serpapi.com/searches/{search_id[:16]}/{search_id}.json",
            "created_at": "2026-01-01 12:00:00 UTC",
            "processed_at": "2026-01-01 12:00:00 UTC",
            f"{upstream}_url": f"https://www.{upstream}.com/search?{urlencode({'q': query})}",
            "raw_html_file": f"https://serpapi.com/searches/{search_id[:16]}/{search_id}.html",
            "total_time_taken": 1.42,
        },
        "search_parameters": params,
    }
    if not page:
        body["search_information"] = {"organic_results_state": "Fully empty", "query_displayed": query}
        body["error"] = f"{upstream.capitalize()} hasn't returned any results for this query."
        return json_response(body)
    body["search_information"] = {
        "organic_results_state": "Results for exact spelling",
        "query_displayed": query,
        "total_results": len(everything) * 1000 + 7,
        "time_taken_displayed": 0.41,
    }
    if start == 0:
        body["ads"] = [{"position": 1, "block_position": "top", **AD, "displayed_link": "pigistes-ti.example"}]
        if upstream == "google":
            body.update(serpapi_fields(extras(query)))
    body["organic_results"] = [
        {
            "position": start + i + 1,
            "title": r.title,
            "link": r.url,
            "redirect_link": f"https://www.google.com/url?sa=t&url={quote(r.url, safe='')}",
            "displayed_link": crumbs(r.url),
            "snippet": r.snippet,
            "source": urlsplit(r.url).hostname or "",
        }
        for i, r in enumerate(page)
    ]
    if start + size < len(everything):
        nxt = f"https://serpapi.com/search.json?{urlencode({**params, 'start': start + size})}"
        body["serpapi_pagination"] = {"current": start // size + 1, "next_link": nxt, "next": nxt}
    return json_response(body)


# ---------------------------------------------------------------------------------------------------------
# Serper: POST JSON, `X-API-KEY` header; errors are {"message", "statusCode"}.


def serper(
    request: Request, ranking: Ranking, mode: str | None, extras: ExtrasFor = lambda query: NO_EXTRAS
) -> Response:
    if not request.headers.get("x-api-key") or mode == "bad_key":
        return json_response({"message": "Unauthorized.", "statusCode": 403}, 403)
    if mode == "quota_exhausted":
        return json_response({"message": "Not enough credits", "statusCode": 400}, 400)
    if mode == "http_429":
        return json_response({"message": "Too many requests", "statusCode": 429}, 429)
    try:
        asked = json.loads(request.body or b"{}")
    except ValueError:
        asked = None
    if not isinstance(asked, dict) or not str(asked.get("q", "")).strip():
        return json_response({"message": "Query is required", "statusCode": 400}, 400)
    query = str(asked["q"])
    size, number = _int(str(asked.get("num", 10)), 10), max(_int(str(asked.get("page", 1)), 1), 1)
    start = (number - 1) * size
    page = ranking(query)[start : start + size]
    params = {
        "q": query,
        "gl": asked.get("gl", "us"),
        "hl": asked.get("hl", "en"),
        "type": "search",
        "num": size,
        "page": number,
        "engine": "google",
    }
    return json_response(
        {
            "searchParameters": params,
            "organic": [
                {"title": r.title, "link": r.url, "snippet": r.snippet, "position": i + 1} for i, r in enumerate(page)
            ],
            "relatedSearches": [{"query": f"{query} linkedin"}] if page else [],
            "credits": 1,
            **(serper_fields(extras(query)) if page and number == 1 else {}),
        }
    )


# ---------------------------------------------------------------------------------------------------------
# Mojeek: `api_key` parameter; everything wrapped in {"response": {"status": "OK" | "ERROR: ...", ...}}.


def mojeek(request: Request, ranking: Ranking, mode: str | None) -> Response:
    if not request.param("api_key") or mode == "bad_key":
        return json_response({"response": {"status": "ERROR: Invalid API key"}})
    if mode == "quota_exhausted":
        return json_response({"response": {"status": "ERROR: Daily Limit Reached."}})
    if mode == "http_429":
        return json_response({"response": {"status": "ERROR: Too many requests"}}, 429, (("Retry-After", "30"),))
    query = request.param("q")
    if not query.strip():
        return json_response({"response": {"status": "ERROR: No query"}})
    start, size = max(_int(request.param("s"), 1), 1), _int(request.param("t"), 10)
    everything = ranking(query)
    page = everything[start - 1 : start - 1 + size]
    words = fold_query(query).split()
    head = {
        "query": query,
        "nword": len(words),
        "words": [{"full": w, "stem": w, "plus": 1, "hits": 1000 + len(w)} for w in words],
        "timer": 0.08,
        "start": start,
        "return": len(page),
        "exact": True,
        "results": len(everything),
        "rankm": 169,
        "dups": 0,
        "more|excluded": 0,
    }
    results = [
        {
            "url": r.url,
            "title": r.title,
            "desc": r.snippet,
            "size": "14kb",
            "timestamp": 1767225600,
            "date": "Thu Jan  1 00:00:00 2026",
            "cdatetimestamp": 1767225600,
            "cdate": "Thu Jan  1 00:00:00 2026",
        }
        for r in page
    ]
    return json_response({"response": {"status": "OK", "head": head, "results": results}})


# ---------------------------------------------------------------------------------------------------------
# Google Custom Search: `key` and `cx` parameters; Google's API error envelope.


def _google_error(status: int, state: str, message: str, reason: str, info: str = "") -> Response:
    error: dict[str, Any] = {
        "code": status,
        "message": message,
        "errors": [{"message": message, "domain": "global", "reason": reason}],
        "status": state,
    }
    if info:
        error["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": info,
                "domain": "googleapis.com",
                "metadata": {"service": "customsearch.googleapis.com"},
            }
        ]
    return json_response({"error": error}, status)


_QUOTA = "Quota exceeded for quota metric 'Queries' and limit 'Queries per {}' of service 'customsearch.googleapis.com'"


def google_cse(request: Request, ranking: Ranking, mode: str | None) -> Response:
    if not request.param("key"):
        message = "Method doesn't allow unregistered callers (callers without established identity). Use an API key."
        return _google_error(403, "PERMISSION_DENIED", message, "forbidden")
    if mode == "bad_key":
        message = "API key not valid. Please pass a valid API key."
        return _google_error(400, "INVALID_ARGUMENT", message, "badRequest", "API_KEY_INVALID")
    if mode in ("quota_exhausted", "http_429"):
        # One shape for both: the quota's name (per day, per minute) is what tells them apart.
        message = _QUOTA.format("day" if mode == "quota_exhausted" else "minute")
        return _google_error(429, "RESOURCE_EXHAUSTED", message, "rateLimitExceeded", "RATE_LIMIT_EXCEEDED")
    query, cx = request.param("q"), request.param("cx")
    start, size = _int(request.param("start"), 1), _int(request.param("num"), 10)
    if not query.strip() or not cx or not 1 <= size <= 10 or start < 1 or start + size > 101:
        return _google_error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", "badRequest")
    everything = ranking(query)
    page = everything[start - 1 : start - 1 + size]
    asked = {
        "title": f"Google Custom Search - {query}",
        "totalResults": str(len(everything)),
        "searchTerms": query,
        "count": len(page),
        "startIndex": start,
        "inputEncoding": "utf8",
        "outputEncoding": "utf8",
        "safe": "off",
        "cx": cx,
    }
    queries: dict[str, Any] = {"request": [asked]}
    if start - 1 + size < len(everything):
        queries["nextPage"] = [{**asked, "count": size, "startIndex": start + size}]
    body: dict[str, Any] = {
        "kind": "customsearch#search",
        "url": {
            "type": "application/json",
            "template": "https://www.googleapis.com/customsearch/v1?q={searchTerms}&num={count?}&start={startIndex?}"
            "&lr={language?}&cx={cx?}&gl={gl?}&hl={hl?}&alt=json",
        },
        "queries": queries,
        "context": {"title": "Sandbox search engine"},
        "searchInformation": {
            "searchTime": 0.27,
            "formattedSearchTime": "0.27",
            "totalResults": str(len(everything)),
            "formattedTotalResults": str(len(everything)),
        },
    }
    if page:
        body["items"] = [_cse_item(r, query) for r in page]
    return json_response(body)


def _cse_item(result: Result, query: str) -> dict[str, Any]:
    host = urlsplit(result.url).hostname or ""
    return {
        "kind": "customsearch#result",
        "title": result.title,
        "htmlTitle": marked(result.title, query, "b"),
        "link": result.url,
        "displayLink": host,
        "snippet": result.snippet,
        "htmlSnippet": marked(result.snippet, query, "b"),
        "formattedUrl": result.url,
        "htmlFormattedUrl": escape(result.url),
    }


# ---------------------------------------------------------------------------------------------------------


def marked(text: str, query: str, tag: str) -> str:
    """`text` escaped, the query's words wrapped in `tag`, as engines mark them."""
    words = {w for w in fold_query(query).split() if len(w) > 1}
    pieces = re.split(r"(\w+)", text)
    return "".join(f"<{tag}>{escape(p)}</{tag}>" if fold_query(p) in words else escape(p) for p in pieces)


def crumbs(url: str) -> str:
    """`https://host › a › b`, as engines display a result's URL."""
    parts = urlsplit(url)
    crumbs = [p for p in parts.path.split("/") if p]
    return " › ".join([f"{parts.scheme}://{parts.netloc}", *crumbs])


def _id(seed: str) -> str:
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:24]


def _int(value: str, default: int) -> int:
    return int(value) if value.strip().isdigit() else default
