"""The HTTP layer, offline: httpx.MockTransport for the wire, a fake resolver, a fake clock and sleep."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import logging
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from auditor import USER_AGENT
from auditor.errors import FetchError, FetchRefused, ResponseTooLarge, attempts_of
from auditor.net import bodies, guard
from auditor.net.client import HttpClient, HttpPolicy, SandboxTransport
from auditor.net.fetched import Fetched
from auditor.net.fetcher import Request, plain_words
from auditor.net.pacer import HostPacer
from auditor.net.redaction import redact
from auditor.net.text import decode_text

Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]
PUBLIC_ADDRESS = "93.184.215.14"


class FakeTime:
    """A clock that only moves when the client sleeps; every wait is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


async def public_resolver(host: str, port: int) -> list[str]:
    return [PUBLIC_ADDRESS]


def policy(**changes: Any) -> HttpPolicy:
    settings: dict[str, Any] = {"html_interval": 0.0, "api_interval": 0.0, "retries": 2, "max_body_bytes": 1_000_000}
    settings.update(changes)
    return HttpPolicy(**settings)


def run(
    handler: Handler,
    body: Callable[[HttpClient], Awaitable[Any]],
    *,
    http_policy: HttpPolicy | None = None,
    time: FakeTime | None = None,
    resolver: Callable[[str, int], Awaitable[list[str]]] = public_resolver,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Any:
    """Run `body(client)` in a fresh event loop, with a client built inside it."""
    fake = time or FakeTime()

    async def main() -> Any:
        async with HttpClient(
            http_policy or policy(),
            transport=transport or httpx.MockTransport(handler),
            resolver=resolver,
            sleep=fake.sleep,
            clock=fake.clock,
        ) as client:
            return await body(client)

    return asyncio.run(main())


@dataclass(frozen=True)
class Reply:
    """A response to build afresh for each request, its body unread, as a real transport gives it.

    (`httpx.Response(content=...)` reads its body at once, so its raw stream could not be read again.)
    """

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]

    def build(self) -> httpx.Response:
        headers = [*self.headers, ("Content-Length", str(len(self.body)))]
        return httpx.Response(self.status, headers=headers, stream=httpx.ByteStream(self.body))


def reply(status: int = 200, *, text: str = "", content: bytes = b"", headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, content or text.encode(), tuple((headers or {}).items()))


class Script:
    """A handler answering from a list of replies, in order (the last one repeats), remembering every request."""

    def __init__(self, *replies: Reply | Exception) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(answer, Exception):
            raise answer
        return answer.build()


def get(url: str, **kwargs: Any) -> Callable[[HttpClient], Awaitable[Fetched]]:
    return lambda client: client.fetch(url, **kwargs)


# -- retries ------------------------------------------------------------------------------------------


def test_retries_on_503_then_succeeds() -> None:
    script = Script(reply(503), reply(200, text="ok"))
    time = FakeTime()
    result = run(script, get("https://api.example.com/v1", kind="api"), time=time)
    assert result.status_code == 200
    assert result.text == "ok"
    assert len(script.requests) == 2
    assert len(time.waits) == 1
    assert 0.5 <= time.waits[0] <= 1.5  # first backoff: 1 s, jittered by x0.5..x1.5


def test_gives_up_after_the_retries_and_returns_the_last_429() -> None:
    script = Script(reply(429, headers={"Retry-After": "2"}, text="slow down"))
    time = FakeTime()
    result = run(script, get("https://api.example.com/v1", kind="api"), time=time)
    assert result.status_code == 429
    assert result.text == "slow down"
    assert len(script.requests) == 3  # one try and two retries
    assert len(time.waits) == 2


def test_retry_count_follows_the_policy() -> None:
    script = Script(reply(500))
    run(script, get("https://api.example.com/v1", kind="api"), http_policy=policy(retries=0))
    assert len(script.requests) == 1


def test_retry_after_is_honoured_and_scaled() -> None:
    script = Script(reply(429, headers={"Retry-After": "7"}), reply(200))
    time = FakeTime()
    result = run(script, get("https://api.example.com/v1", kind="api"), http_policy=policy(time_scale=0.5), time=time)
    assert result.status_code == 200
    assert time.waits == [pytest.approx(3.5)]


def test_a_very_long_retry_after_is_recorded_not_waited_for() -> None:
    script = Script(reply(429, headers={"Retry-After": "86400"}), reply(200))
    time = FakeTime()
    result = run(script, get("https://api.example.com/v1", kind="api"), time=time)
    assert result.status_code == 429
    assert len(script.requests) == 1
    assert time.waits == []


def test_no_retry_on_404() -> None:
    script = Script(reply(404, text="gone"), reply(200))
    time = FakeTime()
    result = run(script, get("https://api.example.com/v1", kind="api"), time=time)
    assert result.status_code == 404
    assert len(script.requests) == 1
    assert time.waits == []


