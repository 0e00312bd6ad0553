"""Scenario files: what the sandbox's little internet holds, month by month.

A scenario is TOML. Later months inherit everything from the month before and state only what changes:
a ranking replaces the list of that engine and query, a page merges field by field, faults are events of
one month and are never inherited.

    [scenario]
    name = "demo"                       # default: the file's stem
    config = "demo.auditor.toml"        # the auditor config to audit it with; default "<stem>.auditor.toml"
    searxng_host = "searx.sandbox.example"
    searxng_engines = ["brave", "qwant"]    # upstream names shown when a request pins none
    timeout_seconds = 30                # how long the `timeout` fault keeps a request waiting
    robots_disallow = ["/prive/"]       # every host's robots.txt disallows these paths
    host_aliases = { "twitter.com" = "x.com" }   # alias host -> 301 to the same path on the real host

    [results.site]                      # the catalogue: every result any engine lists, by id
    url = "https://emilietremblay.ca/"
    title = "Émilie Tremblay | Architecte infonuagique"
    snippet = "Plain text; DuckDuckGo bolds the query's words itself."

    [[months]]
    as_of = 2026-06-01
    faults = { searxng = "malformed", duckduckgo_html = "http_429:1" }   # see faults.MODES

    [months.rankings.duckduckgo_html]   # engine -> query -> result ids, best first
    "Émilie Tremblay" = ["site", "github"]  # queries match without case, accents or double quotes

    [months.pages."https://emilietremblay.ca/"]
    kind = "html"          # html | github | mastodon | linkedin | x | facebook
    status = 200           # any code; with `redirect`, 301 unless a 3xx is given
    redirect = ""          # absolute URL or a path on the same host
    login_wall = ""        # "" | "http_999" (LinkedIn's logged-out answer) | "authwall" (302 to /authwall)
    title = ""
    description = ""       # meta description (og:description on Facebook, bio on GitHub and Mastodon)
    text = ""              # visible text; blank lines separate paragraphs
    name = ""              # display name (h1 of a page, profile name of a network)
    location = ""
    links = [{ href = "https://github.com/etremblay", text = "GitHub", rel = "" }]
    me = []                # rel="me" anchors in the page's footer
    person = ""            # when set (or when same_as is), a JSON-LD schema.org Person with this name
    same_as = []           # that Person's sameAs
    canonical = ""
    noindex = false
    website = ""           # a profile's website field: GitHub blog, Mastodon field, X link (via t.co)
    website_verified = false    # Mastodon's verified_at on that field
    fault = ""             # a fault mode for this page (inherited like any page field; "" clears it)
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditor.errors import SandboxError
from auditor.sandbox.faults import Fault, parse_fault

ENGINES = ("duckduckgo_html", "searxng")
KINDS = ("html", "github", "mastodon", "linkedin", "x", "facebook")
LOGIN_WALLS = ("", "http_999", "authwall")
DDG_HOST = "html.duckduckgo.com"
DDG_MAIN_HOST = "duckduckgo.com"

_SCENARIOS = resources.files("auditor.sandbox") / "scenarios"
DEMO_SCENARIO = Path(str(_SCENARIOS / "demo.toml"))
MINIMAL_SCENARIO = Path(str(_SCENARIOS / "minimal.toml"))


@dataclass(frozen=True)
class Result:
    """One entry of an engine's ranking."""

    id: str
    url: str
    title: str
    snippet: str


@dataclass(frozen=True)
class Link:
    """An anchor on a page."""

    href: str
    text: str = ""
    rel: str = ""


