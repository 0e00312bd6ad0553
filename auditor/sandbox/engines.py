"""The two search engines, answering as the real ones do (DESIGN.md section 4).

DuckDuckGo's HTML endpoint: a POSTed form, 10 results a page in `div.result.web-result` blocks whose links
are wrapped in `//duckduckgo.com/l/?uddg=`, one ad on the first page, a next-page form of hidden fields.
SearXNG: the `format=json` envelope exactly as current SearXNG writes it (no `number_of_results`).
Text from the scenario is escaped once, where it enters markup, so hostile titles arrive as text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from html import escape
from urllib.parse import quote, urlparse, urlsplit

from auditor.sandbox.scenario import NO_EXTRAS, Extras, Result, fold_query
from auditor.sandbox.serp_extras import searxng_infoboxes
from auditor.sandbox.wire import Request, Response, html, json_response

PAGE_SIZE = 10
REGIONS = (
    ("wt-wt", "All Regions"),
    ("ca-en", "Canada (en)"),
    ("ca-fr", "Canada (fr)"),
    ("fr-fr", "France"),
    ("us-en", "US (English)"),
)
AD = Result(
    "ad",
    "https://www.pigistes-ti.example/",
    "Trouvez un pigiste TI en 48 h | Pigistes TI",
    "Des centaines de consultants en infonuagique disponibles. Devis gratuit.",
)


# ---------------------------------------------------------------------------------------------------------
# DuckDuckGo (html.duckduckgo.com)


def duckduckgo(request: Request, ranking: Sequence[Result]) -> Response:
    """`POST /html/` (GET works too). `ranking` is empty for a genuine no-results page."""
    query = " ".join(request.param("q").split())
    region = request.param("kl", "wt-wt") or "wt-wt"
    if not query:
        return html(_ddg_document("DuckDuckGo", "", region, ""))
    offset = _int(request.param("s"), 0)
    page = ranking[offset : offset + PAGE_SIZE]
    blocks: list[str] = []
    if not page:
        blocks.append('            <div class="no-results">No  results.</div>')
    else:
        if offset == 0:
            blocks.append(_ddg_result(AD, query, ad=True))
        blocks.extend(_ddg_result(result, query) for result in page)
        if offset > 0:
            blocks.append(_ddg_nav("Previous", query, region, max(offset - PAGE_SIZE, 0)))
        if offset + PAGE_SIZE < len(ranking):
            blocks.append(_ddg_nav("Next", query, region, offset + PAGE_SIZE))
    links = "\n".join(blocks)
    body = f"""    <div>
      <div class="serp__results">
        <div id="links" class="results">
{links}
          <div class="feedback-btn">
            <a rel="nofollow" href="//duckduckgo.com/feedback.html" target="_new">Feedback</a>
          </div>
          <div class="clear"></div>
        </div>
      </div>
    </div>"""
    return html(_ddg_document(f"{query} at DuckDuckGo", query, region, body))


def wrap(url: str) -> str:
    """DuckDuckGo's click wrapper, protocol-relative, before HTML escaping."""
    return f"//duckduckgo.com/l/?uddg={quote(url, safe='')}&rut={_rut(url)}"


def _ddg_result(result: Result, query: str, *, ad: bool = False) -> str:
    if ad:
        domain = urlsplit(result.url).hostname or ""
        href = (
            f"https://duckduckgo.com/y.js?ad_domain={domain}&ad_provider=bingv7aa&ad_type=txad"
            f"&u3={quote(result.url, safe='')}&rut={_rut(result.url)}"
        )
        classes = "result results_links results_links_deep result--ad result--ad--small web-result"
        badge = '\n                <a class="badge--ad" href="#">Ad</a>'
    else:
        href = wrap(result.url)
        classes = "result results_links results_links_deep web-result"
        badge = ""
    href = escape(href)
    shown = escape(_display_url(result.url))
    return f"""            <div class="{classes} ">
              <div class="links_main links_deep result__body"> <!-- This is the visible part -->
                <h2 class="result__title">
                  <a rel="nofollow" class="result__a" href="{href}">{escape(result.title)}</a>{badge}
                </h2>
                <div class="result__extras">
                  <div class="result__extras__url">
                    <a class="result__url" href="{href}">
                      {shown}
                    </a>
                  </div>
                </div>
                <a class="result__snippet" href="{href}">{_bold(result.snippet, query)}</a>
                <div class="clear"></div>
              </div>
            </div>"""


def _ddg_nav(label: str, query: str, region: str, offset: int) -> str:
    fields = {
        "q": query,
        "s": str(offset),
        "nextParams": "",
        "v": "l",
        "o": "json",
        "dc": str(offset + 1),
        "api": "d.js",
        "vqd": _vqd(query),
        "kl": region,
    }
    inputs = "\n".join(
        f'                <input type="hidden" name="{k}" value="{escape(v)}" />' for k, v in fields.items()
    )
    return f"""            <div class="nav-link">
              <form action="/html/" method="post">
                <input type="submit" class='btn btn--alt' value="{label}" />
{inputs}
              </form>
            </div>"""


