"""Domain data: frozen dataclasses that flow through the pipeline.

Every stage between `collect` and `report` takes these in and gives these out; none of them does I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class EngineStatus(StrEnum):
    """What one engine answered for one query. Only `ok` and `empty` count in scores."""

    OK = "ok"
    EMPTY = "empty"  # a genuine no-results page
    BLOCKED = "blocked"  # CAPTCHA, consent wall, challenge form, DuckDuckGo's 202
    RATE_LIMITED = "rate_limited"
    AUTH_ERROR = "auth_error"
    QUOTA_EXHAUSTED = "quota_exhausted"
    PARSE_FAILURE = "parse_failure"  # the page has content but nothing parsed: markup changed
    NETWORK_ERROR = "network_error"

    @property
    def counts_in_score(self) -> bool:
        return self in (EngineStatus.OK, EngineStatus.EMPTY)


class Ownership(StrEnum):
    """Whose a search result is, from the configured person's point of view."""

    SITE = "site"
    PROFILE = "profile"
    PROBABLE_PROFILE = "probable_profile"
    NAMESAKE = "namesake"
    MENTION = "mention"
    OTHER = "other"

    @property
    def is_owned(self) -> bool:
        """Counts as the person's own in the visibility score (probable profiles only once confirmed)."""
        return self in (Ownership.SITE, Ownership.PROFILE)


class Verdict(StrEnum):
    """Whether a profile links back to the person's site."""

    LINKED = "linked"
    LINKED_VIA_REDIRECT = "linked_via_redirect"
    WRONG_TARGET = "wrong_target"
    NOT_LINKED = "not_linked"
    UNVERIFIABLE = "unverifiable"

    @property
    def is_linked(self) -> bool:
        return self in (Verdict.LINKED, Verdict.LINKED_VIA_REDIRECT)

    @property
    def is_known(self) -> bool:
        """False when the check could not see the page: such profiles stay out of the link-back score."""
        return self is not Verdict.UNVERIFIABLE


class AuditStatus(StrEnum):
    """The outcome of a whole audit; maps to the exit code of `auditor audit`."""

    COMPLETE = "complete"  # exit 0
    PARTIAL = "partial"  # exit 3: some engine or check failed; the report says which
    FAILED = "failed"  # exit 4: nothing could be audited
    INCOMPLETE = "incomplete"  # the run stopped before it finished (crash, kill); never shown as complete


@dataclass(frozen=True)
class Query:
    """One search the audit sends to every engine."""

    text: str
    """The exact query string, e.g. `Émilie Tremblay architecte infonuagique`."""
    qualifier: str | None = None
    """The configured qualifier appended to the name, or None for the bare name."""


@dataclass(frozen=True)
class SearchResult:
    """One organic result as an engine listed it, before anything is inferred about it."""

    position: int
    """1-based rank across pages, in the engine's own order."""
    url: str
    """The target URL, already unwrapped from the engine's redirect wrapper."""
    title: str
    snippet: str
    sources: tuple[str, ...] = ()
    """For meta-engines (SearXNG): the upstream engines that returned this result."""
    source_positions: tuple[int, ...] = ()
    """For meta-engines (SearXNG): the result's position in each of `sources`, in the same order."""


class FeatureKind(StrEnum):
    """A block of a results page beyond the organic results."""

    KNOWLEDGE_PANEL = "knowledge_panel"
    PEOPLE_ALSO_ASK = "people_also_ask"
    AI_OVERVIEW = "ai_overview"
    TOP_STORIES = "top_stories"
    IMAGES = "images"
    VIDEOS = "videos"


@dataclass(frozen=True)
class FeatureLink:
    """A link a block shows or cites."""

    url: str
    title: str = ""


@dataclass(frozen=True)
class SerpFeature:
    """One block beyond the organic results, as the engine gave it (no judgement of whose it is)."""

    kind: FeatureKind
    count: int = 1
    """Items in the block: questions, stories, images, videos; 1 for a panel or an overview."""
    title: str = ""
    """A knowledge panel's title (the entity's name)."""
    description: str = ""
    """A knowledge panel's type and description."""
    links: tuple[FeatureLink, ...] = ()
    """The sources a panel or an overview cites, the pages of stories, images, videos and answered questions."""
    questions: tuple[str, ...] = ()
    """"People also ask": the questions, in the engine's order."""


@dataclass(frozen=True)
class ParsedPage:
    """What a parser made of one engine response (one page of results)."""

    status: EngineStatus
    results: tuple[SearchResult, ...] = ()
    detail: str = ""
    """Why the status is what it is, in plain words (shown in the report's engine table)."""
    next_page: Mapping[str, str] | None = None
    """Engine-specific continuation (DuckDuckGo's next-page form fields); None when there is no more."""
    features: tuple[SerpFeature, ...] = ()
    """What the page shows beyond its organic results, where the engine returns it."""