@dataclass(frozen=True)
class Page:
    """One virtual page in one month. `kind` picks how a network would render it."""

    url: str
    kind: str = "html"
    status: int = 200
    redirect: str = ""
    login_wall: str = ""
    title: str = ""
    description: str = ""
    text: str = ""
    name: str = ""
    location: str = ""
    links: tuple[Link, ...] = ()
    me: tuple[str, ...] = ()
    person: str = ""
    same_as: tuple[str, ...] = ()
    canonical: str = ""
    noindex: bool = False
    website: str = ""
    website_verified: bool = False
    fault: str = ""

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    @property
    def scheme(self) -> str:
        return urlsplit(self.url).scheme.lower()

    @property
    def handle(self) -> str:
        """The account name in a profile URL: the last path segment without its `@`."""
        return urlsplit(self.url).path.rstrip("/").rsplit("/", 1)[-1].lstrip("@")


@dataclass(frozen=True)
class Month:
    """The state of the scenario's web during one month."""

    as_of: dt.date
    rankings: Mapping[str, Mapping[str, tuple[Result, ...]]] = field(default_factory=dict)
    """engine -> folded query -> results, best first."""
    pages: Mapping[str, Page] = field(default_factory=dict)
    """page_key(url) -> page."""
    faults: Mapping[str, Fault] = field(default_factory=dict)
    """engine -> the fault it shows this month."""

    def ranking(self, engine: str, query: str) -> tuple[Result, ...]:
        """An unknown query has no results, as a real engine's genuine no-results page."""
        return self.rankings.get(engine, {}).get(fold_query(query), ())

    def page(self, host: str, path: str) -> Page | None:
        for candidate in (path, path.rstrip("/") or "/", path + "/"):
            found = self.pages.get(page_key(host, candidate))
            if found is not None:
                return found
        return None


@dataclass(frozen=True)
class Scenario:
    """A whole scenario file, with every month resolved (inheritance already applied)."""

    name: str
    source: Path
    config_path: Path
    """The auditor config to audit this scenario with (packaged beside the scenario file)."""
    months: tuple[Month, ...]
    searxng_host: str = "searx.sandbox.example"
    searxng_engines: tuple[str, ...] = ("brave", "duckduckgo")
    timeout_seconds: float = 30.0
    robots_disallow: tuple[str, ...] = ("/prive/",)
    host_aliases: Mapping[str, str] = field(default_factory=dict)
    hosts: frozenset[str] = frozenset()
    """Every virtual host that answers; any other host gets a 502."""


def fold_query(query: str) -> str:
    """`"Émilie  TREMBLAY"` and `Emilie Tremblay` are one query, as they are to a search engine."""
    decomposed = unicodedata.normalize("NFKD", query.replace('"', " "))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def page_key(host: str, path: str) -> str:
    return f"{host.lower()}{path or '/'}"


