"""The sandbox over real HTTP on loopback, with the client's routing contract: the real host in `Host`, the
real scheme in `X-Forwarded-Proto`, everything sent to the sandbox's own address."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup

from auditor.config import load_config
from auditor.errors import SandboxError
from auditor.identify.urls import unwrap
from auditor.sandbox import DEMO_SCENARIO, MINIMAL_SCENARIO, Sandbox, Scenario, load_scenario

DDG = "https://html.duckduckgo.com/html/"
NAME_QUERY = "Carl-Fr%C3%A9d%C3%A9ric+de+Celles"
SEARX = "https://searx.sandbox.example/search"
BARE = "Émilie Tremblay"
SITE = "https://emilietremblay.ca"


def fetch(sb: Sandbox, url: str, method: str = "GET", timeout: float = 5.0, **kwargs: object) -> httpx.Response:
    """Send `url` the way the auditor's HTTP client does when routed to the sandbox."""
    parts = urlsplit(url)
    target = sb.url + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {"Host": parts.netloc, "X-Forwarded-Proto": parts.scheme}
    return httpx.request(method, target, headers=headers, timeout=timeout, **kwargs)  # type: ignore[arg-type]


def ddg(sb: Sandbox, query: str, **extra: str) -> BeautifulSoup:
    response = fetch(sb, DDG, "POST", data={"q": query, "kl": "ca-fr", **extra})
    assert response.status_code == 200
    return BeautifulSoup(response.text, "lxml")


def organic(soup: BeautifulSoup) -> list[str]:
    """Unwrapped target of each non-ad result, in page order."""
    blocks = soup.select("div#links.results div.result.results_links.results_links_deep.web-result")
    return [
        uddg(str(b.select_one("h2.result__title > a.result__a")["href"]))  # type: ignore[index]
        for b in blocks
        if "result--ad" not in b["class"]
    ]


def uddg(href: str) -> str:
    """The target inside DuckDuckGo's `//duckduckgo.com/l/?uddg=` wrapper."""
    assert href.startswith("//duckduckgo.com/l/?uddg=")
    return parse_qs(urlsplit(href).query)["uddg"][0]


def next_form(soup: BeautifulSoup) -> dict[str, str] | None:
    for form in soup.select('div.nav-link > form[action="/html/"][method=post]'):
        if form.select_one('input[type=submit][value="Next"]') is not None:
            return {str(i["name"]): str(i.get("value", "")) for i in form.select("input[type=hidden]")}
    return None


@pytest.fixture(scope="module")
def demo() -> Iterator[Sandbox]:
    with Sandbox(load_scenario(DEMO_SCENARIO)) as sb:
        yield sb


@pytest.fixture(scope="module")
def minimal() -> Iterator[Sandbox]:
    with Sandbox(load_scenario(MINIMAL_SCENARIO)) as sb:
        yield sb


# ---------------------------------------------------------------------------------------------------------
# Scenario files


@pytest.mark.parametrize("path", [DEMO_SCENARIO, MINIMAL_SCENARIO], ids=["demo", "minimal"])
def test_packaged_scenarios_load_and_their_configs_validate(path: Path) -> None:
    scenario = load_scenario(path)
    config = load_config(scenario.config_path)
    assert config.audit.engines == ("duckduckgo_html", "searxng")
    assert config.engines.searxng.url == "https://searx.sandbox.example"
    assert urlsplit(config.engines.searxng.url).hostname == scenario.searxng_host
    for url in (config.person.site, *config.profiles.values()):
        assert urlsplit(url).hostname in scenario.hosts


def test_demo_story_shape() -> None:
    scenario = load_scenario(DEMO_SCENARIO)
    assert [m.as_of.isoformat() for m in scenario.months] == [f"2026-{m:02d}-01" for m in range(6, 12)]
    assert [sorted(m.faults) for m in scenario.months] == [[], [], [], ["searxng"], [], []]
    for month in scenario.months:
        for engine in ("duckduckgo_html", "searxng"):
            for query in (BARE, f"{BARE} architecte infonuagique", f"{BARE} Montréal"):
                assert 12 <= len(month.ranking(engine, query)) <= 22, (month.as_of, engine, query)
        assert "javascript:alert(3)" in [r.url for r in month.ranking("duckduckgo_html", BARE)]


