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
import ipaddress
import logging
import random
import re
import socket
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpcore
import httpx
from protego import Protego
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

from auditor import USER_AGENT
from auditor.errors import FetchRefused, ResponseTooLarge

log = logging.getLogger(__name__)
# httpx logs full URLs (API keys included) at INFO; keep it quiet whatever the root level is.
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 120.0
"""A longer Retry-After is not waited for: the response is recorded as rate limited instead."""
SANDBOX_TIME_SCALE = 0.02
"""Under --sandbox, politeness waits shrink 50x: the sandbox is a local process, not somebody's server."""


class FetchError(Exception):
    """A request that produced no usable response. `kind` is recorded as the reason."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.attempts = 0
        """Requests of the failed fetch that reached the wire (retries and redirect hops included)."""


def attempts_of(exc: BaseException) -> int:
    """Requests a failed `HttpClient.fetch` sent before it raised `exc` (0 when none left the machine)."""
    value = getattr(exc, "attempts", 0)
    return value if isinstance(value, int) else 0


class _Retryable(Exception):
    def __init__(
        self, response: FetchResult | None, retry_after: float | None, message: str, kind: str = "http"
    ) -> None:
        super().__init__(message)
        self.response = response
        self.retry_after = retry_after
        self.kind = kind


@dataclass(frozen=True)
class FetchResult:
    """A response read within the caps; `url` is the real final URL (never the sandbox's)."""

    url: str
    status_code: int
    headers: Mapping[str, str]
    body: bytes
    redirects: tuple[str, ...] = ()
    """Every URL visited before `url`, in order."""
    attempts: int = 1
    """Requests this fetch sent on the wire: retries and redirect hops included (what an API may bill)."""

    @property
    def text(self) -> str:
        return decode_body(self.body, self.headers.get("content-type", ""))


@dataclass
class HttpPolicy:
    """Everything that shapes how requests are sent; built from config by the caller."""

    timeout: float = 15.0
    """Seconds for each network operation (connect, each read, each write)."""
    deadline: float | None = None
    """Seconds for one attempt as a whole, body included; None means 4 x `timeout`."""
    html_interval: float = 1.0
    api_interval: float = 0.0
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


def decode_body(body: bytes, content_type: str) -> str:
    charset = ""
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset":
            charset = value.strip("\"' ").lower()
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return body.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    # Undecodable bytes become U+FFFD: a page in an unexpected encoding is still read, never a crash.
    return body.decode(charset if _known_codec(charset) else "utf-8", errors="replace")


def _known_codec(name: str) -> bool:
    try:
        "".encode(name)
    except (LookupError, ValueError):
        return False
    return bool(name)


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


Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def address_allowed(address: str) -> bool:
    """A public unicast address (`is_global and not is_multicast`), judged by the IPv4 address that an IPv6
    form (6to4, NAT64) carries. The same rule in every mode: the sandbox is reached by routing, never by URL."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address (6to4, NAT64) count as "global" while reaching that address:
        # judge the address they carry (2002:7f00:1:: is 127.0.0.1, 64:ff9b::a9fe:a9fe is 169.254.169.254).
        if ip.sixtofour is not None:
            ip = ip.sixtofour
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.is_global and not ip.is_multicast


def origin_of(url: str) -> str:
    """`scheme://host:port` with the default port spelled out, so that two spellings of one origin match."""
    parsed = httpx.URL(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return f"{parsed.scheme}://{parsed.host}:{port}"


async def check_target(url: str, *, sandbox: bool, resolver: Resolver, trusted: frozenset[str] = frozenset()) -> None:
    """Refuse non-http(s) URLs and hosts that are not public (after DNS, on every hop). A literal address
    that is not public is refused in every mode; in sandbox mode names are not resolved, because the sandbox
    answers for them; `trusted` origins, which the user configured on purpose, are reached wherever they are.

    The connection itself is checked again (`GuardedBackend`): this first check is what makes a refusal
    happen before anything is sent and read as one clear reason."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise FetchRefused(f"not a valid URL ({exc}): {url[:100]!r}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchRefused(f"only http and https URLs are fetched, not {url[:100]!r}")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        # httpx accepts any number; the socket layer would fail with an error no caller expects.
        raise FetchRefused(f"not a valid URL (port {parsed.port}): {redact(url)[:100]!r}")
    if trusted and origin_of(url) in trusted:
        return
    literal = _literal_address(parsed.host)
    if literal is not None:
        addresses = [literal]
    elif sandbox:
        return  # names are answered by the sandbox, never resolved
    else:
        try:
            addresses = await resolver(parsed.host, parsed.port or 443)
        except OSError as exc:
            raise FetchError("dns", f"cannot resolve {parsed.host}: {exc}") from None
    for address in addresses:
        if not address_allowed(address):
            if literal is not None:
                raise FetchRefused(f"{parsed.host} is not a public address")
            raise FetchRefused(f"{parsed.host} resolves to {address}, which is not a public address")


_INET_ATON_PART = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)


