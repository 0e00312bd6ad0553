"""The identity graph's own sources: the few answers it needs beyond what profile gathering reads.

- GitHub's social accounts (`GET api.github.com/users/NAME/social_accounts`): the other profiles GitHub
  shows on the person's page;
- the site's `/.well-known/atproto-did`, when the Bluesky handle is the person's own domain: it must name the
  account's DID (the DNS way of proving a handle, a `_atproto` TXT record, is not read by this version);
- a Wikidata item the site links to (`Special:EntityData/Q....json`): does it name the site back?

Everything is asked through the audit's `Fetcher` (guarded, paced, recorded, replayed on resume and
rescore), filed as kind `profile_link`. The parsers below are pure; gathering never raises for what the web
does: a failed answer is kept as it is and its edge cannot be checked.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from auditor.identify.links import EVIDENCE_MAX
from auditor.net.fetched import Fetched
from auditor.net.fetcher import Fetcher, Request
from auditor.verify.apis import JSON_ACCEPT
from auditor.verify.evidence import ProfileEvidence

WIKIDATA_ITEM = re.compile(r"^https?://(?:www\.|m\.)?wikidata\.org/(?:wiki|entity)/(Q[1-9][0-9]{0,11})/?$", re.I)
MAX_WIKIDATA = 2
"""Wikidata items read per audit: a site lists one for its person; more is not worth more requests."""
GITHUB_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}


@dataclass(frozen=True)
class GraphAnswers:
    """The answers the graph read, as they came (a failure included)."""

    social_accounts: Fetched | None = None
    atproto_did: Fetched | None = None
    """None when the Bluesky handle is not on the site's domain (nothing to ask)."""
    wikidata: Mapping[str, Fetched] = field(default_factory=dict)
    """Item id (`Q42`) -> its entity JSON."""


def wikidata_item(url: str) -> str | None:
    """`Q42` for a link to a Wikidata item's page or entity; None for anything else."""
    found = WIKIDATA_ITEM.match(url.strip())
    return found.group(1).upper() if found else None


def handle_on_domain(handle: str, site_host: str) -> bool:
    """A Bluesky handle that is the site's own domain, or a name under it (`emilie.example` or `me.emilie.example`)."""
    handle, site_host = handle.lower().strip("."), site_host.lower().removeprefix("www.")
    return bool(site_host) and (handle == site_host or handle.endswith("." + site_host))


def bluesky_handle(url: str) -> str:
    """`https://bsky.app/profile/emilie.example` -> `emilie.example`."""
    parts = urlsplit(url).path.rstrip("/").split("/")
    return parts[-1].lower() if len(parts) >= 3 and parts[-2] == "profile" else ""


def social_accounts(answer: Fetched) -> tuple[tuple[str, str], ...] | None:
    """(provider, url) of each account GitHub lists; None when the answer is not such a list."""
    if not answer.ok:
        return None
    try:
        body: Any = json.loads(answer.text)
    except ValueError:
        return None
    if not isinstance(body, list):
        return None
    return tuple(
        (str(item.get("provider") or ""), str(item["url"]))
        for item in body
        if isinstance(item, dict) and isinstance(item.get("url"), str)
    )


def did_document(answer: Fetched) -> str | None:
    """The DID a `/.well-known/atproto-did` answer names; None when it names none (no file, an HTML page)."""
    if not answer.ok:
        return None
    text = answer.text.strip()
    return text if re.fullmatch(r"did:[a-z]+:[A-Za-z0-9._:%-]{1,200}", text) else None


def wikidata_websites(answer: Fetched, item: str) -> tuple[str, ...] | None:
    """The item's official websites (property P856); None when the answer is not the item's entity JSON."""
    if not answer.ok:
        return None
    try:
        body: Any = json.loads(answer.text)
        claims = body["entities"][item]["claims"]
    except (ValueError, KeyError, TypeError):
        return None
    out = []
    for claim in claims.get("P856", []) if isinstance(claims, dict) else []:
        try:
            value = claim["mainsnak"]["datavalue"]["value"]
        except (KeyError, TypeError):
            continue
        if isinstance(value, str):
            out.append(value)
    return tuple(out)


def evidence_text(answer: Fetched) -> str:
    """What an answer showed, for the report: its error, or its status and the start of its body."""
    if answer.error:
        return answer.error[:EVIDENCE_MAX]
    return f"HTTP {answer.status_code}: {' '.join(answer.text.split())}"[:EVIDENCE_MAX]


async def gather_graph_sources(
    fetcher: Fetcher,
    *,
    profiles: Mapping[str, str],
    evidence: Mapping[str, ProfileEvidence],
    site_url: str,
    site_links: tuple[str, ...],
) -> GraphAnswers:
    """Ask what the graph needs, all at once. `site_links`: every URL the site's home page links to or lists
    in `sameAs`, as written (Wikidata items are found there)."""

    async def send(url: str, subject: str, via: str = "api") -> Fetched:
        headers = GITHUB_HEADERS if "api.github.com" in url else JSON_ACCEPT if via == "api" else None
        return await fetcher.send(Request(url, "profile_link", via=via, headers=headers, subject=subject))

    social_url = did_url = ""
    github = evidence.get("github")
    if "github" in profiles and github is not None and github.shows_profile and github.source == "api:github":
        login = urlsplit(profiles["github"]).path.strip("/").split("/")[0]
        social_url = f"https://api.github.com/users/{quote(login)}/social_accounts" if login else ""
    handle = bluesky_handle(profiles.get("bluesky", ""))
    if handle and handle_on_domain(handle, urlsplit(site_url).hostname or ""):
        did_url = f"https://{handle}/.well-known/atproto-did"
    items = list(dict.fromkeys(i for i in map(wikidata_item, site_links) if i))[:MAX_WIKIDATA]
    entity = "https://www.wikidata.org/wiki/Special:EntityData/{}.json"
    asked = [
        send(social_url, "github") if social_url else None,
        send(did_url, "bluesky", via="html") if did_url else None,
        *(send(entity.format(i), "wikidata") for i in items),
    ]
    found = iter(await asyncio.gather(*(a for a in asked if a is not None)))
    social_answer, did_answer, *wiki = [next(found) if a is not None else None for a in asked]
    return GraphAnswers(social_answer, did_answer, {i: w for i, w in zip(items, wiki, strict=True) if w is not None})