def test_scenario_errors_name_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[results.a]\nurl = "https://a.example/"\n[[months]]\nas_of = 2026-01-01\n'
        '[months.rankings.duckduckgo_html]\n"x" = ["a", "b"]\n',
        encoding="utf-8",
    )
    expected = r"bad\.toml: months\[0\]\.rankings\.duckduckgo_html\.'x': no \[results\.b\]"
    with pytest.raises(SandboxError, match=expected):
        load_scenario(bad)
    bad.write_text('[[months]]\nas_of = 2026-01-01\nfaults = { searxng = "slow" }\n', encoding="utf-8")
    with pytest.raises(SandboxError, match=r"months\[0\]\.faults\.searxng: unknown fault 'slow'"):
        load_scenario(bad)


# ---------------------------------------------------------------------------------------------------------
# Routing


def test_dispatch_by_virtual_host(demo: Sandbox) -> None:
    demo.set_month(0)
    site = fetch(demo, f"{SITE}/")
    github = fetch(demo, "https://github.com/etremblay")
    assert site.status_code == github.status_code == 200
    assert "<title>Émilie Tremblay | Architecte infonuagique à Montréal</title>" in site.text
    assert "etremblay (Émilie Tremblay) · GitHub" in github.text
    assert ("GET", "github.com", "/etremblay") in demo.requests


def test_unknown_host_is_502(demo: Sandbox) -> None:
    response = fetch(demo, "https://www.example.org/page?x=1")
    assert response.status_code == 502
    assert response.text.strip() == "sandbox: no such host in scenario: www.example.org"


def test_known_host_unknown_path_is_404(demo: Sandbox) -> None:
    assert fetch(demo, f"{SITE}/nulle-part").status_code == 404


def test_redirects_carry_real_absolute_urls(demo: Sandbox) -> None:
    cases = {
        "http://emilietremblay.ca/services": "https://emilietremblay.ca/services",
        "https://www.emilietremblay.ca/": "https://emilietremblay.ca/",
        "https://ca.linkedin.com/in/emilie-tremblay-rh": "https://www.linkedin.com/in/emilie-tremblay-rh",
        "https://tremblay-nuage.ca/": "https://emilietremblay.ca/",
        "https://duckduckgo.com/l/?uddg=https%3A%2F%2Femilietremblay.ca%2F&rut=ab": "https://emilietremblay.ca/",
    }
    for url, expected in cases.items():
        response = fetch(demo, url)
        assert response.is_redirect, url
        assert response.headers["location"] == expected, url
    # A javascript: target is never followed.
    assert fetch(demo, "https://duckduckgo.com/l/?uddg=javascript%3Aalert%283%29").status_code == 400


def test_robots_txt_on_every_host(demo: Sandbox) -> None:
    for host in ("emilietremblay.ca", "github.com", "mastodon.social", "www.malt.fr"):
        response = fetch(demo, f"https://{host}/robots.txt")
        assert response.status_code == 200
        assert response.text.splitlines() == ["User-agent: *", "Disallow: /prive/"]
    assert fetch(demo, f"{SITE}/prive/brouillons").status_code == 200  # exists, but robots says keep out


# ---------------------------------------------------------------------------------------------------------
# DuckDuckGo


def test_duckduckgo_first_page(demo: Sandbox) -> None:
    demo.set_month(0)
    soup = ddg(demo, BARE)
    assert soup.title is not None and soup.title.get_text() == f"{BARE} at DuckDuckGo"
    expected = [r.url for r in demo.scenario.months[0].ranking("duckduckgo_html", BARE)]
    assert organic(soup) == expected[:10]
    blocks = soup.select("div#links.results div.result.web-result")
    assert len(blocks) == 11  # ten results and the ad
    for block in blocks:
        link = block.select_one("a.result__a")
        assert link is not None
        href = str(link["href"])
        assert href.startswith(("//duckduckgo.com/l/?uddg=", "https://duckduckgo.com/y.js?ad_domain="))
        assert block.select_one("a.result__url") is not None
        assert block.select_one("a.result__snippet") is not None
    ads = soup.select("div.result.result--ad")
    assert len(ads) == 1
    ad_link = ads[0].select_one("a.result__a")
    assert ad_link is not None and str(ad_link["href"]).startswith("https://duckduckgo.com/y.js?ad_domain=")
    assert {b.get_text() for b in soup.select("a.result__snippet b")} == {"Émilie", "Tremblay"}
    fields = next_form(soup)
    assert fields is not None
    assert set(fields) == {"q", "s", "nextParams", "v", "o", "dc", "api", "vqd", "kl"}
    assert (fields["q"], fields["s"], fields["dc"], fields["kl"]) == (BARE, "10", "11", "ca-fr")