@dataclass(frozen=True)
class Serp:
    """Everything one engine answered for one query, all pages together."""

    engine: str
    query: Query
    status: EngineStatus
    results: tuple[SearchResult, ...] = ()
    detail: str = ""
    requests: int = 0
    """How many requests were sent for it (counted against engine budgets)."""
    features: tuple[SerpFeature, ...] = ()
    """The first page's blocks beyond the organic results (panels, questions and overviews sit on page 1)."""


@dataclass(frozen=True)
class ClassifiedResult:
    """A search result with its network and whose it is."""

    engine: str
    query: str
    position: int
    url: str
    """The URL as the engine gave it (unwrapped)."""
    normalized_url: str
    title: str
    snippet: str
    network: str | None
    """Registry key of the network (`linkedin`, `github`, ...), None for an ordinary web page."""
    ownership: Ownership
    profile: str | None = None
    """When the result is one of the configured profiles: its network key in the config."""
    reason: str = ""
    """Why it got this ownership, in plain words."""
    label: str | None = None
    """`me` or `not-me` when the user's own label (`auditor label`) decided the ownership; None otherwise."""
    evidence: str = ""
    """For a probable profile found by its page: the link to the site that page holds (its HTML, truncated).
    For a page that names the person: what tied it to them, or the words that tell a namesake apart."""
    reason_code: str = ""
    """A stable code for `reason` where the report words it in its language (pages that name the person)."""
    reason_params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ClassifiedFeature:
    """A block beyond the organic results of one engine and query, with which of it is the person's."""

    engine: str
    query: str
    kind: FeatureKind
    count: int = 1
    title: str = ""
    description: str = ""
    links: tuple[FeatureLink, ...] = ()
    questions: tuple[str, ...] = ()
    own_links: tuple[str, ...] = ()
    """Those of `links` that are the person's site or configured profiles (counted as theirs)."""
    about_person: bool | None = None
    """Knowledge panels only: True when it cites the person's own pages; False for a namesake's panel or one
    about something else (recorded, never counted); None for the other kinds."""
    reason_code: str = ""
    """Knowledge panels: `panel_cites_own`, `panel_namesake` or `panel_other`, worded by the report."""
    reason_params: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_persons(self) -> bool:
        """Whether any of it counts as the person's."""
        return bool(self.own_links) if self.about_person is None else self.about_person


@dataclass(frozen=True)
class ReadinessItem:
    """One thing a search engine needs before it can show a knowledge panel for the person."""

    id: str
    """`person_schema`, `person_sameas`, `consistent_names` or `wikidata`."""
    ready: bool
    detail_code: str = ""
    """Stable id of what was found, worded by the report in the reader's language."""
    detail_params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LinkBack:
    """The verdict on whether one profile links to the person's site, with its evidence."""

    verdict: Verdict
    reason: str
    """Why, in plain words: `anchor to https://x.ca/ found`, `HTTP 999 (login wall)`..."""
    evidence: str = ""
    """The anchor's HTML, the API field, or the status line that decided it (truncated)."""
    source: str = "html"
    """What gave the verdict: `api:github`, `api:mastodon`, `api:stackexchange`, `api:bluesky`, `html`, `browser`
    (`api` in audits stored before the API was named)."""
    nofollow: bool = False
    final_url: str = ""
    """The profile page's URL after redirects."""
    status_code: int | None = None
    reason_code: str = ""
    """Stable id of `reason` (`linked`, `login_wall`, `no_link` ...): the report words it in the reader's
    language from its catalog. "" in audits stored before codes existed: the report then shows `reason`."""
    reason_params: Mapping[str, str] = field(default_factory=dict)
    """The values `reason_code`'s sentence names (`url`, `status` ...); `detail`, `unchecked` and `notes` hold
    technical text (an error, an API's own words) that the report shows verbatim as evidence, untranslated."""


@dataclass(frozen=True)
class ProfileCheck:
    """One configured profile: where it ranks and whether it links back."""

    network: str
    url: str
    linkback: LinkBack
    best_position: int | None = None
    """Best rank over every engine and query that succeeded; None when it did not rank."""
    display_name: str | None = None
    headline: str | None = None
    """Headline or bio as the profile shows it (API field first, else the page's markup)."""


@dataclass(frozen=True)
class Inconsistency:
    """Two places that present the person differently (a display name, a headline)."""

    field: str
    """`display_name` or `headline`."""
    profile_a: str
    """The profile that differs (its network key)."""
    value_a: str
    profile_b: str
    """What it differs from: another profile's key, or `config` for the configured name."""
    value_b: str


@dataclass(frozen=True)
class SiteCheck:
    """One signal of the person's own site."""

    id: str
    """Stable identifier: `https`, `title_has_name`, `rel_me`, ..."""
    passed: bool
    detail: str = ""
    """What was found, in plain English (JSON, CLI)."""
    detail_code: str = ""
    """Stable id of `detail` (`served_from`, `rel_me_missing` ...), worded by the report in the reader's
    language; "" in audits stored before codes existed."""
    detail_params: Mapping[str, str] = field(default_factory=dict)
    """The values `detail_code`'s sentence names (`url`, `networks`, `text` ...)."""


