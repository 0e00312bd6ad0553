"""The sandbox server: one loopback HTTP server that answers for every virtual host of a scenario.

Routing contract: the client sends each request to the sandbox's address with the original path and query,
the original host in `Host` and the original scheme in `X-Forwarded-Proto` (default `https`). Redirects
point at real absolute URLs, because the client keeps seeing real URLs. A host the scenario does not know
answers 502. `Host: 127.0.0.1:PORT` reaches the control endpoints:

    GET  /__sandbox__/           {"scenario", "month", "as_of", "months": ["2026-06-01", ...]}
    POST /__sandbox__/month/N    set the month (0-based), answers the same JSON
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

from auditor.errors import SandboxError
from auditor.sandbox import engines, faults, pages, profile_apis, results_pages, search_apis, walled
from auditor.sandbox.scenario import DDG_HOST, DDG_MAIN_HOST, Month, Scenario
from auditor.sandbox.wire import Request, Response, json_response, redirect, text

CONTROL_PREFIX = "/__sandbox__/"
MAX_REQUEST_BODY = 1 << 20


class Sandbox:
    """Serve `scenario` on 127.0.0.1 from a daemon thread; use as a context manager."""

    def __init__(self, scenario: Scenario, *, port: int = 0) -> None:
        self.scenario = scenario
        self._port = port
        self._lock = threading.Lock()
        self._month = 0
        self._requests: list[tuple[str, str, str]] = []
        self._exchanges: list[Exchange] = []
        self._counts: dict[tuple[int, str], int] = {}
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------------

    def start(self) -> Sandbox:
        if self._server is not None:
            return self
        try:
            server = _Server(("127.0.0.1", self._port), _Handler)
        except OSError as exc:
            raise SandboxError(f"cannot listen on 127.0.0.1:{self._port}: {exc}") from None
        server.sandbox = self
        self._stopping.clear()
        self._server = server
        # A short poll: `stop` waits for the loop to notice, and tests start and stop many sandboxes.
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="sandbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # wakes handlers sleeping in a `timeout` fault
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- state -----------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise SandboxError("the sandbox is not running")
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def month(self) -> int:
        with self._lock:
            return self._month

    def set_month(self, index: int) -> None:
        if not 0 <= index < len(self.scenario.months):
            raise SandboxError(f"month {index} out of range: the scenario has {len(self.scenario.months)}")
        with self._lock:
            self._month = index

    @property
    def requests(self) -> list[tuple[str, str, str]]:
        """(method, virtual host, path with query) of every request so far, oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def exchanges(self) -> list[Exchange]:
        """Every request with when its handling began and its answer was written, in the order they ended."""
        with self._lock:
            return list(self._exchanges)

    def record_exchange(self, exchange: Exchange) -> None:
        with self._lock:
            self._exchanges.append(exchange)

    def state(self) -> dict[str, Any]:
        index = self.month
        return {
            "scenario": self.scenario.name,
            "month": index,
            "as_of": self.scenario.months[index].as_of.isoformat(),
            "months": [m.as_of.isoformat() for m in self.scenario.months],
        }

    def _count(self, month: int, target: str) -> int:
        """How many requests `target` has had this month, this one included."""
        with self._lock:
            key = (month, target)
            self._counts[key] = self._counts.get(key, 0) + 1
            return self._counts[key]

    # -- dispatch --------------------------------------------------------------------------------------

    def handle(self, request: Request, *, control: bool = False) -> Response:
        """The answer to one request: pure routing over the scenario and the current month."""
        if control:
            return self._control(request)
        with self._lock:
            self._requests.append((request.method, request.host, request.path_with_query))
            index = self._month
        month = self.scenario.months[index]
        host = request.host
        if host not in self.scenario.hosts:
            return text(f"sandbox: no such host in scenario: {host}\n", 502)
        if host in self.scenario.host_aliases:
            target = self.scenario.host_aliases[host]
            return redirect(request.absolute(f"https://{target}{request.path_with_query}"), 301)
        page = month.page(host, request.path)
        if page is not None and (page.scheme == request.scheme or page.scheme == "http"):
            normal = pages.serve(request, page, month)
            return self._fault(index, f"page:{page.url}", page.fault, normal, "page", request.url)
        if request.path == "/robots.txt":
            return pages.robots(self.scenario.robots_disallow)
        if request.scheme == "http":
            # Every host of 2026 is https-only; a scenario page declared with http:// is the exception.
            return redirect(request.absolute(f"https://{host}{request.path_with_query}"), 301)
        return self._route(request, month, index)

    def _route(self, request: Request, month: Month, index: int) -> Response:
        host, path = request.host, request.path
        if host == DDG_HOST and path.rstrip("/") == "/html":
            return self._engine(request, month, index, "duckduckgo_html")
        if host == self.scenario.searxng_host and path.rstrip("/") == "/search":
            return self._engine(request, month, index, "searxng")
        engine = search_apis.engine_for(host, path) or results_pages.engine_for(host, path)
        if engine is not None:
            return self._engine(request, month, index, engine)
        side = results_pages.side_page(request)
        if side is not None:
            return side
        if host == DDG_MAIN_HOST and path in ("/l/", "/y.js"):
            target = request.query.get("uddg") or request.query.get("u3") or ""
            if urlsplit(target).scheme in ("http", "https"):
                return redirect(target, 302)
            return text("Bad Request\n", 400)
        api = profile_apis.answer(request, month, lambda: self._count(index, "api.github.com"))
        if api is not None:
            return self._fault(index, f"api:{request.url}", api.fault, api.response, "page", request.url)
        if host == "t.co":
            return walled.tco(request, month)
        if path == "/authwall" and host.endswith("linkedin.com"):
            return walled.linkedin_authwall()
        if path.startswith("/accounts/login"):
            return walled.login_page()
        return pages.not_found(request)

    def _engine(self, request: Request, month: Month, index: int, engine: str) -> Response:
        fault = month.faults.get(engine)
        mode = fault.mode if fault else None
        if fault is not None and fault.times is not None and self._count(index, engine) > fault.times:
            mode = None
        for module in (search_apis, results_pages):
            if engine in module.ENDPOINTS.values():
                normal, rest = module.serve(
                    engine, request, lambda query: month.ranking(engine, query), mode, extras=month.extras_for
                )
                return self._apply(rest, normal, engine, request.url)
        ranking = () if mode == "empty" else month.ranking(engine, request.param("q"))
        if engine == "duckduckgo_html":
            normal = engines.duckduckgo(request, ranking)
            return self._apply(mode, normal, "duckduckgo", request.url)
        normal = engines.searxng(
            request,
            ranking,
            default_engines=self.scenario.searxng_engines,
            json_enabled=mode != "json_disabled",
            degraded=mode == "degraded",
            extras=month.extras_for(request.param("q")),
        )
        return self._apply(mode, normal, "searxng", request.url)

    def _fault(self, index: int, target: str, spec: str, normal: Response, flavour: str, url: str) -> Response:
        if not spec:
            return normal
        fault = faults.parse_fault(spec)
        if fault.times is not None and self._count(index, target) > fault.times:
            return normal
        return self._apply(fault.mode, normal, flavour, url)

    def _apply(self, mode: str | None, normal: Response, flavour: str, url: str) -> Response:
        """`url` is the real URL asked for (a redirect loop points back at it)."""
        return faults.apply(
            mode, normal, flavour=flavour, stop=self._stopping, timeout_seconds=self.scenario.timeout_seconds, url=url
        )

    def _control(self, request: Request) -> Response:
        rest = request.path.removeprefix(CONTROL_PREFIX).strip("/")
        if request.method == "GET" and rest == "":
            return json_response(self.state())
        if request.method == "POST" and rest.startswith("month/"):
            number = rest.removeprefix("month/")
            if not number.isdigit() or int(number) >= len(self.scenario.months):
                return json_response({"error": f"no month {number!r}; months 0-{len(self.scenario.months) - 1}"}, 404)
            self.set_month(int(number))
            return json_response(self.state())
        return json_response({"error": "GET /__sandbox__/ or POST /__sandbox__/month/N"}, 404)


