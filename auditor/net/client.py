"""The one HTTP layer every fetch goes through: pacing, timeouts, retries, size caps, SSRF guard, sandbox.

Why each rule (DESIGN.md section 8):
- per host one request at a time and at least `html_interval` apart for HTML pages: engines and profile
  sites block impolite clients, and a blocked engine is a hole in the user's trend;
- retries only for 408, 429, 5xx and connection errors (plus an engine's own rate-limit code, such as
  DuckDuckGo's 202), at most 2, jittered, `Retry-After` honoured;
- bodies capped and decompression bounded: httpx's decoders have no limit, so the raw stream is read and
  inflated here with a maximum length (a gzip bomb costs at most the cap);
- redirects followed by hand, at most 5, and every hop checked against the SSRF guard;
- the guard is applied twice: before a request is sent (`check_target`: scheme, literal addresses, the name
  resolved), and when the connection is made (`GuardedBackend`: the name resolved again, every address
  checked, and the socket connected to a checked address, so a name that answers a public address to the
  check and a private one to the connection, DNS rebinding, is still refused);
- a URL whose host is a literal address that is not public (127.0.0.1, 169.254.169.254, [::1], 10.x ...) is
  refused in every mode, sandbox included: the sandbox answers for *names*, its own address is never a URL
  the audit fetches, and a self-hosted SearXNG on localhost is reached through `trusted_origins`;
- every attempt of one request has a deadline as a whole, not only per read: a server that drips a byte
  just under the read timeout cannot hold an audit;
- sandbox routing: with `--sandbox URL` every request goes to the sandbox while the code sees real URLs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

from auditor import USER_AGENT
from auditor.errors import FetchError, FetchRefused, ResponseTooLarge, attempts_of
from auditor.net.bodies import read_capped
from auditor.net.fetched import Fetched
from auditor.net.fetcher import FAILURES, Request
from auditor.net.guard import (
    COULD_NOT_CONNECT,
    Resolver,
    check_target,
    guarded_transport,
    system_resolver,
)
from auditor.net.intervals import DEFAULT_INTERVAL, host_interval
from auditor.net.pacer import HostPacer
from auditor.net.redaction import redact

log = logging.getLogger(__name__)
# httpx logs full URLs (API keys included) at INFO; keep it quiet whatever the root level is.
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_REDIRECTS = 5
UNREACHABLE_HOST = frozenset({"dns", "connection"})
"""Failure kinds that leave a whole host out of reach (the network is down, the name does not resolve)."""
MAX_RETRY_AFTER = 120.0
"""A longer Retry-After is not waited for: the response is recorded as rate limited instead."""
SANDBOX_TIME_SCALE = 0.02
"""Under --sandbox, politeness waits shrink 50x: the sandbox is a local process, not somebody's server."""


class _UnfollowableRedirect(Exception):
    """A Location no fetch may follow (mailto:, javascript:, data: ...), raised from httpx's response hook:
    httpx builds the next request from it even when it follows no redirect, and a scheme without a host
    makes it raise an `InvalidURL` no caller expects."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


async def _refuse_unfollowable_redirect(response: httpx.Response) -> None:
    location = response.headers.get("location")
    if location is None or not response.has_redirect_location:
        return
    try:
        scheme = urlsplit(urljoin(str(response.request.url), location.strip())).scheme
    except ValueError:
        return  # malformed: httpx's own "Invalid URL in location header", handled where it is raised
    if scheme.lower() not in ("http", "https"):
        raise _UnfollowableRedirect(location)


class _Retryable(Exception):
    def __init__(self, response: Fetched | None, retry_after: float | None, message: str, kind: str = "http") -> None:
        super().__init__(message)
        self.response = response
        self.retry_after = retry_after
        self.kind = kind


@dataclass
class HttpPolicy:
    """Everything that shapes how requests are sent; built from config by the caller."""

    timeout: float = 15.0
    """Seconds for each network operation (connect, each read, each write)."""
    deadline: float | None = None
    """Seconds for one attempt as a whole, body included; None means 4 x `timeout`."""
    html_interval: float = 1.0
    api_interval: float = DEFAULT_INTERVAL
    """Seconds between two API requests to a host whose rate is not documented (`net.intervals`)."""
    max_body_bytes: int = 5 * 1024 * 1024
    retries: int = 2
    concurrency: int = 4
    sandbox_url: str | None = None
    user_agent: str = USER_AGENT
    time_scale: float = 1.0
    """Multiplies every politeness wait (pacing, backoff, Retry-After)."""
    extra_retry_statuses: frozenset[int] = frozenset()
    trusted_origins: frozenset[str] = frozenset()
    """Origins (`origin_of`) the user configured on purpose, reached even on a private address: their own
    SearXNG at http://localhost:8888. Only that exact origin; a redirect elsewhere is checked as usual."""

    @property
    def attempt_deadline(self) -> float:
        return self.deadline if self.deadline is not None else 4 * self.timeout

    def interval_for(self, host: str, kind: str, declared: float | None = None) -> float:
        """Seconds (unscaled) between two requests to `host`: what the request declares (an engine's rate),
        else `html_interval` for a page, else the host's documented API rate or `api_interval`."""
        if declared is not None:
            return declared
        if kind in ("html", "browser"):
            return self.html_interval
        return host_interval(host, self.api_interval)