def _literal_address(host: str) -> str | None:
    """The address a host spells literally, also in the legacy IPv4 forms that resolvers accept as numbers
    (`127.1`, `2130706433`, `0x7f.1`, `0177.0.0.1`); None for a name."""
    bare = host.strip("[]").split("%")[0]
    try:
        return str(ipaddress.ip_address(bare))
    except ValueError:
        pass
    parts = bare.rstrip(".").split(".")
    if 1 <= len(parts) <= 4 and all(_INET_ATON_PART.match(part) for part in parts):
        try:
            return socket.inet_ntoa(socket.inet_aton(bare.rstrip(".")))
        except OSError:
            return "0.0.0.0"  # digits that are no address: never public, so refused
    return None


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """The socket layer of the guard: each connection resolves its host once, checks every address, and
    connects to a checked one, so what was checked is what is connected to (no DNS rebinding window between
    the check and the connection). TLS still names the host (SNI and certificate checks use the name).

    `trusted` holds (host, port) pairs the user configured on purpose (a local SearXNG): connected as asked.
    """

    def __init__(
        self,
        resolver: Resolver = system_resolver,
        trusted: Iterable[tuple[str, int]] = (),
        inner: httpcore.AsyncNetworkBackend | None = None,
        allowed: Callable[[str], bool] = address_allowed,
    ) -> None:
        self._resolver = resolver
        self._trusted = frozenset((host.lower(), port) for host, port in trusted)
        self._inner = inner or httpcore.AnyIOBackend()
        self._allowed = allowed

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if (host.lower(), port) in self._trusted:
            addresses = [host]
        else:
            addresses = await self._checked(host, port, timeout)
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # the next address of the name, as a resolver-driven connect would
        assert failure is not None, "a name always has an address here"
        raise failure

    async def _checked(self, host: str, port: int, timeout: float | None) -> list[str]:
        literal = _literal_address(host)
        if literal is not None:
            addresses = [literal]
        else:
            try:
                async with asyncio.timeout(timeout):
                    addresses = list(dict.fromkeys(await self._resolver(host, port)))
            except (OSError, TimeoutError) as exc:
                raise httpcore.ConnectError(f"cannot resolve {host}: {exc or 'timed out'}") from None
            if not addresses:
                raise httpcore.ConnectError(f"cannot resolve {host}: no address")
        for address in addresses:
            if not self._allowed(address):
                raise FetchRefused(f"{host} resolves to {address}, which is not a public address (at connection)")
        return addresses

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise FetchRefused("unix sockets are never connected to")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_transport(
    resolver: Resolver, trusted_origins: Iterable[str] = (), *, allowed: Callable[[str], bool] = address_allowed
) -> httpx.AsyncHTTPTransport:
    """httpx's transport with its connection pool on a `GuardedBackend`.

    httpx takes no network backend of its own, so its pool is replaced by one built the same way (its
    defaults) on the guarded backend. Proxies from the environment (HTTPS_PROXY) are therefore not used: the
    guard must see the address it connects to.
    """
    trusted = []
    for origin in trusted_origins:
        parsed = httpx.URL(origin)
        trusted.append((parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80)))
    transport = httpx.AsyncHTTPTransport()
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=GuardedBackend(resolver, trusted, allowed=allowed),
    )
    return transport


