"""Fault injection: how an engine or a page misbehaves, all in one place.

A scenario names a fault per engine per month (`faults = { duckduckgo_html = "rate_limit_202" }`) or on a
page (`fault = "timeout"`). `MODE:N` limits it to the first N requests of the month, which is how a test
sees a retry succeed. The renderers produce the normal answer first; `apply` turns it into the fault, so a
fault never needs to know what the normal answer looks like beyond its bytes.

The big ones (`huge_body`, `slow_drip`) are streamed, never built in memory: the sandbox runs inside the
tests and the benchmarks, and its own memory must not hide the client's.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache

from auditor.sandbox.wire import HTML, Response, html, redirect, text

MODES: dict[str, str] = {
    "rate_limit_202": "HTTP 202 with DuckDuckGo's anomaly page (its rate limit)",
    "captcha": "HTTP 200 with a challenge form (form#challenge-form) and no results",
    "http_429": "HTTP 429 Too Many Requests with Retry-After: 30",
    "http_500": "HTTP 500 Internal Server Error",
    "malformed": "a body nothing can parse: JSON cut in half, or HTML with content but no result markup",
    "json_disabled": "HTTP 403, as a SearXNG instance without the JSON format answers",
    "timeout": "no answer for the scenario's timeout_seconds (default 30), then the normal answer",
    "empty": "a genuine no-results answer",
    "degraded": "SearXNG: results, but some upstream engines listed in unresponsive_engines",
    "reset": "the connection is closed without any answer",
    "gzip_bomb": "a small gzip body (Content-Encoding: gzip) that inflates to 64 MiB",
    "huge": "the normal page padded to 6 MiB, over the client's 5 MiB cap",
    "bad_key": "an API engine's own answer to a key it does not know (401/403, or its error JSON)",
    "quota_exhausted": "an API engine's own answer when the account's searches are used up",
    "consent": "Google: a 302 to its consent wall at consent.google.com",
    "sorry": "Google: a 302 to its /sorry/ page, an 'unusual traffic' CAPTCHA answered with HTTP 429",
    "challenge": "Bing: its bot challenge page instead of results",
    "http_503": "HTTP 503 Service Unavailable without Retry-After (`http_503:1`: once, then the normal answer)",
    "http_429_date": "HTTP 429 with Retry-After as an HTTP date 30 s ahead (RFC 9110's other form)",
    "truncated": "a Content-Length for the whole answer, half of it sent, then the connection closes",
    "huge_body": "the normal answer followed by 50 MiB, streamed without Content-Length",
    "slow_drip": "the start of the answer, then a byte every 0.2 s: each read is in time, the body never ends",
    "invalid_utf8": "the normal answer with bytes that are not UTF-8 in its first title (declared UTF-8)",
    "corrupt_gzip": "Content-Encoding: gzip on a body that is not gzip",
    "redirect_loop": "a 302 back to the URL asked for, for ever",
    "redirect_loopback": "a 302 to http://127.0.0.1/admin",
    "redirect_metadata": "a 302 to http://169.254.169.254/latest/meta-data/ (a cloud's metadata service)",
    "redirect_ipv6_loopback": "a 302 to http://[::1]/",
    "redirect_malformed": "a 302 whose Location is no URL at all (http://[::1)",
    "redirect_mailto": "a 302 to mailto:x (a scheme no fetch may follow)",
    "redirect_javascript": "a 302 to javascript:alert(1)",
    "redirect_data": "a 302 to a data: URL",
    "redirect_about": "a 302 to about:blank",
    "redirect_tel": "a 302 to tel:+15550100",
    "echo_key": "an API engine echoes the request into its answer: the key it was sent, in every result's title",
    "big_page": "the normal page grown to 5 MB (an inline script and paragraphs), just under the 5 MiB cap",
}

# Modes the engine renderer handles itself because they change the content, not the transport. The API
# engines and the results pages also render their own `http_429` and `malformed` (search_apis, results_pages).
CONTENT_MODES = frozenset(
    {"echo_key", "empty", "degraded", "bad_key", "quota_exhausted", "consent", "sorry", "challenge"}
)

BOMB_MIB = 64
HUGE_MIB = 6
HUGE_BODY_MIB = 50
BIG_PAGE_BYTES = 5_000_000
DRIP_SECONDS = 0.2
DRIP_LIMIT = 3000
"""Drops a dripping answer sends at most (10 minutes): even a client without a deadline gets an end."""
REDIRECT_TARGETS = {
    "redirect_loopback": "http://127.0.0.1/admin",
    "redirect_metadata": "http://169.254.169.254/latest/meta-data/",
    "redirect_ipv6_loopback": "http://[::1]/",
    "redirect_malformed": "http://[::1",
    "redirect_mailto": "mailto:x",
    "redirect_javascript": "javascript:alert(1)",
    "redirect_data": "data:text/html,<p>hi</p>",
    "redirect_about": "about:blank",
    "redirect_tel": "tel:+15550100",
}
INVALID_UTF8 = b"\xff\xfe\xc3\x28"


@dataclass(frozen=True)
class Fault:
    mode: str
    times: int | None = None
    """Only the first `times` requests of the month fail; None means every request."""


def parse_fault(spec: str) -> Fault:
    """`"http_429"` or `"http_429:2"`. Raises ValueError naming the known modes."""
    mode, _, count = spec.strip().partition(":")
    if mode not in MODES:
        raise ValueError(f"unknown fault {mode!r}; known: {', '.join(MODES)}")
    if not count:
        return Fault(mode)
    if not count.isdigit() or int(count) < 1:
        raise ValueError(f"{spec!r}: the count after ':' must be a positive whole number")
    return Fault(mode, int(count))


def apply(
    mode: str | None,
    normal: Response,
    *,
    flavour: str,
    stop: threading.Event,
    timeout_seconds: float,
    url: str = "",
    now: dt.datetime | None = None,
) -> Response:
    """The answer under fault `mode`. `flavour` is `duckduckgo`, `searxng` or `page`; `url` the real URL
    asked for (a redirect loop points back at it).

    `stop` is the sandbox's shutdown event: a `timeout` or a drip waits on it, so stopping the sandbox never
    has to wait for a sleeping handler.
    """
    if mode is None or mode in CONTENT_MODES:
        return normal
    if mode == "rate_limit_202":
        return html(_anomaly_page(), 202)
    if mode == "captcha":
        return html(_anomaly_page(), 200)
    if mode == "http_429":
        return text("Too Many Requests\n", 429, (("Retry-After", "30"),))
    if mode == "http_500":
        return html("<html><body><h1>500 Internal Server Error</h1></body></html>\n", 500)
    if mode == "json_disabled":
        return html(_FORBIDDEN, 403)
    if mode == "malformed":
        if flavour == "duckduckgo":
            return html(_DDG_WITHOUT_RESULTS)
        # Cut in half: for JSON a parse error, for HTML a page that stops mid-tag.
        return replace(normal, body=normal.body[: len(normal.body) // 2])
    if mode == "timeout":
        stop.wait(timeout_seconds)
        return normal
    if mode == "reset":
        return Response(0, reset=True)
    if mode == "huge":
        padding = b"\n<!-- " + b"x" * (HUGE_MIB << 20) + b" -->\n"
        return replace(normal, body=normal.body + padding)
    if mode == "gzip_bomb":
        return Response(200, _bomb(), normal.content_type or HTML, (("Content-Encoding", "gzip"),))
    return _transport_fault(mode, normal, stop=stop, url=url, now=now or dt.datetime.now(dt.UTC))


def _transport_fault(mode: str, normal: Response, *, stop: threading.Event, url: str, now: dt.datetime) -> Response:
    if mode == "http_503":
        return html("<html><body><h1>503 Service Unavailable</h1></body></html>\n", 503)
    if mode == "http_429_date":
        later = email.utils.format_datetime(now + dt.timedelta(seconds=30), usegmt=True)
        return text("Too Many Requests\n", 429, (("Retry-After", later),))
    if mode == "truncated":
        return replace(normal, body=normal.body[: len(normal.body) // 2], declared_length=len(normal.body))
    if mode == "huge_body":
        return replace(normal, stream=lambda: _huge(normal.body))
    if mode == "slow_drip":
        return replace(normal, stream=lambda: _drip(normal.body, stop))
    if mode == "invalid_utf8":
        return replace(normal, body=_with_invalid_utf8(normal.body))
    if mode == "corrupt_gzip":
        return replace(normal, headers=(*normal.headers, ("Content-Encoding", "gzip")))
    if mode == "redirect_loop":
        return redirect(url, 302)
    if mode in REDIRECT_TARGETS:
        return redirect(REDIRECT_TARGETS[mode], 302)
    if mode == "big_page":
        return replace(normal, body=_big_page(normal.body))
    raise ValueError(f"unknown fault {mode!r}")


def _huge(start: bytes) -> Iterator[bytes]:
    yield start
    chunk = b"<!-- " + b"x" * ((64 << 10) - 9) + b" -->"  # one 64 KiB chunk, sent again and again
    for _ in range((HUGE_BODY_MIB << 20) // len(chunk)):
        yield chunk


def _drip(start: bytes, stop: threading.Event) -> Iterator[bytes]:
    yield start[: max(1, len(start) // 4)]
    for _ in range(DRIP_LIMIT):
        if stop.wait(DRIP_SECONDS):
            return
        yield b" "


def _with_invalid_utf8(body: bytes) -> bytes:
    """The bad bytes right inside the first title (a JSON string or an HTML <title>), where a parser reads text."""
    for marker in (b'"title": "', b"<title>", b"<body>"):
        at = body.find(marker)
        if at >= 0:
            at += len(marker)
            return body[:at] + INVALID_UTF8 + body[at:]
    return body  # no text to spoil (a JSON page without results): bytes elsewhere would be another fault


def _big_page(body: bytes) -> bytes:
    """`body` grown to BIG_PAGE_BYTES as real heavy pages are: mostly an inline script, then paragraphs."""
    paragraph = b"<p>" + b"Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 7 + b"</p>\n"
    text = paragraph * 2000
    head, tail = b'<script type="application/json" id="state">{"blob": "', b'"}</script>\n'
    room = BIG_PAGE_BYTES - len(body) - len(text) - len(head) - len(tail)
    script = head + b"a" * max(0, room) + tail
    at = body.rfind(b"</body>")
    at = at if at >= 0 else len(body)
    return body[:at] + script + text + body[at:]


@cache
def _bomb() -> bytes:
    # Built in chunks so the 64 MiB never sit in memory; zeros compress about 1000:1.
    gz = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    parts = [gz.compress(chunk) for _ in range(BOMB_MIB)]
    parts.append(gz.flush())
    return b"".join(parts)


def _anomaly_page() -> str:
    squares = "\n".join(
        f'      <label class="anomaly-modal__image"><input type="checkbox" name="image-check_{i}" />'
        f'<img src="//duckduckgo.com/assets/anomaly/images/challenge/{i}.jpg" alt="" /></label>'
        for i in range(9)
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="robots" content="noindex, nofollow" />
  <title>DuckDuckGo</title>
</head>
<body class="body--html">
  <div class="anomaly-modal__modal" data-testid="anomaly-modal">
    <div class="anomaly-modal__title">Unfortunately, bots use DuckDuckGo too.</div>
    <div class="anomaly-modal__description">Please complete the following challenge to confirm this search
      was made by a human.</div>
    <form id="challenge-form" action="//duckduckgo.com/anomaly.js?sv=html&amp;cc=sre&amp;ti=1" method="POST">
      <div class="anomaly-modal__instructions">Select all squares containing a duck:</div>
      <div class="anomaly-modal__images">
{squares}
      </div>
      <button type="submit" class="btn anomaly-modal__submit">Submit</button>
    </form>
  </div>
</body>
</html>
"""


_FORBIDDEN = """<!doctype html>
<html lang=en>
<title>403 Forbidden</title>
<h1>Forbidden</h1>
<p>You don&#39;t have the permission to access the requested resource. It is either read-protected or not
readable by the server.</p>
"""

# Has text, a header and a search form, as a redesigned page would, but no block a result parser knows.
_DDG_WITHOUT_RESULTS = """<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
  <meta http-equiv="content-type" content="text/html; charset=UTF-8" />
  <title>DuckDuckGo</title>
</head>
<body class="body--html">
  <div id="header" class="header cw header--html">
    <form name="x" class="header__form" action="/html/" method="post">
      <input name="q" class="search__input" type="text" value="" />
    </form>
  </div>
  <main class="serp-v2">
    <section data-layout="organic">
      <article data-nrn="result"><h3>Results are loading</h3>
        <p>This page now shows its results through a new layout.</p></article>
    </section>
  </main>
</body>
</html>
"""
