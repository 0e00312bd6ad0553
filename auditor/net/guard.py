"""The SSRF guard: which URLs and addresses the audit may reach, checked before sending and at connection.

Only http(s); only public unicast addresses (judging the IPv4 address an IPv6 6to4/NAT64 form carries); a
literal non-public address refused in every mode (the sandbox answers for names, never by URL); names
resolved once at connection and the socket connected to a checked address, so DNS rebinding finds no window.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterable

import httpcore
import httpx

from auditor.errors import FetchError, FetchRefused
from auditor.net.redaction import redact

COULD_NOT_CONNECT = "could not connect (DNS/connection)"
"""How a host out of reach is described, whichever request found it so (a page, its robots.txt, an engine)."""

Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NEVER_PUBLIC_V6 = (
    ipaddress.ip_network("::/96"),  # IPv4-compatible (::127.0.0.1): deprecated, never routed
    ipaddress.ip_network("64:ff9b:1::/48"),  # local-use NAT64 (RFC 8215): a site's own translator
)


def address_allowed(address: str) -> bool:
    """A public unicast address (`is_global and not is_multicast`), judged by the IPv4 address that an IPv6
    form (IPv4-mapped, 6to4, Teredo, NAT64) carries; IPv4-compatible and local-use NAT64 forms never pass.
    The same rule in every mode: the sandbox is reached by routing, never by URL."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in network for network in _NEVER_PUBLIC_V6):
            return False
        # IPv6 forms that carry an IPv4 address count as "global" while reaching that address: judge the
        # address they carry (2002:7f00:1:: is 127.0.0.1, 64:ff9b::a9fe:a9fe is 169.254.169.254).
        carried = _carried_ipv4(ip)
        if carried is not None:
            ip = carried
    return ip.is_global and not ip.is_multicast


def _carried_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


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
            # The wording `HttpClient` uses for a host out of reach (net.client.COULD_NOT_CONNECT).
            raise FetchError(
                "dns", f"could not connect (DNS/connection): cannot resolve {parsed.host}: {exc}"
            ) from None
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
