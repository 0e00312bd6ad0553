"""The browser fetcher's guard against what a hostile page asks of Chromium (issue 8): requests to private
addresses are refused by the route handler, and WebSockets, which the route handler never sees, are not
opened at all. Real local TCP listeners and UDP sockets (127.0.0.1 and ::1) are the witnesses: nothing may
reach them."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import httpx
import pytest

from auditor.errors import FetchError
from auditor.net import browser as browser_module
from auditor.net.browser import BrowserFetcher
from auditor.net.client import HttpPolicy
from auditor.net.fetcher import Request
from auditor.net.pacer import HostPacer

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html><body><h1>Profile</h1><script>
const target = "127.0.0.1:%(port)d";
let pending = 2;
const done = () => {
  if (--pending === 0) { const d = document.createElement("p"); d.id = "done"; document.body.append(d); }
};
fetch("http://" + target + "/steal").catch(() => {}).finally(done);
try {
  const socket = new WebSocket("ws://" + target + "/socket");
  socket.onopen = socket.onerror = socket.onclose = () => { socket.onclose = socket.onerror = null; done(); };
} catch (e) { done(); }
</script></body></html>"""


class Listener:
    """A TCP port on loopback that counts the connections made to it."""

    def __init__(self, family: socket.AddressFamily = socket.AF_INET, host: str = "127.0.0.1") -> None:
        self.sock = socket.socket(family)
        self.sock.bind((host, 0))
        self.sock.listen()
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    witness = Listener()
    yield witness
    witness.close()


