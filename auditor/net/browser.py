"""The browser fetcher: headless Chromium through Playwright, for pages that only exist after JavaScript runs
(X profiles, Google's and Bing's results pages). It returns the same `Fetched` as `HttpClient.fetch`.

Playwright is imported only when a page first needs it, so audits that never need a browser never pay for one.
Every request the page makes goes through one route handler, which applies the same rules as the HTTP layer:
only public http(s) addresses (re-checked on every redirect and sub-request), and under `--sandbox` every
request is answered by the sandbox while the page keeps its real URL. Images, fonts and media are not loaded:
nothing the audit reads is in them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
from dataclasses import dataclass, field, replace
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx

from auditor.errors import AuditorError, FetchError, FetchRefused, ResponseTooLarge
from auditor.net.bodies import read_capped
from auditor.net.client import MAX_REDIRECTS, HttpPolicy, client_transport
from auditor.net.fetched import Fetched
from auditor.net.fetcher import Request
from auditor.net.guard import Resolver, check_target, system_resolver
from auditor.net.pacer import HostPacer
from auditor.net.redaction import redact
from auditor.net.screenshot import VIEWPORT, Shot, shrink

log = logging.getLogger(__name__)

SYSTEM_CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = (
    "--no-sandbox",  # containers run as root, where Chromium's own sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",  # no update checks or field trials: only the page's own requests
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # WebRTC would reach addresses past the guard (STUN over UDP): no UDP unless proxied, and the proxy below
    # does not exist. Debian's Chromium reads the second spelling; the first is kept for other builds.
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    # Every request the page makes is answered by the route handler (`fulfill`), so Chromium itself never
    # needs the network: a proxy that does not exist catches whatever would leave outside the handler
    # (preconnects, speculative prefetches, WebRTC's TURN over TCP), loopback included (`<-loopback>` removes
    # Chromium's implicit bypass of localhost). `.invalid` never resolves (RFC 6761).
    "--proxy-server=http://no-network.invalid:9",
    "--proxy-bypass-list=<-loopback>",
)
SKIPPED_RESOURCES = frozenset({"image", "media", "font"})


class BrowserUnavailable(AuditorError):
    """No Chromium could be started."""

    exit_code = 2
    tip = "install Debian's `chromium` package or run `playwright install chromium`, or set AUDITOR_CHROMIUM"


def chromium_executable(playwright: Any) -> str | None:
    """The Chromium to launch: AUDITOR_CHROMIUM, else Playwright's own build (None), else a system Chromium."""
    override = os.environ.get("AUDITOR_CHROMIUM")
    if override:
        return override
    try:
        if Path(playwright.chromium.executable_path).exists():
            return None
    except Exception:  # Playwright raises when its browser registry has no Chromium at all
        pass
    for candidate in (*SYSTEM_CHROMIUM, shutil.which("chromium") or ""):
        if candidate and Path(candidate).exists():
            return candidate
    raise BrowserUnavailable("no Chromium found for pages that need JavaScript")


