"""The browser fetcher: headless Chromium through Playwright, for pages that only exist after JavaScript runs
(X profiles, Google's and Bing's results pages). It returns the same `FetchResult` as `HttpClient.fetch`.

Playwright is imported only when a page first needs it, so audits that never need a browser never pay for one.
Every request the page makes goes through one route handler, which applies the same rules as the HTTP layer:
only public http(s) addresses (re-checked on every redirect and sub-request), and under `--sandbox` every
request is answered by the sandbox while the page keeps its real URL. Images, fonts and media are not loaded:
nothing the audit reads is in them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import httpx

from auditor.errors import AuditorError, FetchRefused
from auditor.http import (
    FetchError,
    FetchResult,
    HostPacer,
    HttpPolicy,
    Resolver,
    SandboxTransport,
    check_target,
    redact,
    system_resolver,
)

SYSTEM_CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = (
    "--no-sandbox",  # containers run as root, where Chromium's own sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",  # no update checks or field trials: only the page's own requests
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
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
        self.refused: list[str] = []
        """Sub-requests the guard refused, for the evidence of a failed fetch."""

    async def __aenter__(self) -> BrowserFetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()
        if self._proxy is not None:
            await self._proxy.aclose()
        self._browser = self._playwright = self._proxy = None

    async def _start(self) -> Any:
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
            if self.policy.sandbox_url:
                self._proxy = httpx.AsyncClient(
                    transport=SandboxTransport(self.policy.sandbox_url),
                    follow_redirects=False,
                    timeout=httpx.Timeout(self.policy.timeout),
                )
        return self._browser

    async def fetch(self, url: str, *, wait_for: str | None = None) -> FetchResult:
        """Load `url`, let its scripts run, return the rendered HTML. Raises FetchRefused or FetchError.

        `wait_for`: a CSS selector that marks the content as rendered; the page's `load` event otherwise.
        """
        await check_target(url, sandbox=self.policy.sandbox_url is not None, resolver=self._resolver)
        browser = await self._start()
        context = await browser.new_context(user_agent=self.policy.user_agent, java_script_enabled=True)
        await context.route("**/*", self._route)
        timeout_ms = self.policy.timeout * 1000
        try:
            page = await context.new_page()
            async with self.pacer.slot(httpx.URL(url).host, self.policy.html_interval * self.policy.time_scale):
                response = await page.goto(url, wait_until="load", timeout=timeout_ms)
                if wait_for:
                    await page.wait_for_selector(wait_for, timeout=timeout_ms, state="attached")
                html = await page.content()
                final_url = page.url
                status = response.status if response is not None else 200
                headers = dict(response.headers) if response is not None else {}
        except Exception as exc:
            if self.refused:
                raise FetchRefused(f"the page needed a refused address: {self.refused[-1]}") from None
            kind = "timeout" if "Timeout" in type(exc).__name__ else "browser"
            raise FetchError(kind, f"browser could not load {redact(url)}: {str(exc).splitlines()[0]}") from None
        finally:
            await context.close()
        body = html.encode("utf-8")
        if len(body) > self.policy.max_body_bytes:
            raise FetchError("too_large", f"rendered page over the {self.policy.max_body_bytes}-byte cap")
        headers["content-type"] = "text/html; charset=utf-8"  # page.content() is the DOM serialised as UTF-8
        return FetchResult(final_url, status, headers, body)

    async def _route(self, route: Any, request: Any) -> None:
        url = request.url
        if not url.startswith(("http://", "https://")):
            await route.continue_()
            return
        if request.resource_type in SKIPPED_RESOURCES:
            await route.abort()
            return
        try:
            await check_target(url, sandbox=self.policy.sandbox_url is not None, resolver=self._resolver)
        except (FetchRefused, FetchError):
            self.refused.append(redact(url))
            await route.abort("blockedbyclient")
            return
        if self._proxy is None:
            await route.continue_()
            return
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        try:
            answer = await self._proxy.request(request.method, url, headers=headers, content=request.post_data_buffer)
        except httpx.HTTPError:
            await route.abort("connectionfailed")
            return
        if len(answer.content) > self.policy.max_body_bytes:
            await route.abort("failed")
            return
        # httpx has decoded the body already; the encoding headers would make Chromium decode it again.
        passed = {k: v for k, v in answer.headers.items() if k.lower() not in ("content-encoding", "content-length")}
        await route.fulfill(status=answer.status_code, headers=passed, body=answer.content)
