"""Reading a scenario file: TOML in, a checked `Scenario` with every month resolved out.

The schema is documented in `auditor.sandbox.scenario`. Errors read `FILE: key: problem`, like the
config's, and unknown keys are refused so a typo never silently becomes a default.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditor.engines import registry
from auditor.errors import SandboxError
from auditor.sandbox import profile_apis, results_pages, search_apis
from auditor.sandbox.faults import Fault, parse_fault
from auditor.sandbox.scenario import (
    DDG_HOST,
    DDG_MAIN_HOST,
    KINDS,
    LOGIN_WALLS,
    Extras,
    Link,
    Month,
    Page,
    Panel,
    Result,
    Scenario,
    fold_query,
    page_key,
)


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
    _keys(
        head,
        {"name", "config", "searxng_host", "searxng_engines", "timeout_seconds", "robots_disallow", "host_aliases"},
        "scenario",
    )
    catalogue = {
        rid: _result(rid, _table(v, f"results.{rid}")) for rid, v in _table(data.get("results", {}), "results").items()
    }
    raw_months = data.get("months")
    if not isinstance(raw_months, list) or not raw_months:
        raise _Invalid("months: give at least one [[months]] table")
    months: list[Month] = []
    rankings: dict[str, dict[str, tuple[Result, ...]]] = {}
    page_fields: dict[str, dict[str, Any]] = {}
    extras: dict[str, Extras] = {}
    for index, raw in enumerate(raw_months):
        where = f"months[{index}]"
        month = _table(raw, where)
        _keys(month, {"as_of", "rankings", "pages", "faults", "extras"}, where)
        as_of = month.get("as_of")
        if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
            raise _Invalid(f"{where}.as_of: give a date such as 2026-06-01")
        if months and as_of <= months[-1].as_of:
            raise _Invalid(f"{where}.as_of: months must be in increasing date order")
        rankings = _merge_rankings(rankings, _table(month.get("rankings", {}), f"{where}.rankings"), catalogue, where)
        for url, fields in _table(month.get("pages", {}), f"{where}.pages").items():
            key = _url_key(url, f"{where}.pages")
            page_fields[key] = {**page_fields.get(key, {}), **_table(fields, f"{where}.pages.{url!r}"), "url": url}
        pages = {key: _page(fields, f"{where}.pages.{fields['url']!r}") for key, fields in page_fields.items()}
        faults = {}
        for engine, spec in _table(month.get("faults", {}), f"{where}.faults").items():
            if registry.find(engine) is None:
                raise _Invalid(f"{where}.faults.{engine}: unknown engine; known: {', '.join(registry.names())}")
            faults[engine] = _fault(spec, f"{where}.faults.{engine}")
        for query, spec in _table(month.get("extras", {}), f"{where}.extras").items():
            extras = {**extras, fold_query(query): _extras(spec, catalogue, f"{where}.extras.{query!r}")}
        months.append(Month(as_of, rankings, pages, faults, extras))
    searxng_host = _str(head, "searxng_host", "scenario", "searx.sandbox.example").lower()
    aliases = {
        k.lower(): _str_value(v, f"scenario.host_aliases.{k}").lower()
        for k, v in _table(head.get("host_aliases", {}), "scenario.host_aliases").items()
    }
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
    hosts = {DDG_HOST, DDG_MAIN_HOST, searxng_host, *aliases, *search_apis.HOSTS, *results_pages.HOSTS}
    for month in months:
        for page in month.pages.values():
            hosts.add(page.host)
            # Hosts that exist because a kind of page does: its API, its link shortener, its login wall.
            if page.kind == "github":
                hosts.add("api.github.com")
            elif page.kind in ("stackoverflow", "bluesky"):
                hosts.add(profile_apis.API_HOSTS[page.kind])
            elif page.kind == "x":
                hosts.add("t.co")
            elif page.login_wall == "authwall":
                hosts.add("www.linkedin.com")
    return frozenset(hosts)


def _merge_rankings(
    previous: dict[str, dict[str, tuple[Result, ...]]],
    raw: dict[str, Any],
    catalogue: dict[str, Result],
    where: str,
) -> dict[str, dict[str, tuple[Result, ...]]]:
    merged = {engine: dict(queries) for engine, queries in previous.items()}
    for engine, queries in raw.items():
        if registry.find(engine) is None:
            raise _Invalid(f"{where}.rankings.{engine}: unknown engine; known: {', '.join(registry.names())}")
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


def _extras(spec: Any, catalogue: dict[str, Result], where: str) -> Extras:
    table = _table(spec, where)
    _keys(table, {"panel", "questions", "overview", "videos"}, where)

    def results(key: str, within: dict[str, Any], spot: str) -> tuple[Result, ...]:
        ids = _strs(within, key, spot, ())
        missing = [rid for rid in ids if rid not in catalogue]
        if missing:
            raise _Invalid(f"{spot}.{key}: no [results.{missing[0]}] in the catalogue")
        return tuple(catalogue[rid] for rid in ids)

    panel = None
    if "panel" in table:
        raw = _table(table["panel"], f"{where}.panel")
        _keys(raw, {"title", "description", "links"}, f"{where}.panel")
        if not _str(raw, "title", f"{where}.panel"):
            raise _Invalid(f"{where}.panel.title: a panel needs a title")
        panel = Panel(
            _str(raw, "title", f"{where}.panel"),
            _str(raw, "description", f"{where}.panel"),
            results("links", raw, f"{where}.panel"),
        )
    return Extras(
        panel, _strs(table, "questions", where, ()), results("overview", table, where), results("videos", table, where)
    )


def _result(rid: str, table: dict[str, Any]) -> Result:
    where = f"results.{rid}"
    _keys(table, {"url", "title", "snippet"}, where)
    if "url" not in table:
        raise _Invalid(f"{where}.url: required key is missing")
    return Result(rid, _str(table, "url", where), _str(table, "title", where), _str(table, "snippet", where))


_PAGE_STRS = (
    "kind",
    "redirect",
    "login_wall",
    "title",
    "description",
    "text",
    "name",
    "location",
    "person",
    "canonical",
    "website",
    "fault",
    "api_fault",
    "encoding",
)
_PAGE_LISTS = ("me", "same_as", "social_accounts")
_PAGE_BOOLS = ("noindex", "website_verified")


def _page(fields: dict[str, Any], where: str) -> Page:
    _keys(fields, {"url", "status", "links", *_PAGE_STRS, *_PAGE_LISTS, *_PAGE_BOOLS}, where)
    strs = {k: _str(fields, k, where) for k in _PAGE_STRS if k in fields}
    others: dict[str, Any] = dict(strs)
    others.update({k: _strs(fields, k, where, ()) for k in _PAGE_LISTS if k in fields})
    others.update({k: _bool(fields, k, where) for k in _PAGE_BOOLS if k in fields})
    if strs.get("kind", "html") not in KINDS:
        raise _Invalid(f"{where}.kind: unknown kind {strs['kind']!r}; known: {', '.join(KINDS)}")
    if strs.get("login_wall", "") not in LOGIN_WALLS:
        raise _Invalid(f"{where}.login_wall: expected one of {', '.join(repr(w) for w in LOGIN_WALLS)}")
    if strs.get("fault"):
        _fault(strs["fault"], f"{where}.fault")
    if strs.get("api_fault") and strs["api_fault"] != profile_apis.RATE_LIMITED:
        _fault(strs["api_fault"], f"{where}.api_fault")
    if strs.get("encoding"):
        try:
            codecs.lookup(strs["encoding"])
        except LookupError:
            raise _Invalid(f"{where}.encoding: unknown encoding {strs['encoding']!r}") from None
    status = fields.get("status", 200)
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 999:
        raise _Invalid(f"{where}.status: give an HTTP status code")
    if strs.get("redirect") and not 300 <= status < 400:
        status = 301
    links = tuple(
        _link(_table(v, f"{where}.links[{i}]"), f"{where}.links[{i}]")
        for i, v in enumerate(_list(fields.get("links", []), f"{where}.links"))
    )
    return Page(url=fields["url"], status=status, links=links, **others)


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