def load_scenario(source: Path | str) -> Scenario:
    """Read and check a scenario file. Raises SandboxError whose message reads `FILE: key: problem`."""
    path = Path(source)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SandboxError(f"{path}: cannot read the scenario: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SandboxError(f"{path}: not valid TOML: {exc}") from None
    try:
        return _build(data, path)
    except _Invalid as exc:
        raise SandboxError(f"{path}: {exc}") from None


class _Invalid(Exception):
    """`where: problem`, before the file name is put in front."""


def _build(data: dict[str, Any], path: Path) -> Scenario:
    _keys(data, {"scenario", "results", "months"}, "(top level)")
    head = _table(data.get("scenario", {}), "scenario")
    _keys(head, {"name", "config", "searxng_host", "searxng_engines", "timeout_seconds", "robots_disallow",
                 "host_aliases"}, "scenario")
    catalogue = {rid: _result(rid, _table(v, f"results.{rid}")) for rid, v in
                 _table(data.get("results", {}), "results").items()}
    raw_months = data.get("months")
    if not isinstance(raw_months, list) or not raw_months:
        raise _Invalid("months: give at least one [[months]] table")
    months: list[Month] = []
    rankings: dict[str, dict[str, tuple[Result, ...]]] = {}
    page_fields: dict[str, dict[str, Any]] = {}
    for index, raw in enumerate(raw_months):
        where = f"months[{index}]"
        month = _table(raw, where)
        _keys(month, {"as_of", "rankings", "pages", "faults"}, where)
        as_of = month.get("as_of")
        if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
            raise _Invalid(f"{where}.as_of: give a date such as 2026-06-01")
        if months and as_of <= months[-1].as_of:
            raise _Invalid(f"{where}.as_of: months must be in increasing date order")
        rankings = _merge_rankings(rankings, _table(month.get("rankings", {}), f"{where}.rankings"),
                                   catalogue, where)
        for url, fields in _table(month.get("pages", {}), f"{where}.pages").items():
            key = _url_key(url, f"{where}.pages")
            page_fields[key] = {**page_fields.get(key, {}), **_table(fields, f"{where}.pages.{url!r}"),
                                "url": url}
        pages = {key: _page(fields, f"{where}.pages.{fields['url']!r}") for key, fields in page_fields.items()}
        faults = {}
        for engine, spec in _table(month.get("faults", {}), f"{where}.faults").items():
            if engine not in ENGINES:
                raise _Invalid(f"{where}.faults.{engine}: unknown engine; known: {', '.join(ENGINES)}")
            faults[engine] = _fault(spec, f"{where}.faults.{engine}")
        months.append(Month(as_of, rankings, pages, faults))
    searxng_host = _str(head, "searxng_host", "scenario", "searx.sandbox.example").lower()
    aliases = {k.lower(): _str_value(v, f"scenario.host_aliases.{k}").lower()
               for k, v in _table(head.get("host_aliases", {}), "scenario.host_aliases").items()}
    stem = path.name.removesuffix(".toml")
    config = _str(head, "config", "scenario", f"{stem}.auditor.toml")
    timeout = head.get("timeout_seconds", 30.0)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout < 0:
        raise _Invalid("scenario.timeout_seconds: give a number of seconds")
    return Scenario(
        name=_str(head, "name", "scenario", stem),
        source=path,
        config_path=(path.parent / config),
        months=tuple(months),
        searxng_host=searxng_host,
        searxng_engines=_strs(head, "searxng_engines", "scenario", ("brave", "duckduckgo")),
        timeout_seconds=float(timeout),
        robots_disallow=_strs(head, "robots_disallow", "scenario", ("/prive/",)),
        host_aliases=aliases,
        hosts=_hosts(months, searxng_host, aliases),
    )


def _hosts(months: list[Month], searxng_host: str, aliases: Mapping[str, str]) -> frozenset[str]:
    hosts = {DDG_HOST, DDG_MAIN_HOST, searxng_host, *aliases}
    for month in months:
        for page in month.pages.values():
            hosts.add(page.host)
            # Hosts that exist because a kind of page does: its API, its link shortener, its login wall.
            if page.kind == "github":
                hosts.add("api.github.com")
            elif page.kind == "x":
                hosts.add("t.co")
            elif page.login_wall == "authwall":
                hosts.add("www.linkedin.com")
    return frozenset(hosts)


def _merge_rankings(
    previous: dict[str, dict[str, tuple[Result, ...]]], raw: dict[str, Any], catalogue: dict[str, Result],
    where: str,
) -> dict[str, dict[str, tuple[Result, ...]]]:
    merged = {engine: dict(queries) for engine, queries in previous.items()}
    for engine, queries in raw.items():
        if engine not in ENGINES:
            raise _Invalid(f"{where}.rankings.{engine}: unknown engine; known: {', '.join(ENGINES)}")
        for query, ids in _table(queries, f"{where}.rankings.{engine}").items():
            spot = f"{where}.rankings.{engine}.{query!r}"
            ids = _str_list(ids, spot)
            missing = [rid for rid in ids if rid not in catalogue]
            if missing:
                raise _Invalid(f"{spot}: no [results.{missing[0]}] in the catalogue")
            if len(set(ids)) != len(ids):
                raise _Invalid(f"{spot}: an engine lists a result only once")
            merged.setdefault(engine, {})[fold_query(query)] = tuple(catalogue[rid] for rid in ids)
    return merged


def _result(rid: str, table: dict[str, Any]) -> Result:
    where = f"results.{rid}"
    _keys(table, {"url", "title", "snippet"}, where)
    if "url" not in table:
        raise _Invalid(f"{where}.url: required key is missing")
    return Result(rid, _str(table, "url", where), _str(table, "title", where), _str(table, "snippet", where))


_PAGE_STRS = ("kind", "redirect", "login_wall", "title", "description", "text", "name", "location", "person",
              "canonical", "website", "fault")
_PAGE_LISTS = ("me", "same_as")
_PAGE_BOOLS = ("noindex", "website_verified")


def _page(fields: dict[str, Any], where: str) -> Page:
    _keys(fields, {"url", "status", "links", *_PAGE_STRS, *_PAGE_LISTS, *_PAGE_BOOLS}, where)
    strs = {k: _str(fields, k, where) for k in _PAGE_STRS if k in fields}
    lists = {k: _strs(fields, k, where, ()) for k in _PAGE_LISTS if k in fields}
    bools = {k: _bool(fields, k, where) for k in _PAGE_BOOLS if k in fields}
    if strs.get("kind", "html") not in KINDS:
        raise _Invalid(f"{where}.kind: unknown kind {strs['kind']!r}; known: {', '.join(KINDS)}")
    if strs.get("login_wall", "") not in LOGIN_WALLS:
        raise _Invalid(f"{where}.login_wall: expected one of {', '.join(repr(w) for w in LOGIN_WALLS)}")
    if strs.get("fault"):
        _fault(strs["fault"], f"{where}.fault")
    status = fields.get("status", 200)
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 999:
        raise _Invalid(f"{where}.status: give an HTTP status code")
    if strs.get("redirect") and not 300 <= status < 400:
        status = 301
    links = tuple(_link(_table(v, f"{where}.links[{i}]"), f"{where}.links[{i}]")
                  for i, v in enumerate(_list(fields.get("links", []), f"{where}.links")))
    return Page(url=fields["url"], status=status, links=links, **strs, **lists, **bools)


def _link(table: dict[str, Any], where: str) -> Link:
    _keys(table, {"href", "text", "rel"}, where)
    return Link(_str(table, "href", where), _str(table, "text", where), _str(table, "rel", where))


def _fault(spec: Any, where: str) -> Fault:
    try:
        return parse_fault(_str_value(spec, where))
    except ValueError as exc:
        raise _Invalid(f"{where}: {exc}") from None


_URL = re.compile(r"^https?://[^/?#]+")


def _url_key(url: str, where: str) -> str:
    if not _URL.match(url):
        raise _Invalid(f"{where}: {url!r} is not an absolute http(s) URL")
    parts = urlsplit(url)
    return page_key(parts.hostname or "", parts.path)


def _keys(table: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise _Invalid(f"{where}.{unknown[0]}: unknown key; known: {', '.join(sorted(allowed))}")


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Invalid(f"{where}: expected a table")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Invalid(f"{where}: expected a list")
    return value


def _str_value(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"{where}: expected a string")
    return value


def _str_list(value: Any, where: str) -> tuple[str, ...]:
    return tuple(_str_value(v, f"{where}[{i}]") for i, v in enumerate(_list(value, where)))


def _str(table: dict[str, Any], key: str, where: str, default: str = "") -> str:
    return _str_value(table[key], f"{where}.{key}") if key in table else default


def _strs(table: dict[str, Any], key: str, where: str, default: tuple[str, ...]) -> tuple[str, ...]:
    return _str_list(table[key], f"{where}.{key}") if key in table else default


def _bool(table: dict[str, Any], key: str, where: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise _Invalid(f"{where}.{key}: expected true or false")
    return value