def test_duckduckgo_last_page_has_no_next_form(demo: Sandbox) -> None:
    demo.set_month(0)
    first = ddg(demo, BARE)
    fields = next_form(first)
    assert fields is not None
    second = ddg(demo, BARE, **{k: v for k, v in fields.items() if k not in ("q", "kl")})
    expected = [r.url for r in demo.scenario.months[0].ranking("duckduckgo_html", BARE)]
    assert organic(second) == expected[10:]
    assert second.select("div.result--ad") == []
    assert next_form(second) is None
    assert second.select_one('div.nav-link input[value="Previous"]') is not None


def test_duckduckgo_genuine_no_results(demo: Sandbox) -> None:
    soup = ddg(demo, "xyzzy plugh")
    assert soup.select_one("div#links div.no-results") is not None
    assert soup.select("div.result") == []


def test_hostile_result_is_served_escaped(demo: Sandbox) -> None:
    for index in range(len(demo.scenario.months)):
        demo.set_month(index)
        response = fetch(demo, DDG, "POST", data={"q": BARE, "kl": "ca-fr"})
        assert "<script>alert(1)" not in response.text
        assert "<img src=x" not in response.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
        soup = BeautifulSoup(response.text, "lxml")
        hostile = [b for b in soup.select("div.web-result") if "alert(1)" in b.select_one("a.result__a").get_text()]  # type: ignore[union-attr]
        assert len(hostile) == 1, index
        link = hostile[0].select_one("a.result__a")
        assert link is not None and link.get_text() == "Émilie Tremblay <script>alert(1)</script> | Profil"
        assert str(link["href"]).startswith("//duckduckgo.com/l/?uddg=javascript%3Aalert%283%29&rut=")
        assert uddg(str(link["href"])) == "javascript:alert(3)"
        # Unwrapping yields the real, non-http target, which classification then treats as not a web page.
        assert unwrap("https:" + str(link["href"])) == "javascript:alert(3)"
        snippet = hostile[0].select_one("a.result__snippet")
        assert snippet is not None and "<img src=x onerror=alert(2)>" in snippet.get_text()
        assert snippet.select("img") == []
    demo.set_month(0)


# ---------------------------------------------------------------------------------------------------------
# SearXNG


def test_searxng_json_shape_and_pagination(minimal: Sandbox) -> None:
    ranking = [r.url for r in minimal.scenario.months[0].ranking("searxng", "Carl-Frédéric de Celles")]
    pages = []
    for pageno in (1, 2, 3):
        response = fetch(
            minimal, f"{SEARX}?q=Carl-Fr%C3%A9d%C3%A9ric+de+Celles&format=json&pageno={pageno}&language=fr-CA"
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        data = response.json()
        assert list(data) == [
            "query",
            "results",
            "answers",
            "corrections",
            "infoboxes",
            "suggestions",
            "unresponsive_engines",
        ]
        pages.append(data["results"])
    assert [len(p) for p in pages] == [10, 2, 0]
    assert [r["url"] for r in pages[0] + pages[1]] == ranking
    first = pages[0][0]
    assert set(first) == {
        "url",
        "title",
        "content",
        "engine",
        "engines",
        "positions",
        "parsed_url",
        "template",
        "img_src",
        "thumbnail",
        "priority",
        "score",
        "category",
        "publishedDate",
    }
    assert (first["template"], first["category"], first["publishedDate"]) == ("default.html", "general", None)
    assert first["parsed_url"][:3] == ["https", "carlfredericdecelles.ca", "/"]
    assert pages[1][0]["positions"][0] == 11
    assert first["engines"] == ["brave", "qwant"]  # the scenario's defaults when none is pinned


def test_searxng_echoes_pinned_engines(minimal: Sandbox) -> None:
    data = fetch(
        minimal, f"{SEARX}?q=Carl-Fr%C3%A9d%C3%A9ric+de+Celles&format=json&pageno=1&engines=google,bing"
    ).json()
    assert {(r["engine"], tuple(r["engines"])) for r in data["results"]} == {("google", ("google", "bing"))}


def test_searxng_without_query_is_400(minimal: Sandbox) -> None:
    response = fetch(minimal, f"{SEARX}?format=json")
    assert response.status_code == 400 and response.json() == {"error": "No query"}


# ---------------------------------------------------------------------------------------------------------
# Months


def test_month_switch_through_python_api(demo: Sandbox) -> None:
    demo.set_month(0)
    before = organic(ddg(demo, BARE))
    demo.set_month(5)
    after = organic(ddg(demo, BARE))
    assert before[0] == "https://ca.linkedin.com/in/emilie-tremblay-rh"
    assert after[0] == "https://emilietremblay.ca/"
    with pytest.raises(SandboxError):
        demo.set_month(6)
    demo.set_month(0)


def test_month_switch_through_http_control(demo: Sandbox) -> None:
    demo.set_month(0)
    control = demo.url + "/__sandbox__/"
    state = httpx.get(control).json()
    assert state["month"] == 0 and state["months"][0] == "2026-06-01" and len(state["months"]) == 6
    response = httpx.post(demo.url + "/__sandbox__/month/4")
    assert response.status_code == 200 and response.json()["as_of"] == "2026-10-01"
    assert demo.month == 4
    assert organic(ddg(demo, BARE))[0] == "https://emilietremblay.ca/"
    assert httpx.post(demo.url + "/__sandbox__/month/9").status_code == 404
    assert demo.month == 4
    demo.set_month(0)
    # The control path on a virtual host is an ordinary (unknown) page, never the control endpoint.
    assert fetch(demo, f"{SITE}/__sandbox__/").status_code == 404


def test_demo_month_four_searxng_is_malformed(demo: Sandbox) -> None:
    demo.set_month(3)
    response = fetch(demo, f"{SEARX}?q={BARE}&format=json&pageno=1")
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)
    demo.set_month(4)
    assert fetch(demo, f"{SEARX}?q={BARE}&format=json&pageno=1").json()["results"]
    demo.set_month(0)


