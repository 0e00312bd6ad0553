"""The fault modes added for the fault matrix (issue 8), on the wire: what the sandbox really sends.

The audit's side of each one is in tests/e2e/test_fault_matrix.py; here only the sandbox's answer is checked,
with a plain httpx client that reads raw bytes."""

from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from auditor.sandbox import Sandbox, faults, load_scenario
from auditor.sandbox.wire import Response, html
from tests.e2e.test_fault_matrix import SCENARIO, scenario_text

DDG = "https://html.duckduckgo.com/html/"
SEARX = "https://searx.faults.example/search?q=Ma%C3%ABlle+Bouchard&format=json&pageno=1"
GITLAB = "https://gitlab.com/mbouchard"


@contextmanager
def serving(
    tmp_path: Path, engine: dict[str, str] | None = None, page: dict[str, str] | None = None
) -> Iterator[Sandbox]:
    path = tmp_path / "faults.toml"
    path.write_text(scenario_text(engine or {}, page or {}), encoding="utf-8")
    (tmp_path / "faults.auditor.toml").write_text(SCENARIO.with_name("faults.auditor.toml").read_text("utf-8"))
    with Sandbox(load_scenario(path)) as sandbox:
        yield sandbox


def request(sandbox: Sandbox, url: str, method: str = "GET") -> httpx.Request:
    parts = urlsplit(url)
    target = sandbox.url + parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"Host": parts.netloc, "X-Forwarded-Proto": parts.scheme}
    data = {"q": "Maëlle Bouchard"} if method == "POST" else None
    return httpx.Request(method, target, headers=headers, data=data)


def send(sandbox: Sandbox, url: str, method: str = "GET", timeout: float = 5.0) -> httpx.Response:
    with httpx.Client(timeout=timeout) as client:
        return client.send(request(sandbox, url, method))


def test_http_503_once_then_the_normal_answer(tmp_path: Path) -> None:
    with serving(tmp_path, {"searxng": "http_503:1"}) as sandbox:
        assert send(sandbox, SEARX).status_code == 503
        assert send(sandbox, SEARX).json()["results"]


def test_http_429_with_a_date() -> None:
    now = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    answer = faults.apply(
        "http_429_date", html("ok"), flavour="page", stop=threading.Event(), timeout_seconds=1, now=now
    )
    assert answer.status == 429
    (value,) = [v for k, v in answer.headers if k == "Retry-After"]
    assert value == "Sun, 01 Mar 2026 12:00:30 GMT"
    assert email.utils.parsedate_to_datetime(value) - now == dt.timedelta(seconds=30)


def test_truncated_declares_more_than_it_sends(tmp_path: Path) -> None:
    with serving(tmp_path, {"searxng": "truncated"}) as sandbox, httpx.Client() as client:
        response = client.send(request(sandbox, SEARX), stream=True)
        declared = int(response.headers["content-length"])
        got = bytearray()
        with pytest.raises(httpx.RemoteProtocolError):
            for chunk in response.iter_raw():
                got += chunk
        assert 0 < len(got) < declared


def test_huge_body_streams_50_mib_without_a_length(tmp_path: Path) -> None:
    with serving(tmp_path, {"duckduckgo_html": "huge_body"}) as sandbox, httpx.Client() as client:
        response = client.send(request(sandbox, DDG, "POST"), stream=True)
        assert "content-length" not in response.headers
        total = 0
        for chunk in response.iter_raw():
            total += len(chunk)
        response.close()
        assert total >= faults.HUGE_BODY_MIB << 20
        # A client that stops early ends the stream too, and the sandbox goes on answering.
        early = client.send(request(sandbox, DDG, "POST"), stream=True)
        next(early.iter_raw())
        early.close()
        assert send(sandbox, SEARX).status_code == 200


