"""The engine registry: an engine declared in one object, registered from a test without editing any module,
is validated in a config, listed by `auditor engines`, parsed by `auditor parse`, recognised by the sniff,
counted against its budget and audited end to end (over an httpx.MockTransport)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated

import httpx
import pytest
from pydantic import Field
from typer.testing import CliRunner

from auditor.audit.budget import budget_uses, check_budgets
from auditor.audit.pipeline import run_audit
from auditor.audit.plan import build_engines
from auditor.cli import app
from auditor.config import Config, parse_config
from auditor.engines import registry
from auditor.engines.base import (
    EngineRequest,
    Locale,
    OffsetPagedEngine,
    http_status_page,
    url_int,
)
from auditor.engines.catalog import engine_notes
from auditor.engines.sniff import looks_like
from auditor.engines.spec import EngineSettings, EngineSpec
from auditor.errors import ConfigError, UsageError
from auditor.models import AuditStatus, EngineStatus, ParsedPage, Query, SearchResult
from auditor.net.client import HttpClient, HttpPolicy
from auditor.net.fetched import Fetched
from auditor.report.html import scoring_info, write_report
from auditor.report.i18n import label

MARKER = 'class="fake-results"'
HIT = re.compile(r'<a class="hit" href="([^"]+)">([^<]*)</a>')
SITE = "https://noemiegagnon.example/"
ENDPOINT = "https://search.fake.example/find"


class FakeSettings(EngineSettings):
    endpoint: str = ""
    """Where the fake engine answers."""
    per_page: Annotated[int, Field(ge=1, le=20, strict=True)] = 10


class FakeEngine(OffsetPagedEngine):
    name = "fake"
    kind = "html"

    def __init__(self, endpoint: str, per_page: int, locale: Locale) -> None:
        self.endpoint = endpoint
        self.page_size = per_page
        self.locale = locale

    def request_at(self, query: Query, offset: int) -> EngineRequest:
        params = {"q": query.text, "start": str(offset), "hl": self.locale.language}
        return EngineRequest("GET", self.endpoint, params=params, offset=offset)

    def parse(self, response: Fetched) -> ParsedPage:
        return parse_fake(response)


def parse_fake(response: Fetched) -> ParsedPage:
    early = http_status_page(response, "fake")
    if early is not None:
        return early
    if MARKER not in response.text:
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="no fake-results list in the page")
    offset = url_int(response.url, "start")
    hits = HIT.findall(response.text)
    results = tuple(SearchResult(offset + i + 1, url, title, "") for i, (url, title) in enumerate(hits))
    return ParsedPage(EngineStatus.OK if results else EngineStatus.EMPTY, results)


def _build(settings: FakeSettings, locale: Locale, env: Mapping[str, str]) -> FakeEngine:
    return FakeEngine(settings.endpoint, settings.per_page, locale)


def _problem(settings: FakeSettings) -> str | None:
    return None if settings.endpoint else "audit.engines lists fake but engines.fake.endpoint is not set"


FAKE = EngineSpec(
    name="fake",
    label="Fake Search",
    kind="html",
    settings=FakeSettings,
    build=_build,
    parser=parse_fake,
    cost="free (a test's own)",
    limits="none",
    page_markers=(MARKER,),
    notices=lambda today: (f"fake: a notice dated {today.isoformat()}",),
    problem=_problem,
)

CONFIG = f"""\
[person]
name = "Noémie Gagnon"
site = "{SITE}"

[audit]
engines = ["fake"]
depth = 10

[engines.fake]
endpoint = "{ENDPOINT}"
monthly_budget = 40