def _ddg_document(title: str, query: str, region: str, body: str) -> str:
    options = "\n".join(
        f'            <option value="{code}"{" selected" if code == region else ""}>{label}</option>'
        for code, label in REGIONS
    )
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
  <meta http-equiv="content-type" content="text/html; charset=UTF-8" />
  <meta name="referrer" content="origin" />
  <meta name="robots" content="noindex, nofollow" />
  <title>{escape(title)}</title>
  <link rel="stylesheet" media="handheld, all" href="//duckduckgo.com/dist/h.sandbox.css" type="text/css"/>
</head>
<body class="body--html">
  <a name="top" id="top"></a>
  <div>
    <div id="header" class="header cw header--html">
      <a title="DuckDuckGo" href="/html/" class="header__logo-wrap"></a>
      <form name="x" class="header__form" action="/html/" method="post">
        <div class="search search--header">
          <input name="q" autocomplete="off" class="search__input" id="search_form_input_homepage" \
type="text" value="{escape(query)}" />
          <input name="b" id="search_button_homepage" class="search__button search__button--html" value="" \
title="Search" alt="Search" type="submit" />
        </div>
        <div class="frm__select">
          <select name="kl">
{options}
          </select>
        </div>
      </form>
    </div>
{body}
  </div>
</body>
</html>
"""


def _bold(snippet: str, query: str) -> str:
    """Escape the snippet and put the query's words in <b>, as DuckDuckGo does."""
    words = {w for w in fold_query(query).split() if len(w) > 1}
    pieces = re.split(r"(\w+)", snippet)
    return "".join(f"<b>{escape(p)}</b>" if fold_query(p) in words else escape(p) for p in pieces)


def _display_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.netloc:
        return url
    return (parts.netloc + parts.path).rstrip("/")


def _rut(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def _vqd(query: str) -> str:
    digits = str(int(hashlib.sha256(query.encode("utf-8")).hexdigest()[:32], 16))
    return f"4-{digits[:38]}"


def _int(value: str, default: int) -> int:
    return int(value) if value.strip().isdigit() else default


# ---------------------------------------------------------------------------------------------------------
# SearXNG


def searxng(
    request: Request,
    ranking: Sequence[Result],
    *,
    default_engines: Sequence[str],
    json_enabled: bool = True,
    degraded: bool = False,
    extras: Extras = NO_EXTRAS,
) -> Response:
    """`GET /search?q=&format=json&pageno=&language=&engines=` (POST form too, as SearXNG accepts)."""
    query = request.param("q")
    wants_json = request.param("format") == "json"
    if wants_json and not json_enabled:
        return html("<!doctype html>\n<title>403 Forbidden</title>\n<h1>Forbidden</h1>\n", 403)
    if not query.strip():
        return json_response({"error": "No query"}, 400) if wants_json else html("<h1>No query</h1>", 400)
    pageno = max(_int(request.param("pageno"), 1), 1)
    pinned = [name.strip() for name in request.param("engines").split(",") if name.strip()]
    engines = pinned or list(default_engines)
    start = (pageno - 1) * PAGE_SIZE
    page = ranking[start : start + PAGE_SIZE]
    if not wants_json:
        items = "\n".join(
            f'<article class="result"><h3><a href="{escape(r.url)}">{escape(r.title)}</a></h3>'
            f'<p class="content">{escape(r.snippet)}</p></article>'
            for r in page
        )
        return html(
            f'<!doctype html>\n<title>{escape(query)} - SearXNG</title>\n<main id="results">\n{items}\n</main>\n'
        )
    unresponsive: list[list[str]] = []
    if degraded:
        # The last upstream engine failed: the others' results still come, as SearXNG degrades.
        unresponsive = [[engines[-1], "too many requests"]]
        engines = engines[:-1] or engines
    results = [_searx_result(r, start + i + 1, engines) for i, r in enumerate(page)]
    return json_response(
        {
            "query": query,
            "results": results,
            "answers": [],
            "corrections": [],
            "infoboxes": searxng_infoboxes(extras, engines) if page and pageno == 1 else [],
            "suggestions": [],
            "unresponsive_engines": unresponsive,
        }
    )


def _searx_result(result: Result, position: int, engines: Sequence[str]) -> dict[str, object]:
    return {
        "url": result.url,
        "title": result.title,
        "content": result.snippet,
        "engine": engines[0],
        "template": "default.html",
        "parsed_url": list(urlparse(result.url)),
        "img_src": "",
        "thumbnail": "",
        "priority": "",
        "engines": list(engines),
        "positions": [position] * len(engines),
        "score": len(engines) / position,
        "category": "general",
        "publishedDate": None,
    }