def test_an_engine_rate_limit_status_is_retried_only_when_asked() -> None:
    script = Script(reply(202), reply(200))
    assert run(script, get("https://html.example.com/", kind="api")).status_code == 202
    script = Script(reply(202), reply(200))
    result = run(script, get("https://html.example.com/", kind="api", extra_retry_statuses=frozenset({202})))
    assert result.status_code == 200
    assert len(script.requests) == 2


def test_connection_errors_become_fetch_error_after_the_retries() -> None:
    script = Script(httpx.ConnectError("connection refused"))
    time = FakeTime()
    with pytest.raises(FetchError) as caught:
        run(script, get("https://api.example.com/v1?api_key=SECRET", kind="api"), time=time)
    assert caught.value.kind == "connection"
    assert "SECRET" not in str(caught.value)
    assert len(script.requests) == 3
    assert len(time.waits) == 2


def test_timeouts_become_fetch_error() -> None:
    script = Script(httpx.ReadTimeout("slow"))
    with pytest.raises(FetchError) as caught:
        run(script, get("https://api.example.com/v1", kind="api"))
    assert caught.value.kind == "timeout"


def test_a_connection_error_then_success() -> None:
    script = Script(httpx.RemoteProtocolError("reset"), reply(200, text="fine"))
    assert run(script, get("https://api.example.com/v1", kind="api")).text == "fine"


def test_requests_are_counted_retries_included() -> None:
    script = Script(reply(503), reply(200))

    async def body(client: HttpClient) -> int:
        await client.fetch("https://api.example.com/", kind="api")
        return client.sent

    assert run(script, body) == 2


# -- pacing -------------------------------------------------------------------------------------------


def twice(url_a: str, url_b: str, kind: str) -> Callable[[HttpClient], Awaitable[None]]:
    async def body(client: HttpClient) -> None:
        await client.fetch(url_a, kind=kind)
        await client.fetch(url_b, kind=kind)

    return body


def test_two_html_fetches_to_one_host_are_paced() -> None:
    time = FakeTime()
    script = Script(reply(200))
    run(
        script,
        twice("https://x.example/a", "https://x.example/b", "html"),
        http_policy=policy(html_interval=1.0),
        time=time,
    )
    assert time.waits == [pytest.approx(1.0)]


def test_pacing_is_scaled() -> None:
    time = FakeTime()
    script = Script(reply(200))
    body = twice("https://x.example/a", "https://x.example/b", "html")
    run(script, body, http_policy=policy(html_interval=1.0, time_scale=0.02), time=time)
    assert time.waits == [pytest.approx(0.02)]


def test_api_fetches_are_not_paced_by_the_html_interval() -> None:
    time = FakeTime()
    script = Script(reply(200))
    run(
        script,
        twice("https://x.example/a", "https://x.example/b", "api"),
        http_policy=policy(html_interval=1.0),
        time=time,
    )
    assert time.waits == []


def test_two_hosts_are_not_paced_against_each_other() -> None:
    time = FakeTime()
    script = Script(reply(200))
    run(
        script,
        twice("https://a.example/", "https://b.example/", "html"),
        http_policy=policy(html_interval=1.0),
        time=time,
    )
    assert time.waits == []


def test_concurrent_html_fetches_to_one_host_go_one_at_a_time() -> None:
    time = FakeTime()
    script = Script(reply(200))

    async def body(client: HttpClient) -> None:
        await asyncio.gather(*(client.fetch(f"https://x.example/{i}") for i in range(3)))

    run(script, body, http_policy=policy(html_interval=1.0), time=time)
    assert time.waits == [pytest.approx(1.0), pytest.approx(1.0)]
    assert len(script.requests) == 3


# -- size caps ----------------------------------------------------------------------------------------


def test_declared_length_over_the_cap_is_refused() -> None:
    script = Script(reply(200, content=b"x" * 2000))
    with pytest.raises(ResponseTooLarge):
        run(script, get("https://x.example/"), http_policy=policy(max_body_bytes=1000))
    assert len(script.requests) == 1  # never retried


def test_streamed_body_over_the_cap_is_refused_without_reading_it_all() -> None:
    sent: list[int] = []

    class Endless(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            for i in range(1000):
                sent.append(i)
                yield b"y" * 100

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Endless())  # no Content-Length: only reading tells the size

    with pytest.raises(ResponseTooLarge):
        run(handler, get("https://x.example/"), http_policy=policy(max_body_bytes=1000))
    assert len(sent) < 20


def test_body_at_the_cap_is_read() -> None:
    script = Script(reply(200, content=b"z" * 1000))
    assert len(run(script, get("https://x.example/"), http_policy=policy(max_body_bytes=1000)).body) == 1000