class SandboxTransport(httpx.AsyncBaseTransport):
    """Sends every request to the sandbox, keeping the real host in `Host` and the scheme in a header."""

    def __init__(self, sandbox_url: str, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self._target = httpx.URL(sandbox_url)
        self._inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        routed = request.url.copy_with(scheme=self._target.scheme, host=self._target.host, port=self._target.port)
        headers = httpx.Headers(request.headers)
        headers["Host"] = request.url.netloc.decode("ascii")
        headers["X-Forwarded-Proto"] = request.url.scheme
        proxied = httpx.Request(
            request.method, routed, headers=headers, stream=request.stream, extensions=request.extensions
        )
        return await self._inner.handle_async_request(proxied)

    async def aclose(self) -> None:
        await self._inner.aclose()


def client_transport(policy: HttpPolicy, resolver: Resolver) -> httpx.AsyncBaseTransport:
    """Where a client's requests go: to the sandbox under --sandbox, else through the guarded socket layer."""
    if policy.sandbox_url:
        return SandboxTransport(policy.sandbox_url)
    return guarded_transport(resolver, policy.trusted_origins)


class HttpClient:
    """Async client with the rules above. Use as `async with HttpClient(policy) as client:`."""

    def __init__(
        self,
        policy: HttpPolicy,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver = system_resolver,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.policy = policy
        self._client = httpx.AsyncClient(
            transport=transport or client_transport(policy, resolver),
            timeout=httpx.Timeout(policy.timeout),
            follow_redirects=False,
            event_hooks={"response": [_refuse_unfollowable_redirect]},
            headers={"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        self._resolver = resolver
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self.pacer = HostPacer(policy.concurrency, sleep=sleep, clock=clock)
        """Shared with the browser fetcher, so a host sees one polite client whichever fetches."""
        self._robots: dict[str, Protego | bool | FetchError] = {}
        """Per origin: the parsed rules, True (no robots.txt: allow all), False (unreachable: disallow all), or
        the DNS or connection failure that left the whole host out of reach (its pages fail the same way)."""
        self._robots_loading: dict[str, asyncio.Lock] = {}
        """Per origin: held while its robots.txt is read, so that fetches at once from one site read it once."""
        self.sent = 0
        """Requests that reached the wire, retries included (for budgets and progress)."""

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    # -- public -------------------------------------------------------------------------------------

    async def send(self, request: Request) -> Fetched:
        """`fetch` as a `Fetcher`: URLs redacted, a failure returned as a `Fetched` worded by the request."""
        try:
            result = await self.fetch(
                request.url,
                method=request.method,
                kind=request.via,
                params=request.params or None,
                form=request.form,
                json=request.json,
                headers=request.headers or None,
                respect_robots=request.respect_robots,
                extra_retry_statuses=request.retry_statuses,
                interval=request.interval,
            )
        except FAILURES as exc:
            return request.failed(exc, attempts_of(exc))
        return replace(
            result,
            requested_url=request.asked,
            url=redact(result.url),
            redirects=tuple(redact(url) for url in result.redirects),
        )

    async def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        kind: str = "html",
        params: Mapping[str, str] | None = None,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        respect_robots: bool = False,
        extra_retry_statuses: frozenset[int] = frozenset(),
        json: Mapping[str, object] | None = None,
        interval: float | None = None,
    ) -> Fetched:
        """Fetch `url` within every rule. Raises FetchRefused, ResponseTooLarge or FetchError.

        The answer's `url` is the real final URL (never the sandbox's), secrets not yet redacted (`send` does).

        `json` is a body to POST as JSON; `interval` overrides the pacing of `kind` for this request's host (an
        API's documented rate, such as Brave's one request a second)."""
        try:
            httpx.URL(url, params=params)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            # A URL read from a page (a profile's link) is hostile input: a refusal with a reason, not a crash.
            raise FetchRefused(f"not a valid URL ({exc}): {redact(url)[:100]!r}") from None
        if respect_robots and not await self.allowed_by_robots(url):
            host = httpx.URL(url).host
            log.debug("not fetching %s: robots.txt of %s", redact(url), host)
            if self._robots.get(self._origin(url)) is False:
                raise FetchRefused(f"robots.txt of {host} is unreachable (server or network error): not fetching {url}")
            raise FetchRefused(f"robots.txt of {host} disallows {url}")
        retry_statuses = RETRY_STATUSES | extra_retry_statuses
        attempts = AsyncRetrying(
            stop=stop_after_attempt(self.policy.retries + 1),
            wait=self._wait,
            sleep=self._sleep,
            retry=retry_if_exception_type(_Retryable),
            before_sleep=_log_retry,
            reraise=True,
        )
        sent = _Tally()
        try:
            async for attempt in attempts:
                with attempt:
                    result = await self._fetch_once(
                        url, method, kind, params, form, headers, retry_statuses, json, interval, sent
                    )
                    return replace(result, requested_url=url, attempts=sent.count)
        except _Retryable as exc:
            if exc.response is not None:
                # The last answer (429, 503 ...): the caller records it as such.
                return replace(exc.response, requested_url=url, attempts=sent.count)
            error = FetchError(exc.kind, str(exc))
            error.attempts = sent.count
            log.debug("failed: %s %s: %s", method, redact(url), error)
            raise error from None
        except (FetchError, FetchRefused, ResponseTooLarge) as exc:
            exc.attempts = sent.count
            log.debug("failed: %s %s: %s", method, redact(url), exc)
            raise
        raise AssertionError("unreachable: tenacity either returns or re-raises")

    async def allowed_by_robots(self, url: str) -> bool:
        origin = self._origin(url)
        async with self._robots_loading.setdefault(origin, asyncio.Lock()):
            if origin not in self._robots:
                self._robots[origin] = await self._load_robots(origin)
        rules = self._robots[origin]
        if isinstance(rules, FetchError):  # the host could not be reached at all: no robots.txt to blame
            text = str(rules)
            raise FetchError(rules.kind, text if text.startswith(COULD_NOT_CONNECT) else f"{COULD_NOT_CONNECT}: {text}")
        return rules if isinstance(rules, bool) else rules.can_fetch(url, self.policy.user_agent)

    # -- internals ----------------------------------------------------------------------------------

    @staticmethod
    def _origin(url: str) -> str:
        parsed = httpx.URL(url)
        return f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"

    async def _load_robots(self, origin: str) -> Protego | bool | FetchError:
        # RFC 9309: a robots.txt that is "unavailable" (4xx) allows everything (section 2.3.1.3); one that is
        # "unreachable" (5xx, network error) means complete disallow (section 2.3.1.4); 429 counts as unreachable.
        # A host that cannot be resolved or connected to is disallowed too, but the page then fails as what it
        # is, a network failure, not as a robots.txt refusal.
        try:
            result = await self.fetch(origin + "/robots.txt", kind="html")
        except FetchError as exc:
            return exc if exc.kind in UNREACHABLE_HOST else False
        except (FetchRefused, ResponseTooLarge):
            return True  # nothing usable to obey; the page itself is still checked hop by hop
        status = result.status_code or 0
        if status >= 500 or status == 429:
            return False
        if status != 200:
            return True
        return Protego.parse(result.text)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        retry_after = exc.retry_after if isinstance(exc, _Retryable) else None
        backoff = min(30.0, 2.0 ** (state.attempt_number - 1)) * (0.5 + random.random())
        return max(backoff, retry_after or 0.0) * self.policy.time_scale

    async def _fetch_once(
        self,
        url: str,
        method: str,
        kind: str,
        params: Mapping[str, str] | None,
        form: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        retry_statuses: frozenset[int],
        json: Mapping[str, object] | None = None,
        interval: float | None = None,
        sent: _Tally | None = None,
    ) -> Fetched:
        visited: list[str] = []
        current = str(httpx.URL(url, params=params)) if params else url
        for _hop in range(MAX_REDIRECTS + 1):
            await self._check_target(current)
            result = await self._send(current, method, kind, form, headers, json, interval, sent)
            location = result.headers.get("location")
            if result.status_code in (301, 302, 303, 307, 308) and location:
                visited.append(current)
                try:
                    current = urljoin(current, location)
                except ValueError:  # urljoin refuses some malformed netlocs ("http://[::1")
                    raise FetchRefused(f"redirect to a malformed URL {location[:100]!r}") from None
                if current in visited:
                    raise FetchError("redirect_loop", f"redirect loop at {redact(current)}")
                if result.status_code in (301, 302, 303):
                    method, form, json = "GET", None, None
                continue
            result = replace(result, redirects=tuple(visited))
            if result.status_code in retry_statuses:
                retry_after = _retry_after(result.headers, self._wall_clock())
                if retry_after is not None and retry_after > MAX_RETRY_AFTER:
                    return result  # asked to come back much later: record it rather than hammer or hang
                if retry_after is not None:
                    self.pacer.hold(httpx.URL(current).host, retry_after * self.policy.time_scale)
                raise _Retryable(result, retry_after, f"HTTP {result.status_code} from {redact(current)}")
            return result
        raise FetchError("too_many_redirects", f"more than {MAX_REDIRECTS} redirects from {redact(url)}")

    async def _check_target(self, url: str) -> None:
        await check_target(
            url,
            sandbox=self.policy.sandbox_url is not None,
            resolver=self._resolver,
            trusted=self.policy.trusted_origins,
        )

    async def _send(
        self,
        url: str,
        method: str,
        kind: str,
        form: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        json: Mapping[str, object] | None = None,
        interval: float | None = None,
        sent: _Tally | None = None,
    ) -> Fetched:
        host = httpx.URL(url).host
        interval = self.policy.interval_for(host, kind, interval)
        deadline = self.policy.attempt_deadline
        async with self.pacer.slot(host, interval * self.policy.time_scale):
            try:
                request = self._client.build_request(method, url, data=form, json=json, headers=headers)
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
                raise FetchRefused(f"not a valid URL ({exc}): {redact(url)[:100]}") from None
            self.sent += 1
            if sent is not None:
                sent.count += 1
            log.debug("%s %s", method, redact(url))
            try:
                async with asyncio.timeout(deadline):
                    response = await self._client.send(request, stream=True)
                    try:
                        body = await read_capped(response, self.policy.max_body_bytes)
                    finally:
                        await response.aclose()
            except _UnfollowableRedirect as exc:
                raise FetchRefused(
                    f"redirect from {redact(url)} to {redact(exc.location)[:100]!r}: "
                    "only http and https URLs are fetched"
                ) from None
            except FetchRefused:
                # Refused by the guard at connection (`GuardedBackend`): nothing left the machine.
                self.sent -= 1
                if sent is not None:
                    sent.count -= 1
                raise
            except httpx.RemoteProtocolError as exc:
                # httpx parses a redirect's Location even when it does not follow it: a malformed one is no
                # connection trouble to retry but a redirect nowhere a fetch may go.
                if str(exc).startswith("Invalid URL in location header"):
                    raise FetchRefused(f"redirect from {redact(url)} to a malformed URL ({exc})") from None
                raise _Retryable(
                    None, None, f"connection failed ({type(exc).__name__}): {redact(url)}", "connection"
                ) from None
            except (httpx.TimeoutException, TimeoutError) as exc:
                limit = f"{self.policy.timeout:g} s" if isinstance(exc, httpx.TimeoutException) else f"{deadline:g} s"
                raise _Retryable(None, None, f"timed out after {limit}: {redact(url)}", "timeout") from None
            except (httpx.TransportError, httpx.DecodingError) as exc:
                raise _Retryable(
                    None, None, f"connection failed ({type(exc).__name__}): {redact(url)}", "connection"
                ) from None
        log.debug("HTTP %s from %s (%d bytes)", response.status_code, redact(url), len(body))
        response_headers = {k.lower(): v for k, v in response.headers.items()}
        return Fetched(url, url, response.status_code, response_headers, body)


@dataclass
class _Tally:
    """Requests one `fetch` sent (its retries and redirect hops), whatever other fetches run beside it."""

    count: int = 0


def _log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    log.debug("retry %d in %.2f s: %s", state.attempt_number, wait, exc)


def _retry_after(headers: Mapping[str, str], now: dt.datetime) -> float | None:
    """Seconds to wait from a `Retry-After` header: delay-seconds, or an HTTP date (RFC 9110 section 10.2.3)
    measured against `now`, a date in the past meaning no wait. None when absent or unreadable."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)  # HTTP dates are GMT; "-0000" parses as naive
    return max(0.0, (when - now).total_seconds())