def test_a_page_cannot_reach_a_private_address_by_fetch_or_websocket(
    listener: Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = PAGE % {"port": listener.port}

    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html; charset=utf-8"}, text=page)

    # The page itself comes from a mock web; everything else the page asks for is up to the guard.
    monkeypatch.setattr(browser_module, "client_transport", lambda policy, resolver: httpx.MockTransport(serve))

    async def public(host: str, port: int) -> list[str]:
        return ["93.184.215.14"]

    async def run() -> tuple[str, list[str]]:
        async with BrowserFetcher(HttpPolicy(timeout=10), HostPacer(2), resolver=public) as fetcher:
            result = await fetcher.fetch("https://profile.example/", wait_for="#done")
            return result.text, fetcher.refused

    html, refused = asyncio.run(run())
    assert 'id="done"' in html
    assert listener.connections == 0
    assert f"http://127.0.0.1:{listener.port}/steal" in refused
    assert f"ws://127.0.0.1:{listener.port}/socket" in refused


ISOLATION_PAGE = """<!doctype html><html><head>
<link rel="preconnect" href="http://127.0.0.1:%(tcp)d/">
<link rel="dns-prefetch" href="http://127.0.0.1:%(tcp)d/">
<link rel="prefetch" href="http://127.0.0.1:%(tcp)d/prefetch">
<link rel="prerender" href="http://127.0.0.1:%(tcp)d/prerender">
<script type="speculationrules">
{"prefetch": [{"source": "list", "urls": ["http://127.0.0.1:%(tcp)d/spec-prefetch", "http://[::1]:%(tcp6)d/spec"]}],
 "prerender": [{"source": "list", "urls": ["http://127.0.0.1:%(tcp)d/spec-prerender"]}]}
</script>
</head><body><h1>Profile</h1>
<a href="http://127.0.0.1:%(tcp)d/hover">a link</a>
<iframe src="http://127.0.0.1:%(tcp)d/frame"></iframe>
<iframe src="http://[::1]:%(tcp6)d/frame"></iframe>
<script>
const finish = () => { const d = document.createElement("p"); d.id = "done"; document.body.append(d); };
try {
  const peer = new RTCPeerConnection({iceServers: [
    {urls: "stun:127.0.0.1:%(udp)d"},
    {urls: "stun:[::1]:%(udp6)d"},
    {urls: "turn:127.0.0.1:%(tcp)d?transport=tcp", username: "u", credential: "p"},
    {urls: "turn:127.0.0.1:%(udp)d?transport=udp", username: "u", credential: "p"},
  ]});
  peer.createDataChannel("x");
  peer.createOffer().then(offer => peer.setLocalDescription(offer)).catch(() => {});
} catch (e) {}
setTimeout(finish, 2500);
</script></body></html>"""


class UdpWitness:
    """A UDP port that counts the datagrams sent to it."""

    def __init__(self, family: socket.AddressFamily, host: str) -> None:
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.datagrams = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()

    def _receive(self) -> None:
        while not self._stop.is_set():
            try:
                self.sock.recvfrom(2048)
            except OSError:
                continue
            self.datagrams += 1

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


def test_a_rendered_page_reaches_nothing_outside_the_route_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    # Speculation rules, prefetch/preconnect/prerender hints, iframes to loopback, WebRTC's STUN (UDP) and
    # TURN (TCP and UDP): witnesses listen on 127.0.0.1 and ::1 and nothing may arrive at any of them.
    tcp, tcp6 = Listener(), Listener(socket.AF_INET6, "::1")
    udp, udp6 = UdpWitness(socket.AF_INET, "127.0.0.1"), UdpWitness(socket.AF_INET6, "::1")
    try:
        page = ISOLATION_PAGE % {"tcp": tcp.port, "tcp6": tcp6.port, "udp": udp.port, "udp6": udp6.port}

        def serve(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, headers={"Content-Type": "text/html; charset=utf-8"}, text=page)

        monkeypatch.setattr(browser_module, "client_transport", lambda policy, resolver: httpx.MockTransport(serve))

        async def public(host: str, port: int) -> list[str]:
            return ["93.184.215.14"]

        async def run() -> str:
            async with BrowserFetcher(HttpPolicy(timeout=10), HostPacer(2), resolver=public) as fetcher:
                result = await fetcher.fetch("https://profile.example/", wait_for="#done")
                await asyncio.sleep(1.0)  # what a hint or an ICE check sends late still has time to arrive
                return result.text

        html = asyncio.run(run())
        assert 'id="done"' in html
        arrived = {
            "tcp 127.0.0.1": tcp.connections,
            "tcp ::1": tcp6.connections,
            "udp 127.0.0.1": udp.datagrams,
            "udp ::1": udp6.datagrams,
        }
        assert arrived == dict.fromkeys(arrived, 0)
    finally:
        for witness in (tcp, tcp6, udp, udp6):
            witness.close()


def test_a_page_that_builds_a_huge_dom_fails_before_it_is_serialised(monkeypatch: pytest.MonkeyPatch) -> None:
    # 20 MB of text made by the page's own script (nothing loaded): the size is measured in the page, so the
    # DOM never crosses the driver; the fetch fails with its reason instead of the driver running out of memory.
    page = """<!doctype html><html><body><script>
const blob = document.createElement("script");
blob.type = "text/plain";  // in the DOM, never laid out: quick to build even on a loaded machine
blob.textContent = "x".repeat(20 * 1024 * 1024);
document.body.append(blob);
const d = document.createElement("p"); d.id = "done"; document.body.append(d);
</script></body></html>"""

    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html; charset=utf-8"}, text=page)

    monkeypatch.setattr(browser_module, "client_transport", lambda policy, resolver: httpx.MockTransport(serve))
    from playwright.async_api import Page

    serialised: list[int] = []
    original = Page.content

    async def counted(self: Page) -> str:
        serialised.append(1)
        return await original(self)

    monkeypatch.setattr(Page, "content", counted)

    async def public(host: str, port: int) -> list[str]:
        return ["93.184.215.14"]

    async def run() -> None:
        async with BrowserFetcher(HttpPolicy(timeout=30), HostPacer(2), resolver=public) as fetcher:
            await fetcher.fetch("https://profile.example/", wait_for="#done")

    with pytest.raises(FetchError, match="over the 5242880-byte cap") as caught:
        asyncio.run(run())
    assert caught.value.kind == "too_large"
    assert serialised == []


def test_a_driver_that_dies_is_a_failed_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html; charset=utf-8"}, text="<p>hi</p>")

    monkeypatch.setattr(browser_module, "client_transport", lambda policy, resolver: httpx.MockTransport(serve))

    async def public(host: str, port: int) -> list[str]:
        return ["93.184.215.14"]

    async def run() -> list[str]:
        async with BrowserFetcher(HttpPolicy(timeout=10), HostPacer(2), resolver=public) as fetcher:
            first = await fetcher.send(Request("https://profile.example/", "profile", via="browser"))
            await fetcher._playwright.stop()  # the driver goes away, as when it runs out of memory
            second = await fetcher.send(Request("https://profile.example/again", "profile", via="browser"))
            return [first.error, second.error]

    first, second = asyncio.run(run())
    assert first == ""
    assert "browser could not load https://profile.example/again" in second, second
