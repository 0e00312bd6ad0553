"""The identity graph: how the person's site and profiles vouch for each other. Pure.

Built from what the audit already gathered: the site's home page (rel="me" links, JSON-LD `sameAs`, plain
links), each profile's evidence (the link-back verdict, Mastodon's `verified_at`, GitHub's `blog` field) and
the pages of profiles the user labelled as theirs. Each edge is one mechanism in one direction, with its
state and the evidence that decided it; bad input (a malformed JSON-LD block, a `sameAs` that is not a URL)
becomes a note with its reason, never an edge counted for the person.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from auditor.identify.candidates import check_page
from auditor.identify.links import EVIDENCE_MAX, SiteTarget, page_links
from auditor.identify.networks import Registry
from auditor.models import (
    EdgeState,
    GraphEdge,
    GraphNode,
    GraphNote,
    IdentityGraph,
    ProfileCheck,
    Verdict,
)
from auditor.net.fetched import Fetched
from auditor.verify.evidence import ProfileEvidence
from auditor.verify.graph_sources import (
    GraphAnswers,
    bluesky_handle,
    did_document,
    evidence_text,
    handle_on_domain,
    social_accounts,
    wikidata_item,
    wikidata_websites,
)

SITE = "site"
MUTUAL = frozenset({"mastodon_verified", "atproto_domain"})
"""Mechanisms that are proofs both ways by themselves: the network checked that the site links back."""
SITE_SIDE = ("rel_me", "same_as", "site_link")
_VERDICT_STATE = {
    Verdict.LINKED: EdgeState.ONE_WAY,
    Verdict.LINKED_VIA_REDIRECT: EdgeState.ONE_WAY,
    Verdict.WRONG_TARGET: EdgeState.BROKEN,
    Verdict.NOT_LINKED: EdgeState.MISSING,
    Verdict.UNVERIFIABLE: EdgeState.UNKNOWN,
}


@dataclass(frozen=True)
class SiteSignals:
    """What the site's home page says of the pages it vouches for, by same-page key."""

    readable: bool
    rel_me: Mapping[str, str] = field(default_factory=dict)
    """Key -> the anchor's HTML."""
    links: Mapping[str, str] = field(default_factory=dict)
    same_as: Mapping[str, str] = field(default_factory=dict)
    """Key -> the `sameAs` value as written."""
    notes: tuple[GraphNote, ...] = ()
    items: Mapping[str, str] = field(default_factory=dict)
    """Wikidata item (`Q42`) -> its `sameAs` value as written."""
    why: str = ""
    """Why the page could not be read (`readable` False)."""


def _key(url: str, registry: Registry) -> str | None:
    try:
        return registry.same_page_key(url)
    except ValueError:
        return None


def jsonld_blocks(html: str) -> Iterator[tuple[object | None, str]]:
    """Each JSON-LD block of the page: (its data, "") or (None, why it could not be read)."""
    from bs4 import BeautifulSoup

    for script in BeautifulSoup(html, "lxml").select('script[type="application/ld+json"]'):
        text = script.string or script.get_text() or ""
        try:
            yield json.loads(text), ""
        except ValueError as exc:
            yield None, f"{type(exc).__name__}: {exc}"[:EVIDENCE_MAX]