# ---------------------------------------------------------------------------------------------------------
# Profiles and the site, month by month


def test_site_gains_rel_me_and_json_ld_in_month_four(demo: Sandbox) -> None:
    profiles = [
        "https://www.linkedin.com/in/emilietremblay",
        "https://github.com/etremblay",
        "https://mastodon.social/@etremblay",
        "https://x.com/emilie_tremblay",
    ]
    demo.set_month(2)
    soup = BeautifulSoup(fetch(demo, f"{SITE}/").text, "lxml")
    assert soup.select("a[rel~=me]") == []
    assert soup.select('script[type="application/ld+json"]') == []
    assert soup.select_one("link[rel=canonical]")["href"] == f"{SITE}/"  # type: ignore[index]
    demo.set_month(3)
    soup = BeautifulSoup(fetch(demo, f"{SITE}/").text, "lxml")
    assert [a["href"] for a in soup.select("a[rel~=me]")] == profiles
    ld = soup.select_one('script[type="application/ld+json"]')
    assert ld is not None
    person = json.loads(ld.get_text())
    assert (person["@type"], person["name"], person["sameAs"]) == ("Person", "Émilie Tremblay", profiles)
    demo.set_month(0)


def test_github_links_her_site_from_month_two(demo: Sandbox) -> None:
    for month, blog in ((0, ""), (1, "https://emilietremblay.ca")):
        demo.set_month(month)
        soup = BeautifulSoup(fetch(demo, "https://github.com/etremblay").text, "lxml")
        links = [a["href"] for a in soup.select("li[itemprop=url] a[rel~=me]")]
        assert links == ([blog] if blog else [])
        api = fetch(demo, "https://api.github.com/users/etremblay")
        assert api.status_code == 200
        assert (api.json()["blog"], api.json()["login"], api.json()["html_url"]) == (
            blog,
            "etremblay",
            "https://github.com/etremblay",
        )
        assert api.headers["x-ratelimit-limit"] == "60"
        assert int(api.headers["x-ratelimit-remaining"]) < 60
    assert fetch(demo, "https://api.github.com/users/personne").status_code == 404
    demo.set_month(0)


def test_mastodon_link_then_verified(demo: Sandbox) -> None:
    lookup = "https://mastodon.social/api/v1/accounts/lookup?acct=etremblay"
    expected = {0: None, 2: (None,), 3: ("2026-09-01T00:00:00.000+00:00",)}
    for month, verified in expected.items():
        demo.set_month(month)
        fields = fetch(demo, lookup).json()["fields"]
        page = BeautifulSoup(fetch(demo, "https://mastodon.social/@etremblay").text, "lxml")
        anchors = page.select('a[rel~="me"][href="https://emilietremblay.ca"]')
        if verified is None:
            assert fields == [] and anchors == []
        else:
            assert [f["verified_at"] for f in fields] == list(verified)
            assert 'rel="nofollow noopener me"' in fields[0]["value"]
            assert len(anchors) == 1
    assert fetch(demo, "https://mastodon.social/api/v1/accounts/lookup?acct=personne").status_code == 404
    demo.set_month(0)