[http]
html_interval = 0
retries = 0
"""

PAGE = f"""<html><body><ol {MARKER}>
<li><a class="hit" href="{SITE}">Noémie Gagnon, illustratrice</a></li>
<li><a class="hit" href="https://elsewhere.example/noemie">Another Noémie</a></li>
</ol></body></html>"""


@pytest.fixture
def fake() -> Iterator[EngineSpec[FakeSettings]]:
    with registry.registered(FAKE) as spec:
        yield spec


def config_of(text: str, tmp_path: Path) -> Config:
    return parse_config(text, source="fake.toml", base_dir=tmp_path)


def test_registering_adds_the_engine_and_leaving_the_block_removes_it() -> None:
    assert registry.find("fake") is None
    with registry.registered(FAKE):
        assert registry.names()[-1] == "fake" and registry.get("fake") is FAKE
        with pytest.raises(ValueError, match="already registered"):
            registry.register(FAKE)
    assert "fake" not in registry.names()
    with pytest.raises(ValueError, match="unknown engine 'fake'"):
        registry.get("fake")


def test_a_config_naming_an_unregistered_engine_is_refused(tmp_path: Path) -> None:
    # Both its [engines.fake] table and audit.engines name it: the table, like any unknown key, comes first.
    with pytest.raises(ConfigError) as raised:
        config_of(CONFIG, tmp_path)
    table, listed = str(raised.value).splitlines()
    assert re.search(r"engines\.fake: unknown engine 'fake'", table), table
    assert re.search(r"audit\.engines: unknown engine 'fake'", listed), listed


def test_the_config_validates_the_engines_table_with_its_own_model(
    fake: EngineSpec[FakeSettings], tmp_path: Path
) -> None:
    config = config_of(CONFIG, tmp_path)
    assert config.engines.fake == FakeSettings(endpoint=ENDPOINT, monthly_budget=40)
    assert config.engines.budget("fake") == 40 and config.engines.key_env("fake") is None
    assert config.engines.brave.api_key_env == "BRAVE_API_KEY"  # the built-in engines keep their defaults
    bad = {
        "per_pgae = 5": r"engines\.fake\.per_pgae: unknown key \(did you mean 'per_page'\?\)",
        'per_page = "5"': r"engines\.fake\.per_page: expected a whole number, got text '5'",
        "per_page = 50": r"engines\.fake\.per_page: Input should be less than or equal to 20",
    }
    for line, expected in bad.items():
        with pytest.raises(ConfigError, match=expected):
            config_of(CONFIG.replace("monthly_budget = 40", f"monthly_budget = 40\n{line}"), tmp_path)
    with pytest.raises(ConfigError, match=r"audit\.engines lists fake but engines\.fake\.endpoint is not set"):
        config_of(CONFIG.replace(f'endpoint = "{ENDPOINT}"', ""), tmp_path)


def test_the_engine_is_listed_with_its_own_facts(fake: EngineSpec[FakeSettings], tmp_path: Path) -> None:
    path = tmp_path / "auditor.toml"
    path.write_text(CONFIG, encoding="utf-8")
    listed = CliRunner().invoke(app, ["engines", "-c", str(path), "--json"])
    assert listed.exit_code == 0, listed.output
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert list(rows)[-1] == "fake"
    today = dt.date.today().isoformat()
    assert rows["fake"] == {
        "name": "fake",
        "label": "Fake Search",
        "kind": "html",
        "configured": True,
        "needs_key": False,
        "key_env": None,
        "key_present": None,
        "used_this_month": 0,
        "monthly_budget": 40,
        "cost": "free (a test's own)",
        "limits": "none",
        "notes": [f"fake: a notice dated {today}"],
    }
    plain = CliRunner().invoke(app, ["engines", "-c", str(path)])
    assert re.search(r"^fake +yes +- +0 / 40$", plain.stdout, re.MULTILINE), plain.stdout
    assert engine_notes(("fake", "brave"), dt.date(2026, 1, 2)) == ["fake: a notice dated 2026-01-02"]


def test_auditor_parse_reads_its_page_and_the_sniff_recognises_it(
    fake: EngineSpec[FakeSettings], tmp_path: Path
) -> None:
    saved = tmp_path / "page.html"
    saved.write_text(PAGE, encoding="utf-8")
    parsed = CliRunner().invoke(app, ["parse", "--engine", "fake", str(saved), "--json"])
    assert parsed.exit_code == 0, parsed.output
    data = json.loads(parsed.stdout)
    assert data["status"] == "ok"
    assert [(r["position"], r["url"]) for r in data["results"]] == [(1, SITE), (2, "https://elsewhere.example/noemie")]
    assert looks_like(PAGE) == "fake"
    other = CliRunner().invoke(app, ["parse", "--engine", "duckduckgo_html", str(saved), "--json"])
    assert other.exit_code == 3
    assert json.loads(other.stdout)["detail"].endswith("it looks like a fake response (Fake Search): try --engine fake")


def test_its_budget_counts_its_pages(fake: EngineSpec[FakeSettings], tmp_path: Path) -> None:
    config = config_of(CONFIG.replace("monthly_budget = 40", "monthly_budget = 5\nper_page = 5"), tmp_path)
    (use,) = budget_uses(config, lambda engine, since: 2, queries=1)
    assert (use.engine, use.budget, use.used, use.needed, use.excess) == ("fake", 5, 2, 2, 0)
    with pytest.raises(UsageError, match=r"^fake: this audit needs 4 requests but only 3 of its monthly budget"):
        check_budgets(config, lambda engine, since: 2, queries=2)


class Web:
    """The fake engine's server and the person's site; anything else is not found. Remembers what was asked."""

    def __init__(self) -> None:
        self.asked: list[httpx.URL] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.asked.append(request.url)
        if str(request.url.copy_with(query=None)) == ENDPOINT:
            return httpx.Response(200, text=PAGE, headers={"content-type": "text/html; charset=utf-8"})
        if str(request.url) == SITE:
            html = "<html><head><title>Noémie Gagnon</title></head><body><h1>Noémie Gagnon</h1></body></html>"
            return httpx.Response(200, text=html, headers={"content-type": "text/html; charset=utf-8"})
        return httpx.Response(404, text="not found")


async def _public(host: str, port: int) -> list[str]:
    return ["93.184.215.14"]


def test_an_audit_with_the_engine_runs_end_to_end(fake: EngineSpec[FakeSettings], tmp_path: Path) -> None:
    config = config_of(CONFIG, tmp_path)
    assert [type(engine) for engine in build_engines(config)] == [FakeEngine]
    web = Web()

    async def audit():  # type: ignore[no-untyped-def]
        policy = HttpPolicy(html_interval=0, retries=0)
        async with HttpClient(policy, transport=httpx.MockTransport(web), resolver=_public) as client:
            return await run_audit(config, client, as_of=dt.date(2026, 1, 1))

    result = asyncio.run(audit())
    (run,) = result.engines
    assert (run.name, run.status) == ("fake", EngineStatus.OK)
    assert result.status is AuditStatus.COMPLETE
    assert any(u.host == "search.fake.example" and u.params["q"] == "Noémie Gagnon" for u in web.asked)
    assert result.scores.visibility is not None and result.scores.visibility > 0  # the site ranks first
    paths = write_report(result, [result], reports_dir=tmp_path / "reports", lang="fr", scoring=scoring_info(config))
    assert "Fake Search" in paths.html.read_text(encoding="utf-8")
    assert label("fr", "engine", "fake") == "Fake Search"