def test_gzip_and_deflate_bodies_are_inflated() -> None:
    html = "<html><body>Émilie Tremblay</body></html>".encode()
    for encoding, data in (("gzip", gzip.compress(html)), ("deflate", zlib.compress(html))):
        script = Script(reply(200, headers={"Content-Encoding": encoding}, content=data))
        result = run(script, get("https://x.example/"))
        assert result.body == html, encoding


def gzip_bomb(megabytes: int) -> bytes:
    """`megabytes` MB of zeros, gzipped a megabyte at a time (never held inflated)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1024 * 1024)
    parts = [packer.compress(block) for _ in range(megabytes)]
    parts.append(packer.flush())
    return b"".join(parts)


def test_a_gzip_bomb_is_refused_without_inflating_it(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = gzip_bomb(50)
    assert len(bomb) < 200_000
    cap = 1_000_000
    held: list[int] = []
    feed = bodies._BoundedDecoder.feed

    def watched(self: Any, chunk: bytes) -> None:
        try:
            feed(self, chunk)
        finally:
            held.append(len(self._out))

    monkeypatch.setattr(bodies._BoundedDecoder, "feed", watched)
    script = Script(reply(200, headers={"Content-Encoding": "gzip"}, content=bomb))
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLarge, match="decompressed"):
            run(script, get("https://x.example/"), http_policy=policy(max_body_bytes=cap))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held
    assert max(held) <= cap + 1
    assert peak < 10 * cap  # far from the 50 MB it would take inflated


def test_a_corrupt_compressed_body_is_a_fetch_error() -> None:
    script = Script(reply(200, headers={"Content-Encoding": "gzip"}, content=b"\x1f\x8bnot gzip at all"))
    with pytest.raises(FetchError) as caught:
        run(script, get("https://x.example/"))
    assert caught.value.kind == "encoding"


# -- redirects and the SSRF guard ---------------------------------------------------------------------


def redirecting(location: str, status: int = 302) -> Script:
    return Script(reply(status, headers={"Location": location}), reply(200, text="landed"))


@pytest.mark.parametrize(
    "location",
    ["http://127.0.0.1/admin", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://10.1.2.3/"],
)
def test_redirects_to_private_addresses_are_refused(location: str) -> None:
    script = redirecting(location)
    with pytest.raises(FetchRefused, match="not a public address"):
        run(script, get("https://start.example/"))
    assert [str(r.url) for r in script.requests] == ["https://start.example/"]


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1/ok",
        "http://[::1]:8765/",
        "http://user@127.1/",
        "http://2130706433/",
        "http://0x7f.0.0.1/",
        "http://[::ffff:169.254.169.254]/",
        "http://[::127.0.0.1]/",
        "http://[64:ff9b:1::7f00:1]/",
        "http://[64:ff9b::7f00:1]/",
        "http://[2002:7f00:1::]/",
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
    ],
)
def test_a_literal_loopback_address_is_refused_even_in_sandbox_mode(location: str) -> None:
    # The sandbox answers for names; its own address is never a URL an audit fetches (issue 8).
    script = redirecting(location)
    with pytest.raises(FetchRefused, match="not a public address"):
        run(script, get("https://start.example/"), http_policy=policy(sandbox_url="http://127.0.0.1:8765"))
    assert [str(r.url) for r in script.requests] == ["https://start.example/"]


def test_names_are_not_resolved_in_sandbox_mode() -> None:
    async def private(host: str, port: int) -> list[str]:
        return ["10.0.0.1"]

    script = redirecting("https://profile.example/moved")
    result = run(
        script, get("https://start.example/"), resolver=private, http_policy=policy(sandbox_url="http://127.0.0.1:1")
    )
    assert result.status_code == 200 and result.redirects == ("https://start.example/",)


def test_metadata_address_is_refused_even_in_sandbox_mode() -> None:
    script = redirecting("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(FetchRefused):
        run(script, get("https://start.example/"), http_policy=policy(sandbox_url="http://127.0.0.1:8765"))


def test_redirect_is_followed_with_relative_location_and_recorded() -> None:
    script = redirecting("/in/emilietremblay/", 301)
    result = run(script, get("https://www.linkedin.com/in/emilietremblay"))
    assert result.url == "https://www.linkedin.com/in/emilietremblay/"
    assert result.redirects == ("https://www.linkedin.com/in/emilietremblay",)
    assert result.text == "landed"


def test_303_turns_a_post_into_a_get_and_307_keeps_it() -> None:
    script = redirecting("https://x.example/after", 303)
    run(script, get("https://x.example/form", method="POST", form={"q": "Émilie"}))
    assert [r.method for r in script.requests] == ["POST", "GET"]
    assert script.requests[1].content == b""
    script = redirecting("https://x.example/after", 307)
    run(script, get("https://x.example/form", method="POST", form={"q": "Émilie"}))
    assert [r.method for r in script.requests] == ["POST", "POST"]
    assert script.requests[1].content == b"q=%C3%89milie"


def test_redirect_loop() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        target = "/b" if request.url.path == "/a" else "/a"
        return reply(302, headers={"Location": target}).build()

    with pytest.raises(FetchError) as caught:
        run(handler, get("https://x.example/a"))
    assert caught.value.kind == "redirect_loop"


def chain(final_hop: int) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        hop = int(request.url.path.rsplit("/", 1)[1])
        if hop < final_hop:
            return reply(302, headers={"Location": f"/r/{hop + 1}"}).build()
        return reply(200, text="end").build()

    return handler


def test_five_redirects_are_followed() -> None:
    result = run(chain(5), get("https://x.example/r/0"))
    assert result.text == "end"
    assert len(result.redirects) == 5


def test_more_than_five_redirects() -> None:
    with pytest.raises(FetchError) as caught:
        run(chain(6), get("https://x.example/r/0"))
    assert caught.value.kind == "too_many_redirects"


@pytest.mark.parametrize("url", ["ftp://example.com/file", "file:///etc/passwd", "javascript:alert(1)"])
def test_non_http_schemes_are_refused(url: str) -> None:
    script = Script(reply(200))
    with pytest.raises(FetchRefused, match="only http and https"):
        run(script, get(url))
    assert script.requests == []


def test_redirect_to_a_file_url_is_refused() -> None:
    with pytest.raises(FetchRefused):
        run(redirecting("file:///etc/passwd"), get("https://x.example/"))


def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    async def private(host: str, port: int) -> list[str]:
        return ["10.0.0.1"]

    script = Script(reply(200))
    with pytest.raises(FetchRefused, match=r"10\.0\.0\.1"):
        run(script, get("https://intranet.example/"), resolver=private)
    assert script.requests == []


def test_one_private_address_among_public_ones_is_enough_to_refuse() -> None:
    async def mixed(host: str, port: int) -> list[str]:
        return [PUBLIC_ADDRESS, "fd00::1"]

    with pytest.raises(FetchRefused):
        run(Script(reply(200)), get("https://mixed.example/"), resolver=mixed)


def test_every_redirect_hop_is_resolved_and_checked() -> None:
    async def split_horizon(host: str, port: int) -> list[str]:
        return ["10.0.0.7"] if host == "internal.example" else [PUBLIC_ADDRESS]

    script = redirecting("https://internal.example/admin")
    with pytest.raises(FetchRefused, match=r"internal\.example resolves to 10\.0\.0\.7"):
        run(script, get("https://start.example/"), resolver=split_horizon)
    assert [r.url.host for r in script.requests] == ["start.example"]


@pytest.mark.parametrize(
    "address",
    ["::ffff:127.0.0.1", "2002:7f00:1::", "64:ff9b::a9fe:a9fe", "64:ff9b::a00:1", "0.0.0.0", "100.64.0.1", "224.0.0.1"],
)
def test_addresses_that_hide_a_private_one_are_refused(address: str) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return [address]

    with pytest.raises(FetchRefused):
        run(Script(reply(200)), get("https://sneaky.example/"), resolver=resolver)


@pytest.mark.parametrize("address", ["2002:5db8:d70e::", "64:ff9b::5db8:d70e", "2606:4700::1111"])
def test_ipv6_forms_of_public_addresses_are_allowed(address: str) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return [address]

    assert run(Script(reply(200)), get("https://v6.example/"), resolver=resolver).status_code == 200


def test_an_unresolvable_name_is_a_fetch_error() -> None:
    async def failing(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(FetchError) as caught:
        run(Script(reply(200)), get("https://nowhere.example/"), resolver=failing)
    assert caught.value.kind == "dns"


# -- robots.txt ---------------------------------------------------------------------------------------


class Site:
    """A site serving `robots` at /robots.txt and "page" everywhere else; remembers the paths asked."""

    def __init__(self, robots: Reply | Exception) -> None:
        self.robots = robots
        self.paths: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        if request.url.path != "/robots.txt":
            return reply(200, text="page").build()
        if isinstance(self.robots, Exception):
            raise self.robots
        return self.robots.build()


DISALLOW_PRIVATE = reply(200, text="User-agent: *\nDisallow: /private\n")


def test_robots_disallow_is_refused() -> None:
    site = Site(DISALLOW_PRIVATE)
    with pytest.raises(FetchRefused, match=r"robots\.txt of site\.example disallows"):
        run(site, get("https://site.example/private/page", respect_robots=True))
    assert site.paths == ["/robots.txt"]


def test_robots_allows_other_paths_and_is_read_once() -> None:
    site = Site(DISALLOW_PRIVATE)

    async def body(client: HttpClient) -> list[int]:
        first = await client.fetch("https://site.example/", respect_robots=True)
        second = await client.fetch("https://site.example/about", respect_robots=True)
        return [first.status_code, second.status_code]

    assert run(site, body) == [200, 200]
    assert site.paths == ["/robots.txt", "/", "/about"]


def test_robots_is_ignored_unless_asked() -> None:
    site = Site(reply(200, text="User-agent: *\nDisallow: /\n"))
    assert run(site, get("https://site.example/private")).status_code == 200
    assert site.paths == ["/private"]


def test_missing_robots_allows_everything() -> None:
    site = Site(reply(404, text="not found"))
    assert run(site, get("https://site.example/private/page", respect_robots=True)).text == "page"


def test_unreachable_robots_disallows_everything() -> None:
    # RFC 9309 section 2.3.1.4: a server error on robots.txt means complete disallow.
    site = Site(reply(503, text="down"))
    with pytest.raises(FetchRefused, match="unreachable"):
        run(site, get("https://site.example/page", respect_robots=True))
    assert site.paths == ["/robots.txt"] * 3  # retried like any fetch, then given up
    # A host that cannot be connected to is disallowed too, and its page fails as what happened: the network,
    # not robots.txt (the page is still never requested).
    site = Site(httpx.ConnectError("reset"))
    with pytest.raises(FetchError, match=r"^could not connect \(DNS/connection\): connection failed") as failed:
        run(site, get("https://site.example/page", respect_robots=True))
    assert failed.value.kind == "connection"
    assert "/page" not in site.paths


def test_a_network_that_is_down_is_never_blamed_on_robots_txt(caplog: pytest.LogCaptureFixture) -> None:
    async def offline(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    site = Site(reply(200, text="User-agent: *\nAllow: /\n"))
    caplog.set_level(logging.DEBUG, logger="auditor.net.client")
    for ask in (get("https://site.example/page", respect_robots=True), allowed("https://site.example/page")):
        with pytest.raises(FetchError, match=r"^could not connect \(DNS/connection\): cannot resolve site.example"):
            run(site, ask, resolver=offline)
    assert site.paths == []
    # The debug log names each failure, though no request left the machine.
    assert "failed: GET https://site.example/robots.txt: could not connect (DNS/connection)" in caplog.text


def allowed(url: str) -> Callable[[HttpClient], Awaitable[bool]]:
    return lambda client: client.allowed_by_robots(url)


# -- decoding -----------------------------------------------------------------------------------------


def test_invalid_utf8_is_replaced_not_raised() -> None:
    body = b"<p>\xc3\x89milie \xff\xfe Tremblay</p>"
    script = Script(reply(200, headers={"Content-Type": "text/html; charset=utf-8"}, content=body))
    text = run(script, get("https://x.example/")).text
    assert text.startswith("<p>Émilie ")
    assert "\ufffd" in text
    assert text.endswith(" Tremblay</p>")


def test_charset_from_the_content_type_is_honoured() -> None:
    body = "<p>Émilie Tremblay, Montréal</p>".encode("latin-1")
    script = Script(reply(200, headers={"Content-Type": 'text/html; charset="ISO-8859-1"'}, content=body))
    result = run(script, get("https://x.example/"))
    assert result.text == "<p>Émilie Tremblay, Montréal</p>"
    assert result.headers["content-type"] == 'text/html; charset="ISO-8859-1"'


def test_decode_text_of_any_body() -> None:
    assert decode_text("é".encode(), "text/html") == "é"
    assert decode_text("é".encode("latin-1"), "text/html; charset=latin-1") == "é"
    assert decode_text("é".encode(), "text/html; charset=no-such-codec") == "é"
    # An unknown charset is no declaration: undeclared bytes that are not UTF-8 are read as windows-1252.
    assert decode_text(b"\xe9", "text/html; charset=no-such-codec") == "é"
    assert decode_text('{"nom": "Émilie"}'.encode(), "application/json") == '{"nom": "Émilie"}'


# -- headers, forms, redaction, sandbox ---------------------------------------------------------------


def test_user_agent_form_and_params_are_sent() -> None:
    script = Script(reply(200))
    run(script, get("https://html.example.com/html/", method="POST", form={"q": "Émilie Tremblay", "kl": "ca-fr"}))
    (request,) = script.requests
    assert request.headers["user-agent"] == USER_AGENT
    assert request.method == "POST"
    assert request.content == b"q=%C3%89milie+Tremblay&kl=ca-fr"
    script = Script(reply(200))
    run(script, get("https://searx.example/search", kind="api", params={"q": "É T", "format": "json"}))
    assert str(script.requests[0].url) == "https://searx.example/search?q=%C3%89+T&format=json"


def test_redact_blanks_secret_parameters() -> None:
    url = "https://api.example.com/search?q=%C3%89milie&api_key=s3cr3t&key=k3y&token=t0k&Token=T&cx=engine"
    redacted = redact(url)
    for secret in ("s3cr3t", "k3y", "t0k", "=T&"):
        assert secret not in redacted
    assert "q=%C3%89milie" in redacted
    assert "cx=engine" in redacted
    assert redacted.count("REDACTED") == 4
    assert redact("https://example.com/path") == "https://example.com/path"


def test_sandbox_transport_routes_to_the_sandbox_and_keeps_the_real_url() -> None:
    seen: list[httpx.Request] = []

    def sandbox(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return reply(200, text="from the sandbox").build()

    async def never(host: str, port: int) -> list[str]:
        raise AssertionError("names are never resolved in sandbox mode")

    transport = SandboxTransport("http://127.0.0.1:8765", inner=httpx.MockTransport(sandbox))
    url = "https://www.linkedin.com/in/emilietremblay?trk=x"
    result = run(
        sandbox,
        get(url),
        http_policy=policy(sandbox_url="http://127.0.0.1:8765"),
        transport=transport,
        resolver=never,
    )
    (request,) = seen
    assert str(request.url) == "http://127.0.0.1:8765/in/emilietremblay?trk=x"
    assert request.headers["host"] == "www.linkedin.com"
    assert request.headers["x-forwarded-proto"] == "https"
    assert result.url == url
    assert result.text == "from the sandbox"


def test_sandbox_transport_forwards_a_post_body() -> None:
    seen: list[httpx.Request] = []

    async def sandbox(request: httpx.Request) -> httpx.Response:
        await request.aread()
        seen.append(request)
        return reply(200).build()

    transport = SandboxTransport("http://127.0.0.1:8765", inner=httpx.MockTransport(sandbox))
    run(
        sandbox,
        get("https://html.duckduckgo.com/html/", method="POST", form={"q": "x", "kl": "ca-fr"}),
        http_policy=policy(sandbox_url="http://127.0.0.1:8765"),
        transport=transport,
    )
    assert seen[0].method == "POST"
    assert seen[0].headers["x-forwarded-proto"] == "https"
    assert seen[0].content == b"q=x&kl=ca-fr"


def test_an_already_read_response_from_a_mock_transport_is_still_served_and_capped() -> None:
    # httpx.Response(content=...) hands over bodies that are read already: no raw stream is left.
    small = run(lambda r: httpx.Response(200, content=b"hello"), lambda c: c.fetch("https://example.org/"))
    assert small.body == b"hello"
    with pytest.raises(ResponseTooLarge):
        run(
            lambda r: httpx.Response(200, content=b"x" * 2000),
            lambda c: c.fetch("https://example.org/"),
            http_policy=policy(max_body_bytes=1000),
        )


# -- issue 8: Retry-After dates, host holds, attempts, deadlines, malformed redirects ------------------


WALL = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.UTC)


def run_at(wall: dt.datetime, handler: Handler, body: Callable[[HttpClient], Awaitable[Any]], time: FakeTime) -> Any:
    async def main() -> Any:
        async with HttpClient(
            policy(),
            transport=httpx.MockTransport(handler),
            resolver=public_resolver,
            sleep=time.sleep,
            clock=time.clock,
            wall_clock=lambda: wall,
        ) as client:
            return await body(client)

    return asyncio.run(main())


def test_retry_after_as_an_http_date_is_honoured() -> None:
    script = Script(reply(429, headers={"Retry-After": "Sun, 01 Mar 2026 12:00:42 GMT"}), reply(200))
    time = FakeTime()
    assert run_at(WALL, script, get("https://api.example.com/v1", kind="api"), time).status_code == 200
    assert time.waits == [pytest.approx(42.0)]


@pytest.mark.parametrize("value", ["Sun, 01 Mar 2026 11:00:00 GMT", "soon", "-5", "1.5"])
def test_a_past_or_unreadable_retry_after_falls_back_to_the_backoff(value: str) -> None:
    script = Script(reply(503, headers={"Retry-After": value}), reply(200))
    time = FakeTime()
    assert run_at(WALL, script, get("https://api.example.com/v1", kind="api"), time).status_code == 200
    assert len(time.waits) == 1 and 0.5 <= time.waits[0] <= 1.5


def test_an_http_date_far_ahead_is_recorded_not_waited_for() -> None:
    script = Script(reply(429, headers={"Retry-After": "Mon, 02 Mar 2026 12:00:00 GMT"}), reply(200))
    time = FakeTime()
    assert run_at(WALL, script, get("https://api.example.com/v1", kind="api"), time).status_code == 429
    assert time.waits == [] and len(script.requests) == 1


def test_a_retry_after_holds_the_whole_host_not_only_the_request_that_got_it() -> None:
    script = Script(reply(429, headers={"Retry-After": "10"}), reply(200))
    time = FakeTime()

    async def body(client: HttpClient) -> None:
        assert (await client.fetch("https://api.example.com/a", kind="api")).status_code == 429  # no retries left
        await client.fetch("https://api.example.com/b", kind="api")  # another request, the same host
        await client.fetch("https://other.example.com/c", kind="api")  # another host: not held

    run(script, body, http_policy=policy(retries=0), time=time)
    assert time.waits == [pytest.approx(10.0)]


def test_attempts_count_retries_and_redirect_hops() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return reply(301, headers={"Location": "/new"}).build()
        return next(answers).build()

    answers = iter([reply(503), reply(200, text="ok")])
    result = run(handler, get("https://api.example.com/old", kind="api"))
    assert result.status_code == 200 and result.attempts == 4  # (301, 503), then (301, 200)


def test_a_failed_fetch_says_how_many_requests_it_sent() -> None:
    with pytest.raises(FetchError) as caught:
        run(Script(httpx.ConnectError("refused")), get("https://api.example.com/", kind="api"))
    assert caught.value.attempts == 3 and attempts_of(caught.value) == 3
    with pytest.raises(ResponseTooLarge) as too_large:
        run(Script(reply(200, content=b"x" * 2000)), get("https://x.example/"), http_policy=policy(max_body_bytes=10))
    assert too_large.value.attempts == 1
    with pytest.raises(FetchRefused) as refused:
        run(redirecting("http://10.0.0.1/"), get("https://x.example/"))
    assert refused.value.attempts == 1  # the hop that answered with the redirect
    assert attempts_of(ValueError()) == 0


def test_a_body_that_never_ends_is_cut_by_the_attempt_deadline() -> None:
    class Drip(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            while True:  # each chunk well within any read timeout, the body never complete
                await asyncio.sleep(0.01)
                yield b" "

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Drip())

    async def real_sleep(seconds: float) -> None:
        await asyncio.sleep(0)

    async def main() -> None:
        async with HttpClient(
            policy(timeout=5.0, deadline=0.1, retries=1),
            transport=httpx.MockTransport(handler),
            resolver=public_resolver,
            sleep=real_sleep,
        ) as client:
            await client.fetch("https://slow.example/")

    with pytest.raises(FetchError) as caught:
        asyncio.run(main())
    assert caught.value.kind == "timeout" and "0.1 s" in str(caught.value)
    assert caught.value.attempts == 2
    assert HttpPolicy(timeout=3).attempt_deadline == 12


@pytest.mark.parametrize("location", ["http://[::1", "http://0177.0.0.1/", "http://[fe80::1%eth0/"])
def test_a_redirect_to_a_malformed_url_is_refused_not_retried(location: str) -> None:
    script = redirecting(location)
    with pytest.raises(FetchRefused, match=r"malformed|not a valid URL"):
        run(script, get("https://x.example/"))
    assert len(script.requests) == 1


# -- the guard at connection: what was checked is what is connected to --------------------------------


class LocalServer:
    """A real HTTP server on 127.0.0.1 answering "pinned" to every request; counts them."""

    def __init__(self) -> None:
        import http.server
        import threading

        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.headers.get("Host"))
                self.send_response(200)
                self.send_header("Content-Length", "6")
                self.end_headers()
                self.wfile.write(b"pinned")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    server = LocalServer()
    yield server
    server.close()


def real_fetch(
    url: str, resolver: guard.Resolver, transport: httpx.AsyncBaseTransport | None = None, **changes: Any
) -> Fetched:
    async def main() -> Fetched:
        async with HttpClient(policy(**changes), resolver=resolver, transport=transport) as client:
            return await client.fetch(url)

    return asyncio.run(main())


def test_a_name_that_rebinds_to_a_private_address_after_the_check_is_refused_at_connection(
    local_server: LocalServer,
) -> None:
    answers = iter([[PUBLIC_ADDRESS], ["127.0.0.1"]])  # the check sees a public address, the connection not

    async def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    with pytest.raises(FetchRefused, match=r"127\.0\.0\.1.*at connection"):
        real_fetch(f"http://rebind.example:{local_server.port}/", rebinding)
    assert local_server.hits == []


def test_the_connection_goes_to_the_address_that_was_checked(local_server: LocalServer) -> None:
    # rebind.example resolves nowhere but through our resolver: the socket used the checked address, and
    # the request still names the host.
    async def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    transport = guard.guarded_transport(resolver, allowed=lambda address: True)
    result = real_fetch(f"http://rebind.example:{local_server.port}/", public_resolver, transport)
    assert result.body == b"pinned"
    assert local_server.hits == [f"rebind.example:{local_server.port}"]


def test_a_trusted_origin_is_connected_to_as_configured(local_server: LocalServer) -> None:
    url = f"http://localhost:{local_server.port}/"

    async def system_like(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    result = real_fetch(url + "search", system_like, trusted_origins=frozenset({guard.origin_of(url)}))
    assert result.body == b"pinned"
    with pytest.raises(FetchRefused):
        real_fetch(url, system_like)  # the same server, not trusted: refused


def test_the_guarded_backend_refuses_unix_sockets_and_unresolvable_names() -> None:
    import httpcore

    async def failing(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    async def main() -> None:
        backend = guard.GuardedBackend(failing)
        with pytest.raises(httpcore.ConnectError, match="cannot resolve"):
            await backend.connect_tcp("nowhere.example", 443)
        with pytest.raises(FetchRefused):
            await backend.connect_unix_socket("/var/run/docker.sock")

    asyncio.run(main())


def test_the_browser_reads_sub_requests_within_the_cap_too() -> None:
    from auditor.net.browser import BrowserFetcher

    bomb = gzip_bomb(20)

    def handler(request: httpx.Request) -> httpx.Response:
        return reply(200, headers={"Content-Encoding": "gzip"}, content=bomb).build()

    async def main() -> None:
        fetcher = BrowserFetcher(policy(max_body_bytes=1_000_000), HostPacer(1))
        fetcher._proxy = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        try:
            with pytest.raises(ResponseTooLarge, match="decompressed"):
                await fetcher._send("GET", "https://x.example/script.js", {}, None)
        finally:
            await fetcher.aclose()

    asyncio.run(main())


@pytest.mark.parametrize("url", ["http://[::1", "https://exa mple.com:99999/", "http://0177.0.0.1/?key=SECRET"])
def test_a_malformed_url_is_refused_before_anything_is_sent(url: str) -> None:
    script = Script(reply(200))
    with pytest.raises(FetchRefused) as caught:
        run(script, get(url, respect_robots=True))
    assert script.requests == [] and "SECRET" not in str(caught.value)


def test_redact_never_raises() -> None:
    assert redact("http://[::1/?api_key=SECRET&q=1") == "http://[::1/?api_key=REDACTED&q=1"


# -- the Fetcher protocol -----------------------------------------------------------------------------


def test_send_gives_an_answer_with_its_secrets_redacted() -> None:
    script = Script(
        reply(302, headers={"Location": "https://api.example.com/v2?api_key=SECRET9"}), reply(200, text="fine")
    )
    asked = Request("https://api.example.com/v1", "engine", via="api", params={"q": "É", "api_key": "SECRET9"})
    fetched = run(script, lambda client: client.send(asked))
    assert (fetched.status_code, fetched.text, fetched.error, fetched.attempts) == (200, "fine", "", 2)
    assert fetched.requested_url == "https://api.example.com/v1?q=%C3%89&api_key=REDACTED"
    assert fetched.url == "https://api.example.com/v2?api_key=REDACTED"
    assert fetched.redirects == (fetched.requested_url,)
    assert str(script.requests[0].url) == "https://api.example.com/v1?q=%C3%89&api_key=SECRET9"  # sent as it is


def test_send_returns_a_failure_as_data_in_the_words_of_its_request() -> None:
    script = Script(httpx.ConnectError("connection refused"))
    url = "https://site.example/page"
    page = run(script, lambda client: client.send(Request(url, "site")), http_policy=policy(retries=1))
    engine = run(script, lambda client: client.send(Request(url, "engine", describe=plain_words)))
    assert page.status_code is None and not page.answered and page.attempts == 2
    assert page.error == f"connection: connection failed (ConnectError): {url}"
    assert engine.error == f"connection failed (ConnectError): {url}"
    assert page.reached == "" and page.url == url  # it failed at the URL asked
    refused = run(Script(reply(200)), lambda client: client.send(Request("http://127.0.0.1/", "candidate")))
    assert refused.error.startswith("refused: ") and refused.attempts == 0


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("::127.0.0.1", False),
        ("::7f00:1", False),
        ("::8.8.8.8", False),
        ("64:ff9b:1::7f00:1", False),
        ("64:ff9b:1::808:808", False),
        ("64:ff9b::7f00:1", False),
        ("64:ff9b::808:808", True),
        ("::ffff:127.0.0.1", False),
        ("::ffff:8.8.8.8", True),
        ("2606:4700::1111", True),
        ("8.8.8.8", True),
    ],
)
def test_ipv6_forms_carrying_an_ipv4_address_are_judged_by_it(address: str, allowed: bool) -> None:
    # IPv4-compatible (::a.b.c.d, deprecated, never routed) and the local-use NAT64 prefix (64:ff9b:1::/48,
    # RFC 8215, site-local by definition) are refused whatever they carry; the well-known NAT64 prefix and
    # IPv4-mapped forms are judged by the IPv4 address.
    assert guard.address_allowed(address) is allowed
