"""Knowledge-panel readiness: what a search engine needs before it can show a panel about the person, read
from what the audit already fetched (the site's page, the profiles' names). Pure, never raises.

A malformed JSON-LD block, or a `sameAs` entry that is not a URL, is recorded with its reason and never
counted as present.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from auditor.identify.links import page_links
from auditor.identify.names import mentions_name
from auditor.models import ProfileCheck, ReadinessItem
from auditor.net.fetched import Fetched

WIKIDATA_HOSTS = ("wikidata.org", "www.wikidata.org", "m.wikidata.org")
MAX_SHOWN = 3


@dataclass(frozen=True)
class JsonLd:
    """The site's JSON-LD: its objects, and why any block could not be read."""

    objects: tuple[dict[str, object], ...]
    broken: tuple[str, ...]


def read_jsonld(html: str) -> JsonLd:
    soup = BeautifulSoup(html, "lxml")
    objects: list[dict[str, object]] = []
    broken: list[str] = []
    for number, script in enumerate(soup.select('script[type="application/ld+json"]'), start=1):
        try:
            data = json.loads(script.string or "")
        except ValueError as exc:
            broken.append(f"block {number}: {str(exc)[:120]}")
            continue
        objects.extend(_flatten(data))
    return JsonLd(tuple(objects), tuple(broken))


def _flatten(data: object) -> Iterator[dict[str, object]]:
    stack = list(data) if isinstance(data, list) else [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                stack.extend(graph)


def _is_person(item: dict[str, object]) -> bool:
    kind = item.get("@type")
    return kind == "Person" or (isinstance(kind, list) and "Person" in kind)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://")) and " " not in value.strip() and "." in value


def _is_wikidata(url: str) -> bool:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return host in WIKIDATA_HOSTS


def panel_readiness(
    site: Fetched, names: tuple[str, ...], profiles: Sequence[ProfileCheck]
) -> tuple[ReadinessItem, ...]:
    """Four items: a schema.org `Person`, its `sameAs`, names shown consistently, a Wikidata item."""
    if not site.ok:
        schema = ReadinessItem("person_schema", False, "site_unreachable")
        same_as = ReadinessItem("person_sameas", False, "site_unreachable")
        wikidata = ReadinessItem("wikidata", False, "site_unreachable")
        return (schema, same_as, _names(names, profiles, []), wikidata)
    found = read_jsonld(site.text)
    people = [item for item in found.objects if _is_person(item)]
    if people:
        person_names = [n for p in people for n in _strings(p.get("name"))]
        schema = ReadinessItem("person_schema", True, "person_found", {"name": person_names[0] if person_names else ""})
    elif found.broken:
        schema = ReadinessItem("person_schema", False, "jsonld_malformed", {"reason": "; ".join(found.broken)})
    else:
        schema = ReadinessItem("person_schema", False, "person_missing")
    entries = [value for p in people for value in _strings(p.get("sameAs"))]
    urls = [value for value in entries if _is_url(value)]
    not_urls = [value[:80] for value in entries if not _is_url(value)]
    if urls:
        params = {"count": str(len(urls))}
        if not_urls:
            params["ignored"] = ", ".join(not_urls[:MAX_SHOWN])
        same_as = ReadinessItem("person_sameas", True, "sameas_found", params)
    elif not_urls:
        same_as = ReadinessItem("person_sameas", False, "sameas_not_url", {"ignored": ", ".join(not_urls[:MAX_SHOWN])})
    else:
        same_as = ReadinessItem("person_sameas", False, "sameas_missing")
    site_names = [("site", n) for p in people for n in _strings(p.get("name"))]
    anchors = [link.href for link in page_links(site.text, site.url)]
    wikidata_url = next((url for url in [*urls, *anchors] if _is_wikidata(url)), None)
    return (
        schema,
        same_as,
        _names(names, profiles, site_names),
        ReadinessItem("wikidata", True, "wikidata_linked", {"url": wikidata_url})
        if wikidata_url
        else ReadinessItem("wikidata", False, "wikidata_missing"),
    )


def _names(
    names: tuple[str, ...], profiles: Sequence[ProfileCheck], site_names: list[tuple[str, str]]
) -> ReadinessItem:
    shown = [*site_names, *((p.network, p.display_name) for p in profiles if p.display_name)]
    differ = [f"{where}: {name[:60]}" for where, name in shown if not mentions_name(name, names)]
    if not shown:
        return ReadinessItem("consistent_names", False, "names_unknown")
    if differ:
        return ReadinessItem("consistent_names", False, "names_differ", {"names": "; ".join(differ[:MAX_SHOWN])})
    return ReadinessItem("consistent_names", True, "names_consistent", {"count": str(len(shown))})