@dataclass(frozen=True)
class Exchange:
    """One request as the sandbox saw it, timed (`time.monotonic()`): how tests check pacing and overlap."""

    method: str
    host: str
    path: str
    started: float
    """When the request had been read and its handling began."""
    ended: float
    """When the answer had been written (or the connection dropped)."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    sandbox: Sandbox


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sandbox"

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the sandbox is quiet; tests read `Sandbox.requests` instead

    def _serve(self) -> None:
        server = cast(_Server, self.server)
        length = min(int(self.headers.get("Content-Length") or 0), MAX_REQUEST_BODY)
        raw_body = self.rfile.read(length) if length else b""
        raw_host = (self.headers.get("Host") or "").strip().lower()
        own = f"127.0.0.1:{server.server_port}"
        parts = urlsplit(self.path)
        control = raw_host in (own, f"localhost:{server.server_port}") and (
            parts.path.startswith(CONTROL_PREFIX) or parts.path == CONTROL_PREFIX.rstrip("/")
        )
        form: dict[str, str] = {}
        if "application/x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
            form = _first(raw_body.decode("utf-8", "replace"))
        request = Request(
            method=self.command,
            scheme=(self.headers.get("X-Forwarded-Proto") or "https").strip().lower(),
            host=_strip_port(raw_host),
            path=parts.path or "/",
            raw_query=parts.query,
            query=_first(parts.query),
            form=form,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=raw_body,
        )
        started = time.monotonic()
        response = server.sandbox.handle(request, control=control)
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client may have given up (a timeout fault)
            self._write(response)
        if not control:
            server.sandbox.record_exchange(
                Exchange(request.method, request.host, request.path_with_query, started, time.monotonic())
            )

    def _write(self, response: Response) -> None:
        if response.reset:
            # SO_LINGER 0 makes close() send a TCP RST: the client sees "connection reset by peer".
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return
        self.send_response(response.status, response.reason)
        self.send_header("Content-Type", response.content_type)
        if response.stream is None:
            declared = len(response.body) if response.declared_length is None else response.declared_length
            self.send_header("Content-Length", str(declared))
        self.send_header("Connection", "close")
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        if response.stream is None:
            self.wfile.write(response.body)
            return
        # Without a length the body runs until the connection closes; a client that stops reading (its cap)
        # closes first, and the write fails: that ends the stream too.
        for chunk in response.stream():
            self.wfile.write(chunk)


def _first(query: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        found.setdefault(key, value)
    return found


def _strip_port(host: str) -> str:
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host