class BrowserFetcher:
    """Use as `async with BrowserFetcher(policy, client.pacer) as browser: await browser.fetch(url)`."""

    def __init__(self, policy: HttpPolicy, pacer: HostPacer, *, resolver: Resolver = system_resolver) -> None:
        self.policy = policy
        self.pacer = pacer
        self._resolver = resolver
        self._playwright: Any = None
        self._browser: Any = None
        self._proxy: httpx.AsyncClient | None = None
        self.start_error: Exception | None = None
        """Why Chromium could not start, once it failed to (`net.routing` does not try again)."""
        self.refused: list[str] = []
        """Sub-requests the guard refused, for the evidence of a failed fetch."""
        # Several searches may ask for their first page at once: only one of them starts Chromium.
        self._starting = asyncio.Lock()

    async def __aenter__(self) -> BrowserFetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        # A driver that died (out of memory) cannot close what it held: the audit still ends normally.
        with contextlib.suppress(Exception):
            if self._browser is not None:
                await self._browser.close()
        with contextlib.suppress(Exception):
            if self._playwright is not None:
                await self._playwright.stop()
        if self._proxy is not None:
            await self._proxy.aclose()
        self._browser = self._playwright = self._proxy = None

    async def _start(self) -> Any:
        async with self._starting:
            return await self._start_once()

    async def _start_once(self) -> Any:
        if self._browser is None:
            from playwright.async_api import async_playwright

            self._playwright = await async_playwright().start()
            try:
                self._browser = await self._playwright.chromium.launch(
                    executable_path=chromium_executable(self._playwright), headless=True, args=list(CHROMIUM_ARGS)
                )
            except BrowserUnavailable:
                await self.aclose()
                raise
            except Exception as exc:  # Playwright's launch errors carry a long log: keep its first line
                await self.aclose()
                raise BrowserUnavailable(f"Chromium did not start: {str(exc).splitlines()[0]}") from None
            # Every request of every page is sent by this client (see `_route`); under --sandbox to the sandbox.
            # Chromium sends its own cookies with each request: this client keeps none of its own.
            # Its transport is the HTTP layer's: the guard checks each connection's address again (DNS rebinding).
            self._proxy = httpx.AsyncClient(
                transport=client_transport(self.policy, self._resolver),
                follow_redirects=False,
                timeout=httpx.Timeout(self.policy.timeout),
                cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
            )
        return self._browser

    async def send(self, request: Request) -> Fetched:
        """`fetch` as a `Fetcher` (robots.txt is the caller's business: see `net.routing`)."""
        try:
            result = await self.fetch(request.full_url, wait_for=request.wait_for, screenshot=request.screenshot)
        except (BrowserUnavailable, ImportError) as exc:
            self.start_error = exc
            return request.failed(exc, 0)
        except (FetchError, FetchRefused, ResponseTooLarge) as exc:
            return request.failed(exc, 0)
        return replace(
            result,
            requested_url=request.asked,
            url=redact(result.url),
            redirects=tuple(redact(url) for url in result.redirects),
        )

    async def fetch(self, url: str, *, wait_for: str | None = None, screenshot: bool = False) -> Fetched:
        """Load `url`, let its scripts run, return the rendered HTML. Raises FetchRefused or FetchError.

        `wait_for`: a CSS selector that marks the content as rendered; the page's `load` event otherwise.
        `screenshot`: keep a shrunk picture of the page (`net.screenshot`); one that fails is recorded in
        `screenshot_error` and fails nothing else.
        A redirect of the page itself is followed by navigating again (each hop checked, at most
        MAX_REDIRECTS), so the result's URL is where the page really ended (consent.google.com, /sorry/).
        """
        log.debug("browser GET %s", redact(url))
        await check_target(url, sandbox=self.policy.sandbox_url is not None, resolver=self._resolver)
        browser = await self._start()
        state = _Navigation()
        timeout_ms = self.policy.timeout * 1000
        visited: list[str] = []
        context: Any = None
        shot = Shot()
        try:
            # Service workers fetch outside the route handler: none are allowed to start.
            context = await browser.new_context(
                user_agent=self.policy.user_agent,
                java_script_enabled=True,
                service_workers="block",
                # A results page kept as evidence is drawn taller, so its picture shows the first results.
                **({"viewport": {"width": VIEWPORT[0], "height": VIEWPORT[1]}} if screenshot else {}),
            )
            await context.route("**/*", lambda route, request: self._route(route, request, state))
            await context.route_web_socket("**/*", self._refuse_socket)
            page = await context.new_page()
            async with self.pacer.slot(httpx.URL(url).host, self.policy.html_interval * self.policy.time_scale):
                async with asyncio.timeout(self.policy.attempt_deadline):
                    response = await self._navigate(page, url, state, visited, timeout_ms)
                    if wait_for:
                        await page.wait_for_selector(wait_for, timeout=timeout_ms, state="attached")
                    html = await self._serialised(page, state)
                    if screenshot:
                        shot = await self._picture(page, timeout_ms)
                final_url = page.url
                status = response.status if response is not None else 200
                headers = dict(response.headers) if response is not None else {}
        except FetchError as exc:
            log.debug("browser failed: %s: %s", redact(url), exc)
            raise
        except TimeoutError:
            raise FetchError(
                "timeout", f"browser could not load {redact(url)} within {self.policy.attempt_deadline:g} s"
            ) from None
        except Exception as exc:
            if state.refused:
                log.debug("browser refused: %s: needed %s", redact(url), state.refused[-1])
                raise FetchRefused(f"the page needed a refused address: {state.refused[-1]}") from None
            kind = "timeout" if "Timeout" in type(exc).__name__ else "browser"
            log.debug("browser failed: %s: %s", redact(url), exc)
            first = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise FetchError(kind, f"browser could not load {redact(url)}: {first}") from None
        finally:
            await self._close_quietly(context)
        body = html.encode("utf-8")
        if len(body) > self.policy.max_body_bytes:
            raise FetchError("too_large", f"rendered page over the {self.policy.max_body_bytes}-byte cap")
        headers["content-type"] = "text/html; charset=utf-8"  # page.content() is the DOM serialised as UTF-8
        log.debug("browser HTTP %s from %s (%d bytes rendered)", status, redact(final_url), len(body))
        return Fetched(
            url,
            final_url,
            status,
            headers,
            body,
            tuple(visited),
            screenshot=shot.png,
            screenshot_error=shot.error,
        )

    @staticmethod
    async def _picture(page: Any, timeout_ms: float) -> Shot:
        """The page's picture as evidence; a failure is recorded, and the page's HTML is kept all the same."""
        try:
            png = await page.screenshot(type="png", full_page=False, timeout=timeout_ms, animations="disabled")
        except Exception as exc:
            first = (str(exc).splitlines() or [type(exc).__name__])[0]
            return Shot(error=f"screenshot failed: {first}"[:200])
        return shrink(png)

    async def _serialised(self, page: Any, state: _Navigation) -> str:
        """The DOM as HTML, once its size is known to be within the cap: the size is measured inside the page
        (only a number comes back), so a page that builds a 300 MB DOM never sends it through the driver."""
        if state.loaded > self.policy.max_body_bytes:
            raise FetchError("too_large", f"the page loaded over the {self.policy.max_body_bytes}-byte cap")
        size = await page.evaluate(_DOM_SIZE)
        if not isinstance(size, int | float) or size * 3 > self.policy.max_body_bytes * 4:
            # UTF-16 code units: up to 3 UTF-8 bytes each; a margin rather than a second serialisation.
            raise FetchError("too_large", f"rendered page over the {self.policy.max_body_bytes}-byte cap")
        return str(await page.content())

    @staticmethod
    async def _close_quietly(context: Any) -> None:
        """A context whose driver died cannot be closed: that is no reason to fail anything more."""
        if context is None:
            return
        with contextlib.suppress(Exception):  # the fetch has its answer or its failure already
            await context.close()

    async def _navigate(self, page: Any, url: str, state: _Navigation, visited: list[str], timeout_ms: float) -> Any:
        target = url
        for _hop in range(MAX_REDIRECTS + 1):
            state.redirect = None
            try:
                response = await page.goto(target, wait_until="load", timeout=timeout_ms)
            except Exception:
                if state.redirect is None:
                    raise
            if state.redirect is None:
                return response
            visited.append(target)
            target = state.redirect
            if target in visited:
                raise FetchError("redirect_loop", f"redirect loop at {redact(target)}")
        raise FetchError("too_many_redirects", f"more than {MAX_REDIRECTS} redirects from {redact(url)}")

    async def _route(self, route: Any, request: Any, state: _Navigation) -> None:
        """Every request of the page: checked by the guard, then sent by our own client, never by Chromium.

        Chromium follows redirects without asking the route again (for `continue_` and `fulfill` alike), so
        letting it send would skip the guard on every hop after the first; our client follows them instead.
        """
        url = request.url
        if not url.startswith(("http://", "https://")):
            await route.continue_()  # data:, blob: and the like never leave the browser
            return
        if request.resource_type in SKIPPED_RESOURCES:
            await route.abort()
            return
        main = request.is_navigation_request() and request.frame.parent_frame is None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        method, content = request.method, request.post_data_buffer
        for _hop in range(MAX_REDIRECTS + 1):
            if not await self._allowed(url, state):
                await route.abort("blockedbyclient")
                return
            try:
                async with asyncio.timeout(self.policy.attempt_deadline):
                    answer = await self._send(method, url, headers, content)
            except FetchRefused:  # refused at connection: the name now resolves to a private address
                state.refused.append(redact(url))
                self.refused.append(redact(url))
                await route.abort("blockedbyclient")
                return
            except (httpx.HTTPError, ResponseTooLarge, FetchError, TimeoutError):
                await route.abort("failed")
                return
            location = answer.headers.get("location")
            if answer.status_code not in (301, 302, 303, 307, 308) or not location:
                break
            url = urljoin(url, location)
            if main:
                # The page itself moves: `fetch` navigates there, so that the page's URL is the real one.
                state.redirect = url
                await route.abort("aborted")
                return
            if answer.status_code in (301, 302, 303):
                method, content = "GET", None
        else:
            await route.abort("failed")
            return
        state.loaded += len(answer.content)
        if state.loaded > self.policy.max_body_bytes:
            await route.abort("failed")  # a cap on what one page may load, all its requests together
            return
        # httpx has decoded the body already; the encoding headers would make Chromium decode it again.
        passed = {k: v for k, v in answer.headers.items() if k.lower() not in ("content-encoding", "content-length")}
        await route.fulfill(status=answer.status_code, headers=passed, body=answer.content)

    async def _refuse_socket(self, socket: Any) -> None:
        """A page's WebSocket is never opened: Chromium would connect it itself, past the guard (`_route`
        sees no WebSocket), and nothing the audit reads comes through one."""
        self.refused.append(redact(socket.url))
        await socket.close(code=1008, reason="refused by auditor")

    async def _allowed(self, url: str, state: _Navigation) -> bool:
        try:
            await check_target(url, sandbox=self.policy.sandbox_url is not None, resolver=self._resolver)
        except (FetchRefused, FetchError):
            state.refused.append(redact(url))
            self.refused.append(redact(url))
            return False
        return True

    async def _send(self, method: str, url: str, headers: dict[str, str], content: bytes | None) -> httpx.Response:
        """One exchange through our client, the body read raw and inflated within the cap (httpx's own decoders
        have no limit: a gzip bomb would inflate whole in one chunk)."""
        assert self._proxy is not None, "started with the browser"
        request = self._proxy.build_request(method, url, headers=headers, content=content)
        response = await self._proxy.send(request, stream=True)
        try:
            body = await read_capped(response, self.policy.max_body_bytes)
        finally:
            await response.aclose()
        return httpx.Response(response.status_code, headers=response.headers, content=body)


_DOM_SIZE = "() => document.documentElement ? document.documentElement.outerHTML.length : 0"


@dataclass
class _Navigation:
    """What the route handler tells one `fetch` about its page."""

    loaded: int = 0
    """Bytes of every answer the page was given: over the cap, the page is refused more and not serialised."""

    redirect: str | None = None
    """Where the page's own request was redirected; `fetch` navigates there."""
    refused: list[str] = field(default_factory=list)
    """Requests of this fetch the guard refused."""
