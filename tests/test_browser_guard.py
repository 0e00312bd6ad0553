"""The browser fetcher's guard against what a hostile page asks of Chromium (issue 8): requests to private
addresses are refused by the route handler, and WebSockets, which the route handler never sees, are not
opened at all. A real local TCP listener is the witness: nothing may connect to it."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import httpx
import pytest

from auditor.net import browser as browser_module
from auditor.net.browser import BrowserFetcher
from auditor.net.client import HostPacer, HttpPolicy

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

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
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