def test_linkedin_login_walls(demo: Sandbox) -> None:
    hers = fetch(demo, "https://www.linkedin.com/in/emilietremblay")
    assert hers.status_code == 999 and len(hers.content) < 1000
    namesake = fetch(demo, "https://www.linkedin.com/in/emilie-tremblay-rh")
    assert namesake.status_code == 302
    location = namesake.headers["location"]
    assert location.startswith("https://www.linkedin.com/authwall?")
    assert parse_qs(urlsplit(location).query)["sessionRedirect"] == ["https://www.linkedin.com/in/emilie-tremblay-rh"]
    assert fetch(demo, location).status_code == 200


def test_x_is_a_javascript_shell_with_a_tco_link(demo: Sandbox) -> None:
    response = fetch(demo, "https://x.com/emilie_tremblay")
    soup = BeautifulSoup(response.text, "lxml")
    assert soup.select("a[href]") == []
    assert "emilietremblay.ca/" not in response.text and "https://emilietremblay.ca" not in response.text
    data = json.loads(soup.select_one("script#profile-data").get_text())  # type: ignore[union-attr]
    assert data["url"].startswith("https://t.co/")
    hop = fetch(demo, data["url"])
    assert hop.status_code == 301 and hop.headers["location"] == "https://emilietremblay.ca"
    assert fetch(demo, "https://twitter.com/emilie_tremblay").headers["location"] == "https://x.com/emilie_tremblay"


def test_facebook_namesake_serves_og_tags(demo: Sandbox) -> None:
    soup = BeautifulSoup(fetch(demo, "https://www.facebook.com/emilietremblayrh").text, "lxml")
    og = {str(m["property"]): str(m["content"]) for m in soup.select("meta[property^='og:']")}
    assert og["og:title"] == "Émilie Tremblay, CRHA"
    assert og["og:url"] == "https://www.facebook.com/emilietremblayrh"
    assert og["og:type"] == "profile"


# ---------------------------------------------------------------------------------------------------------
# Faults


FAULTS = (
    "rate_limit_202",
    "captcha",
    "http_429",
    "http_500",
    "malformed",
    "json_disabled",
    "timeout",
    "empty",
    "degraded",
    "reset",
    "gzip_bomb",
    "http_500:1",
)


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """One month per fault, both engines failing the same way; a short timeout so tests stay fast."""
    months = "\n".join(
        f'[[months]]\nas_of = 2026-{i + 1:02d}-01\nfaults = {{ duckduckgo_html = "{m}", searxng = "{m}" }}\n'
        for i, m in enumerate(FAULTS)
    )
    text = (
        "[scenario]\ntimeout_seconds = 1.5\n"
        '[results.a]\nurl = "https://a.example/"\ntitle = "A"\nsnippet = "Alpha"\n'
        "[[months]]\nas_of = 2025-12-01\n"
        '[months.rankings.duckduckgo_html]\n"alpha" = ["a"]\n[months.rankings.searxng]\n"alpha" = ["a"]\n'
        '[months.pages."https://a.example/"]\ntitle = "A"\nfault = "http_429:1"\n'
        f"{months}"
    )
    path = tmp_path_factory.mktemp("faults") / "faults.toml"
    path.write_text(text, encoding="utf-8")
    with Sandbox(load_scenario(path)) as sb:
        yield sb


def _fault_month(sb: Sandbox, mode: str) -> tuple[httpx.Response, httpx.Response]:
    sb.set_month(1 + FAULTS.index(mode))
    return (fetch(sb, DDG, "POST", data={"q": "alpha"}), fetch(sb, f"{SEARX}?q=alpha&format=json&pageno=1"))


def test_fault_rate_limit_202(faulty: Sandbox) -> None:
    for response in _fault_month(faulty, "rate_limit_202"):
        assert response.status_code == 202
        assert "bots use DuckDuckGo too" in response.text


def test_fault_captcha(faulty: Sandbox) -> None:
    ddg_answer, _ = _fault_month(faulty, "captcha")
    soup = BeautifulSoup(ddg_answer.text, "lxml")
    assert ddg_answer.status_code == 200
    assert soup.select_one("form#challenge-form") is not None and soup.select("div.result") == []