def client_transport(policy: HttpPolicy, resolver: Resolver) -> httpx.AsyncBaseTransport:
    """Where a client's requests go: to the sandbox under --sandbox, else through the guarded socket layer."""
    if policy.sandbox_url:
        return SandboxTransport(policy.sandbox_url)
    return guarded_transport(resolver, policy.trusted_origins)


class HostPacer:
    """One request at a time per host, at least `interval` seconds apart, and a global cap across hosts.

    `hold` keeps a whole host waiting: a Retry-After speaks for the server, not for the one request that got
    it, so the other requests queued for that host wait too instead of walking into the same 429.
    """

    def __init__(
        self,
        concurrency: int,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._global = asyncio.Semaphore(concurrency)
        self._locks: dict[str, asyncio.Lock] = {}
        self._last: dict[str, float] = {}
        self._not_before: dict[str, float] = {}
        self._sleep = sleep
        self._clock = clock

    def hold(self, host: str, seconds: float) -> None:
        """No request to `host` starts in the next `seconds` (a Retry-After); a longer hold already set stays."""
        until = self._clock() + seconds
        self._not_before[host] = max(until, self._not_before.get(host, until))

    @asynccontextmanager
    async def slot(self, host: str, interval: float) -> AsyncIterator[None]:
        async with self._locks.setdefault(host, asyncio.Lock()):
            last = self._last.get(host)
            start = max(last + interval if last is not None else 0.0, self._not_before.get(host, 0.0))
            wait = start - self._clock()
            if wait > 0:
                await self._sleep(wait)  # outside the global cap: a host held back holds no other host back
            async with self._global:
                self._last[host] = self._clock()
                try:
                    yield
                finally:
                    # The interval runs from the end of the exchange: a slow answer is no licence to hurry.
                    self._last[host] = self._clock()


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
            headers={"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        self._resolver = resolver
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self.pacer = HostPacer(policy.concurrency, sleep=sleep, clock=clock)
        """Shared with the browser fetcher, so a host sees one polite client whichever fetches."""
        self._robots: dict[str, Protego | bool] = {}
        """Per origin: the parsed rules, True (no robots.txt: allow all) or False (unreachable: disallow all)."""
        self.sent = 0
        """Requests that reached the wire, retries included (for budgets and progress)."""

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    # -- public -------------------------------------------------------------------------------------

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
    ) -> FetchResult:
        """Fetch `url` within every rule. Raises FetchRefused, ResponseTooLarge or FetchError.

        `json` is a body to POST as JSON; `interval` overrides the pacing of `kind` for this request's host (an
        API's documented rate, such as Brave's one request a second)."""
        try:
            httpx.URL(url, params=params)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            # A URL read from a page (a profile's link) is hostile input: a refusal with a reason, not a crash.
            raise FetchRefused(f"not a valid URL ({exc}): {redact(url)[:100]!r}") from None
        if respect_robots and not await self.allowed_by_robots(url):
            host = httpx.URL(url).host
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
                    return _with_attempts(result, sent.count)
        except _Retryable as exc:
            if exc.response is not None:
                # The last answer (429, 503 ...): the caller records it as such.
                return _with_attempts(exc.response, sent.count)
            error = FetchError(exc.kind, str(exc))
            error.attempts = sent.count
            raise error from None
        except (FetchError, FetchRefused, ResponseTooLarge) as exc:
            exc.attempts = sent.count
            raise
        raise AssertionError("unreachable: tenacity either returns or re-raises")

    async def allowed_by_robots(self, url: str) -> bool:
        origin = self._origin(url)
        if origin not in self._robots:
            self._robots[origin] = await self._load_robots(origin)
        rules = self._robots[origin]
        return rules if isinstance(rules, bool) else rules.can_fetch(url, self.policy.user_agent)

    # -- internals ----------------------------------------------------------------------------------

    @staticmethod
    def _origin(url: str) -> str:
        parsed = httpx.URL(url)
        return f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"

    async def _load_robots(self, origin: str) -> Protego | bool:
        # RFC 9309: a robots.txt that is "unavailable" (4xx) allows everything (section 2.3.1.3); one that is
        # "unreachable" (5xx, network error) means complete disallow (section 2.3.1.4); 429 counts as unreachable.
        try:
            result = await self.fetch(origin + "/robots.txt", kind="html")
        except FetchError:
            return False
        except (FetchRefused, ResponseTooLarge):
            return True  # nothing usable to obey; the page itself is still checked hop by hop
        if result.status_code >= 500 or result.status_code == 429:
            return False
        if result.status_code != 200:
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
    ) -> FetchResult:
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
            result = FetchResult(result.url, result.status_code, result.headers, result.body, tuple(visited))
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
    ) -> FetchResult:
        host = httpx.URL(url).host
        if interval is None:
            interval = self.policy.html_interval if kind == "html" else self.policy.api_interval
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
        return FetchResult(url, response.status_code, response_headers, body)