def test_slow_drip_never_ends_but_each_read_is_in_time(tmp_path: Path) -> None:
    with serving(tmp_path, {"duckduckgo_html": "slow_drip"}) as sandbox, httpx.Client(timeout=1.0) as client:
        response = client.send(request(sandbox, DDG, "POST"), stream=True)
        started, got = time.monotonic(), 0
        for chunk in response.iter_raw():
            got += len(chunk)
            if time.monotonic() - started > 0.7:
                break
        response.close()
        assert got > 0 and time.monotonic() - started < 2  # still dripping after 0.7 s, no read timed out


def test_invalid_utf8_spoils_the_first_title_only(tmp_path: Path) -> None:
    with serving(tmp_path, {"duckduckgo_html": "invalid_utf8", "searxng": "invalid_utf8"}) as sandbox:
        for url, method in ((DDG, "POST"), (SEARX, "GET")):
            body = send(sandbox, url, method).content
            assert body.count(faults.INVALID_UTF8) == 1, url
            with pytest.raises(UnicodeDecodeError):
                body.decode("utf-8")
            assert body.replace(faults.INVALID_UTF8, b"").decode("utf-8")


def test_corrupt_gzip_claims_an_encoding_it_does_not_have(tmp_path: Path) -> None:
    with serving(tmp_path, {"searxng": "corrupt_gzip"}) as sandbox, httpx.Client() as client:
        response = client.send(request(sandbox, SEARX), stream=True)
        raw = b"".join(response.iter_raw())
        assert response.headers["content-encoding"] == "gzip" and raw.lstrip().startswith(b"{")


@pytest.mark.parametrize(
    ("mode", "location"),
    [
        ("redirect_loopback", "http://127.0.0.1/admin"),
        ("redirect_metadata", "http://169.254.169.254/latest/meta-data/"),
        ("redirect_ipv6_loopback", "http://[::1]/"),
        ("redirect_malformed", "http://[::1"),
        ("redirect_loop", GITLAB),
    ],
)
def test_redirects(mode: str, location: str, tmp_path: Path) -> None:
    with serving(tmp_path, page={GITLAB: mode}) as sandbox:
        # http.client: httpx would refuse to even read a response whose Location is no URL.
        connection = http.client.HTTPConnection(urlsplit(sandbox.url).netloc, timeout=5)
        try:
            connection.request("GET", "/mbouchard", headers={"Host": "gitlab.com", "X-Forwarded-Proto": "https"})
            answer = connection.getresponse()
            assert (answer.status, answer.getheader("Location")) == (302, location)
        finally:
            connection.close()


def test_big_page_is_5_mb_and_still_the_page(tmp_path: Path) -> None:
    with serving(tmp_path, page={GITLAB: "big_page"}) as sandbox:
        answer = send(sandbox, GITLAB)
        assert len(answer.content) == faults.BIG_PAGE_BYTES
        assert 'href="https://maellebouchard.ca/"' in answer.text and answer.text.rstrip().endswith("</html>")


def test_every_new_mode_is_documented_and_known() -> None:
    for mode in (
        "http_503",
        "http_429_date",
        "truncated",
        "huge_body",
        "slow_drip",
        "invalid_utf8",
        "corrupt_gzip",
        "redirect_loop",
        "redirect_loopback",
        "redirect_metadata",
        "redirect_ipv6_loopback",
        "redirect_malformed",
        "big_page",
    ):
        assert faults.parse_fault(f"{mode}:2") == faults.Fault(mode, 2)
        response = faults.apply(
            mode,
            html("<html><body><p>x</p></body></html>"),
            flavour="page",
            stop=threading.Event(),
            timeout_seconds=0,
            url="https://a.example/",
        )
        assert isinstance(response, Response)


def test_exchanges_are_timed(tmp_path: Path) -> None:
    with serving(tmp_path) as sandbox:
        send(sandbox, SEARX)
        send(sandbox, DDG, "POST")
        # The handler records an exchange once its answer is written, which may be just after the client read it.
        deadline = time.monotonic() + 5
        while len(sandbox.exchanges) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        first, second = sandbox.exchanges
    assert (first.host, second.host) == ("searx.faults.example", "html.duckduckgo.com")
    assert first.started <= first.ended <= second.started <= second.ended