def test_fault_http_429_and_500(faulty: Sandbox) -> None:
    for response in _fault_month(faulty, "http_429"):
        assert response.status_code == 429 and response.headers["retry-after"] == "30"
    for response in _fault_month(faulty, "http_500"):
        assert response.status_code == 500


def test_fault_malformed(faulty: Sandbox) -> None:
    ddg_answer, searx_answer = _fault_month(faulty, "malformed")
    soup = BeautifulSoup(ddg_answer.text, "lxml")
    assert ddg_answer.status_code == 200 and soup.get_text(strip=True)
    assert soup.select("div.result, div.no-results, a.result__a") == []
    assert searx_answer.status_code == 200 and searx_answer.text.lstrip().startswith("{")
    with pytest.raises(json.JSONDecodeError):
        json.loads(searx_answer.text)


def test_fault_json_disabled(faulty: Sandbox) -> None:
    _, searx_answer = _fault_month(faulty, "json_disabled")
    assert searx_answer.status_code == 403


def test_fault_empty(faulty: Sandbox) -> None:
    ddg_answer, searx_answer = _fault_month(faulty, "empty")
    assert BeautifulSoup(ddg_answer.text, "lxml").select_one("div.no-results") is not None
    assert searx_answer.json()["results"] == []


def test_fault_degraded(faulty: Sandbox) -> None:
    _, searx_answer = _fault_month(faulty, "degraded")
    data = searx_answer.json()
    assert data["results"] and data["unresponsive_engines"] == [["duckduckgo", "too many requests"]]


def test_fault_reset(faulty: Sandbox) -> None:
    faulty.set_month(1 + FAULTS.index("reset"))
    with pytest.raises(httpx.TransportError):
        fetch(faulty, DDG, "POST", data={"q": "alpha"})


def test_fault_gzip_bomb(faulty: Sandbox) -> None:
    faulty.set_month(1 + FAULTS.index("gzip_bomb"))
    parts = urlsplit(SEARX)
    with httpx.stream(
        "GET",
        faulty.url + parts.path + "?q=alpha&format=json",
        headers={"Host": parts.netloc, "X-Forwarded-Proto": "https"},
    ) as response:
        raw = b"".join(response.iter_raw())
    assert response.headers["content-encoding"] == "gzip" and len(raw) < 200_000
    inflated = zlib.decompressobj(31).decompress(raw, 10_000_000)
    assert len(inflated) == 10_000_000  # and far more remains: a bounded decoder must stop here


def test_fault_timeout(faulty: Sandbox) -> None:
    faulty.set_month(1 + FAULTS.index("timeout"))
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        fetch(faulty, DDG, "POST", timeout=0.3, data={"q": "alpha"})
    assert time.monotonic() - started < 1.4
    slow = fetch(faulty, f"{SEARX}?q=alpha&format=json", timeout=5)  # waits the 1.5 s, then answers
    assert slow.status_code == 200 and slow.json()["results"]


def test_timeout_never_delays_shutdown(tmp_path: Path) -> None:
    path = tmp_path / "slow.toml"
    path.write_text('[[months]]\nas_of = 2026-01-01\nfaults = { duckduckgo_html = "timeout" }\n', encoding="utf-8")
    scenario: Scenario = load_scenario(path)
    assert scenario.timeout_seconds == 30
    sb = Sandbox(scenario).start()
    pending = threading.Thread(target=lambda: _swallow(lambda: fetch(sb, DDG, "POST", timeout=60, data={"q": "a"})))
    pending.start()
    time.sleep(0.3)
    started = time.monotonic()
    sb.stop()
    pending.join(timeout=5)
    assert time.monotonic() - started < 3 and not pending.is_alive()


def test_fault_for_first_requests_only(faulty: Sandbox) -> None:
    faulty.set_month(1 + FAULTS.index("http_500:1"))
    statuses = [fetch(faulty, DDG, "POST", data={"q": "alpha"}).status_code for _ in range(3)]
    assert statuses == [500, 200, 200]


def test_page_fault(faulty: Sandbox) -> None:
    faulty.set_month(0)
    statuses = [fetch(faulty, "https://a.example/").status_code for _ in range(2)]
    assert statuses == [429, 200]
    assert organic(ddg(faulty, "ALPHA")) == ["https://a.example/"]  # queries match without case


def _swallow(call: Callable[[], object]) -> None:
    with contextlib.suppress(httpx.HTTPError):
        call()