def _persons(data: object) -> Iterator[dict[str, object]]:
    stack = list(data) if isinstance(data, list) else [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            kind = item.get("@type")
            if kind == "Person" or (isinstance(kind, list) and "Person" in kind):
                yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                stack.extend(graph)


def read_site(page: Fetched, registry: Registry) -> SiteSignals:
    """The site's links to other pages, rel="me" and `sameAs` apart, with every block it could not read."""
    if not page.ok:
        return SiteSignals(False, why=page.error or f"HTTP {page.status_code}")
    rel_me: dict[str, str] = {}
    links: dict[str, str] = {}
    for link in page_links(page.text, page.url or page.requested_url):
        key = _key(link.href, registry)
        if key is None:
            continue
        links.setdefault(key, link.html[:EVIDENCE_MAX])
        if "me" in link.rel:
            rel_me.setdefault(key, link.html[:EVIDENCE_MAX])
    same_as: dict[str, str] = {}
    items: dict[str, str] = {}
    notes: list[GraphNote] = []
    for number, (data, why) in enumerate(jsonld_blocks(page.text), start=1):
        if data is None:
            detail = f"JSON-LD block {number} of the site could not be read ({why})"
            notes.append(GraphNote("jsonld_malformed", detail, {"block": str(number), "detail": why}))
            continue
        for person in _persons(data):
            values = person.get("sameAs")
            for value in values if isinstance(values, list) else [values] if values is not None else []:
                key = _key(value, registry) if isinstance(value, str) and "://" in value else None
                if key is None:
                    shown = json.dumps(value, ensure_ascii=False)[:EVIDENCE_MAX]
                    detail = f"a sameAs of the site is not a URL: {shown}"
                    notes.append(GraphNote("sameas_not_url", detail, {"value": shown}))
                    continue
                same_as.setdefault(key, f'sameAs: "{value}"'[:EVIDENCE_MAX])
                item = wikidata_item(value) if isinstance(value, str) else None
                if item is not None:
                    items.setdefault(item, f'sameAs: "{value}"'[:EVIDENCE_MAX])
    return SiteSignals(True, rel_me, links, same_as, tuple(notes), items)


def linked_urls(page: Fetched) -> tuple[str, ...]:
    """Every URL the site's home page links to or lists in `sameAs`, as written (where Wikidata items are
    found); () for a page that did not answer."""
    if not page.ok:
        return ()
    urls = [link.href for link in page_links(page.text, page.url or page.requested_url)]
    for data, _why in jsonld_blocks(page.text):
        for person in _persons(data):
            values = person.get("sameAs")
            urls.extend(v for v in (values if isinstance(values, list) else [values]) if isinstance(v, str))
    return tuple(dict.fromkeys(urls))


def _github_social(profiles: Sequence[ProfileCheck], answer: Fetched | None, registry: Registry) -> Iterator[GraphEdge]:
    """GitHub's social accounts: which of the other profiles GitHub shows as the person's."""
    others = [p for p in profiles if p.network != "github"]
    listed = social_accounts(answer) if answer is not None else None
    for other in others:
        if answer is None:
            yield GraphEdge("github", other.network, "github_social", EdgeState.UNKNOWN, "", "not_api")
        elif listed is None:
            shown = evidence_text(answer)
            yield GraphEdge("github", other.network, "github_social", EdgeState.UNKNOWN, shown, "unreadable")
        else:
            wanted = _key(other.url, registry)
            match = next((f"{p}: {u}" for p, u in listed if _key(u, registry) == wanted), None)
            if match is not None:
                yield GraphEdge("github", other.network, "github_social", EdgeState.ONE_WAY, match[:EVIDENCE_MAX])
            else:
                shown = json.dumps([u for _p, u in listed])[:EVIDENCE_MAX]
                yield GraphEdge("github", other.network, "github_social", EdgeState.MISSING, shown, "not_listed")


def _atproto(
    check: ProfileCheck, found: ProfileEvidence | None, answer: Fetched | None, site_url: str
) -> tuple[GraphEdge, GraphNote | None]:
    """A Bluesky handle that is the person's domain, proven by the site's `/.well-known/atproto-did`."""
    handle = bluesky_handle(check.url)
    site_host = SiteTarget(site_url).host
    mechanism = "atproto_domain"
    if not handle_on_domain(handle, site_host):
        params = {"handle": handle, "domain": site_host}
        return GraphEdge(check.network, SITE, mechanism, EdgeState.MISSING, handle, "handle_not_domain", params), None
    did = found.data.account_id if found is not None and found.data is not None and found.shows_profile else ""
    if answer is None or not did:
        return GraphEdge(check.network, SITE, mechanism, EdgeState.UNKNOWN, handle, "not_api"), None
    named = did_document(answer)
    shown = evidence_text(answer)
    if not answer.answered:
        return GraphEdge(check.network, SITE, mechanism, EdgeState.UNKNOWN, shown, "unreadable"), None
    if named is None:
        # The handle may be proven by DNS instead (a `_atproto` TXT record), which this version does not read.
        return GraphEdge(check.network, SITE, mechanism, EdgeState.UNKNOWN, shown, "no_did_file"), None
    if named != did:
        params = {"named": named, "did": did}
        detail = f"the site's /.well-known/atproto-did names {named}, not the account's {did}"
        note = GraphNote("atproto_elsewhere", detail, params)
        return GraphEdge(check.network, SITE, mechanism, EdgeState.BROKEN, shown, "did_elsewhere", params), note
    return GraphEdge(check.network, SITE, mechanism, EdgeState.BOTH_WAYS, shown, "did_matches"), None


def _wikidata(item: str, answer: Fetched, site: SiteSignals, target: SiteTarget) -> tuple[GraphNode, list[GraphEdge]]:
    """A Wikidata item the site links to, and whether the item names the site as its official website."""
    url = f"https://www.wikidata.org/wiki/{item}"
    node = GraphNode(f"wikidata:{item}", "wikidata", url, origin="linked")
    listed = site.items.get(item)
    same_as = (
        GraphEdge(SITE, node.id, "same_as", EdgeState.ONE_WAY, listed)
        if listed
        else GraphEdge(SITE, node.id, "same_as", EdgeState.MISSING, "", "not_on_site")
    )
    websites = wikidata_websites(answer, item)
    if websites is None:
        back = GraphEdge(node.id, SITE, "wikidata", EdgeState.UNKNOWN, evidence_text(answer), "unreadable")
    elif any(target.covers(w) for w in websites):
        shown = f"P856: {', '.join(websites)}"[:EVIDENCE_MAX]
        back = GraphEdge(node.id, SITE, "wikidata", EdgeState.ONE_WAY, shown)
    else:
        shown = f"P856: {', '.join(websites) or '(none)'}"[:EVIDENCE_MAX]
        back = GraphEdge(node.id, SITE, "wikidata", EdgeState.MISSING, shown, "no_official_website")
    return node, [same_as, back]


def _site_edges(node: GraphNode, key: str | None, site: SiteSignals) -> Iterator[GraphEdge]:
    """The site's three ways of vouching for `node`: rel="me", `sameAs`, a plain link."""
    for mechanism, found in (("rel_me", site.rel_me), ("same_as", site.same_as), ("site_link", site.links)):
        if not site.readable:
            params = {"detail": site.why}
            yield GraphEdge(SITE, node.id, mechanism, EdgeState.UNKNOWN, site.why, "site_unreadable", params)
        elif key is not None and key in found:
            yield GraphEdge(SITE, node.id, mechanism, EdgeState.ONE_WAY, found[key])
        elif mechanism == "rel_me" and key is not None and key in site.links:
            # A plain link is there: only rel="me" is missing, and the evidence shows the link to change.
            yield GraphEdge(SITE, node.id, mechanism, EdgeState.MISSING, site.links[key], "plain_link_only")
        else:
            yield GraphEdge(SITE, node.id, mechanism, EdgeState.MISSING, "", "not_on_site")


def _link_back(check: ProfileCheck) -> GraphEdge:
    lb = check.linkback
    return GraphEdge(
        check.network,
        SITE,
        "link_back",
        _VERDICT_STATE[lb.verdict],
        lb.evidence or lb.reason,
        lb.reason_code,
        dict(lb.reason_params),
    )


def _mastodon(key: str, found: ProfileEvidence | None, target: SiteTarget) -> GraphEdge:
    """Mastodon's own check: the instance verified that the site links back to the profile with rel="me"."""
    if found is None or found.data is None or not found.shows_profile or found.source != "api:mastodon":
        return GraphEdge(key, SITE, "mastodon_verified", EdgeState.UNKNOWN, "", "not_api")
    to_site = [link for link in found.data.links if link.declared and target.covers(link.href)]
    verified = [link for link in to_site if link.verified_at]
    if verified:
        return GraphEdge(key, SITE, "mastodon_verified", EdgeState.BOTH_WAYS, verified[0].evidence, "verified")
    if to_site:
        return GraphEdge(key, SITE, "mastodon_verified", EdgeState.MISSING, to_site[0].evidence, "unverified")
    return GraphEdge(key, SITE, "mastodon_verified", EdgeState.MISSING, found.data.field, "no_site_field")


def _github_blog(key: str, found: ProfileEvidence | None, target: SiteTarget) -> GraphEdge:
    """GitHub's website field (`blog`): where GitHub itself says the person's site is."""
    if found is None or found.data is None or not found.shows_profile or found.source != "api:github":
        return GraphEdge(key, SITE, "github_blog", EdgeState.UNKNOWN, "", "not_api")
    blog = next((link for link in found.data.links if link.declared), None)
    if blog is None:
        return GraphEdge(key, SITE, "github_blog", EdgeState.MISSING, found.data.field, "empty_field")
    followed = found.resolutions.get(blog.href)
    if target.covers(blog.href) or (followed is not None and target.covers(followed.final)):
        return GraphEdge(key, SITE, "github_blog", EdgeState.ONE_WAY, blog.evidence)
    return GraphEdge(key, SITE, "github_blog", EdgeState.BROKEN, blog.evidence, "points_elsewhere", {"url": blog.href})


def _labelled_back(node: GraphNode, page: Fetched | None, site: str, old_sites: Sequence[str]) -> GraphEdge:
    """A labelled page links to the site: read from its page when the audit fetched it."""
    if page is None:
        return GraphEdge(node.id, SITE, "link_back", EdgeState.UNKNOWN, "", "not_fetched")
    checked = check_page(page, site, old_sites)
    if not checked.readable:
        return GraphEdge(node.id, SITE, "link_back", EdgeState.UNKNOWN, checked.evidence, "not_fetched")
    state = EdgeState.ONE_WAY if checked.links_to_site else EdgeState.MISSING
    return GraphEdge(
        node.id, SITE, "link_back", state, checked.evidence, "" if checked.links_to_site else "page_no_link"
    )


def with_directions(edges: Sequence[GraphEdge]) -> tuple[GraphEdge, ...]:
    """Each present edge as `both_ways` when the other side vouches back by any mechanism, else `one_way`."""
    present = {(e.source, e.target) for e in edges if e.state.is_present}
    out = []
    for edge in edges:
        if edge.state.is_present:
            back = (edge.target, edge.source) in present or edge.mechanism in MUTUAL
            edge = replace(edge, state=EdgeState.BOTH_WAYS if back else EdgeState.ONE_WAY)
        out.append(edge)
    return tuple(out)


def build_graph(
    *,
    site_url: str,
    old_sites: Sequence[str],
    site_page: Fetched,
    profiles: Sequence[ProfileCheck],
    evidence: Mapping[str, ProfileEvidence],
    labelled: Sequence[tuple[str | None, str]],
    labelled_pages: Mapping[str, Fetched],
    registry: Registry,
    answers: GraphAnswers | None = None,
) -> IdentityGraph:
    """The graph of one audit. `labelled`: (network or None, URL) of each page the user labelled as theirs;
    `labelled_pages`: same-page key -> the page fetched for it, when the audit fetched it."""
    target = SiteTarget(site_url, tuple(old_sites))
    site = read_site(site_page, registry)
    nodes = [GraphNode(SITE, "site", site_url, origin="configured")]
    edges: list[GraphEdge] = []
    notes = list(site.notes)
    for check in profiles:
        node = GraphNode(check.network, "profile", check.url, check.network)
        nodes.append(node)
        edges.append(_link_back(check))
        found = evidence.get(check.network)
        if check.network == "mastodon":
            edges.append(_mastodon(check.network, found, target))
        if check.network == "github":
            edges.append(_github_blog(check.network, found, target))
            if answers is not None:
                edges.extend(_github_social(profiles, answers.social_accounts, registry))
        if check.network == "bluesky" and answers is not None:
            atproto, note = _atproto(check, found, answers.atproto_did, site_url)
            edges.append(atproto)
            notes.extend([note] if note is not None else [])
        edges.extend(_site_edges(node, _key(check.url, registry), site))
    configured = {_key(p.url, registry) for p in profiles}
    for network, url in labelled:
        key = _key(url, registry)
        if key is None or key in configured:
            continue
        configured.add(key)
        node = GraphNode(f"labelled:{url}", "profile", url, network, origin="labelled")
        nodes.append(node)
        edges.append(_labelled_back(node, labelled_pages.get(key), site_url, old_sites))
        edges.extend(_site_edges(node, key, site))
    for item, answer in (answers.wikidata if answers is not None else {}).items():
        wikidata, linked = _wikidata(item, answer, site, target)
        nodes.append(wikidata)
        edges.extend(linked)
    return IdentityGraph(tuple(nodes), with_directions(edges), tuple(notes))