async def read_capped(response: httpx.Response, cap: int) -> bytes:
    """The body of a streamed response, read raw and inflated here within `cap` bytes (raw and inflated)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise ResponseTooLarge(f"body of {int(declared)} bytes is over the {cap}-byte cap")
    decoder = _BoundedDecoder(response.headers.get("content-encoding", ""), cap)
    try:
        async for chunk in response.aiter_raw():
            decoder.feed(chunk)
    except httpx.StreamConsumed:
        # A transport that hands over an already-read response (respx, httpx.Response(content=...)):
        # its body is decoded already and only the cap is left to apply.
        if len(response.content) > cap:
            raise ResponseTooLarge(f"body over the {cap}-byte cap") from None
        return response.content
    return decoder.finish()


@dataclass
class _Tally:
    """Requests one `fetch` sent (its retries and redirect hops), whatever other fetches run beside it."""

    count: int = 0


def _with_attempts(result: FetchResult, attempts: int) -> FetchResult:
    return FetchResult(result.url, result.status_code, result.headers, result.body, result.redirects, attempts)


def _log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    log.debug("retry %d in %.2f s: %s", state.attempt_number, wait, exc)


@dataclass
class _BoundedDecoder:
    """Inflates gzip/deflate with a hard limit on the output; identity bodies are capped too."""

    encoding: str
    cap: int
    _out: bytearray = field(default_factory=bytearray)
    _raw: int = 0

    def __post_init__(self) -> None:
        encoding = self.encoding.strip().lower()
        if encoding in ("", "identity"):
            self._inflater = None
        elif encoding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflater = zlib.decompressobj()
        else:
            raise FetchError("encoding", f"unsupported content-encoding {encoding!r}")

    def feed(self, chunk: bytes) -> None:
        self._raw += len(chunk)
        if self._raw > self.cap:
            raise ResponseTooLarge(f"body over the {self.cap}-byte cap")
        if self._inflater is None:
            self._out += chunk
            return
        room = self.cap - len(self._out)
        try:
            self._out += self._inflater.decompress(chunk, room + 1)
        except zlib.error as exc:
            raise FetchError("encoding", f"corrupt compressed body: {exc}") from None
        if len(self._out) > self.cap or self._inflater.unconsumed_tail:
            raise ResponseTooLarge(f"decompressed body over the {self.cap}-byte cap")

    def finish(self) -> bytes:
        if self._inflater is not None:
            try:
                self._out += self._inflater.flush()
            except zlib.error as exc:
                raise FetchError("encoding", f"corrupt compressed body: {exc}") from None
        return bytes(self._out)


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


SECRET_PARAMS = ("api_key", "key", "token", "apikey", "access_token")


_SECRET_PARAM_TEXT = re.compile(r"(?i)([?&;](?:" + "|".join(SECRET_PARAMS) + r")=)[^&;#]*")


def redact(url: str) -> str:
    """The URL with secret-bearing parameters blanked, for logs and error messages. Never raises: a URL
    httpx cannot parse (a hostile Location) is redacted as text."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return _SECRET_PARAM_TEXT.sub(r"\1REDACTED", url)
    if not parsed.query:
        return url
    params = [(k, "REDACTED" if k.lower() in SECRET_PARAMS else v) for k, v in parsed.params.multi_items()]
    return str(parsed.copy_with(params=params))