@dataclass(frozen=True)
class EngineRun:
    """How one engine fared over the whole audit (the worst status of its queries wins)."""

    name: str
    status: EngineStatus
    detail: str = ""
    requests: int = 0


@dataclass(frozen=True)
class Scores:
    """The audit's scores, 0-100; None where nothing could be measured (never a silent zero)."""

    overall: float | None
    visibility: float | None
    linkback: float | None
    site: float | None
    consistency: float | None
    namesake_pressure: float | None
    visibility_by_engine: Mapping[str, float] = field(default_factory=dict)
    """Visibility per engine that succeeded, averaged over its queries."""
    consolidation: float | None = None
    """How far the site and the profiles vouch for each other (the identity graph's edges); None in audits
    stored before it was measured, until they are rescored."""


class EdgeState(StrEnum):
    """The state of one edge of the identity graph."""

    BOTH_WAYS = "both_ways"  # this link exists and the other side links back by some mechanism
    ONE_WAY = "one_way"  # this link exists, nothing links back
    MISSING = "missing"
    BROKEN = "broken"  # a link that points elsewhere, or markup that could not be read
    UNKNOWN = "unknown"  # cannot be checked: the page or the API could not be read

    @property
    def is_present(self) -> bool:
        return self in (EdgeState.BOTH_WAYS, EdgeState.ONE_WAY)

    @property
    def is_known(self) -> bool:
        return self is not EdgeState.UNKNOWN


EDGE_MECHANISMS = (
    "link_back",
    "rel_me",
    "same_as",
    "site_link",
    "mastodon_verified",
    "github_blog",
    "github_social",
    "atproto_domain",
    "wikidata",
)
"""Every way two nodes of the identity graph can vouch for each other, as `GraphEdge.mechanism` names it."""


@dataclass(frozen=True)
class GraphNode:
    """The site, a profile, or an item (Wikidata) of the person's identity graph."""

    id: str
    """`site`; a configured profile's key (`github`); `labelled:URL` for a page the user labelled as theirs;
    `wikidata` for a Wikidata item."""
    kind: str
    """`site`, `profile` or `wikidata`."""
    url: str
    network: str | None = None
    origin: str = "configured"
    """`configured` (the config lists it), `labelled` (`auditor label URL me`), `linked` (found on the site)."""


@dataclass(frozen=True)
class GraphEdge:
    """One mechanism by which `source` vouches for `target`, with its state and the evidence that decided it."""

    source: str
    target: str
    mechanism: str
    """One of `EDGE_MECHANISMS`."""
    state: EdgeState
    evidence: str = ""
    """The anchor, the JSON-LD value, the API field or the answer that decided the state (truncated)."""
    reason_code: str = ""
    """Why the state is what it is (`no_link`, `unverified`, `not_api` ...), worded by the report."""
    reason_params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GraphNote:
    """Bad input met while building the graph (a malformed JSON-LD block, a `sameAs` that is not a URL, an
    answer that points elsewhere): recorded with its reason, never counted for the person."""

    code: str
    detail: str
    """In plain English (JSON); the report words `code` with `params`."""
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IdentityGraph:
    """How the person's site and profiles vouch for each other."""

    nodes: tuple[GraphNode, ...] = ()
    edges: tuple[GraphEdge, ...] = ()
    notes: tuple[GraphNote, ...] = ()


@dataclass(frozen=True)
class Recommendation:
    """One thing to do, ranked by how much it would raise the overall score."""

    id: str
    """Stable rule identifier plus subject, e.g. `add_site_link:github`."""
    rule: str
    """The rule that produced it; selects the message template in the report's catalog."""
    priority: int
    """1 is most urgent."""
    impact: float
    """Counterfactual: overall score with this fixed minus overall score now, in points."""
    params: Mapping[str, str] = field(default_factory=dict)
    """Values the message names: profile, engine, position, url..."""
    evidence: str = ""


@dataclass(frozen=True)
class Audit:
    """One audit of one person, as stored and as reported."""

    person: str
    as_of: dt.date
    status: AuditStatus
    engines: tuple[EngineRun, ...]
    results: tuple[ClassifiedResult, ...]
    profiles: tuple[ProfileCheck, ...]
    site_checks: tuple[SiteCheck, ...]
    scores: Scores
    recommendations: tuple[Recommendation, ...]
    queries: tuple[Query, ...] = ()
    depth: int = 20
    id: int | None = None
    started_at: dt.datetime | None = None
    inconsistencies: tuple[Inconsistency, ...] = ()
    """How the profiles present the person differently (empty in audits stored before it was measured)."""
    graph: IdentityGraph | None = None
    """The identity graph; None in audits stored before it was built (a rescore builds it)."""
    serp_features: tuple[ClassifiedFeature, ...] = ()
    """What each engine showed beyond its organic results (empty in audits stored before it was read)."""
    panel_readiness: tuple[ReadinessItem, ...] = ()
    """What a knowledge panel for the person still lacks (empty in audits stored before it was checked)."""
