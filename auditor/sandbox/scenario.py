"""Scenario files: what the sandbox's little internet holds, month by month (read by `loader.py`).

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
    kind = "html"          # html | github | mastodon | linkedin | x | facebook | stackoverflow | bluesky | instagram
                           # | atproto_did (text: the DID; "" names the Bluesky DID of the host's handle)
                           # | wikidata (Special:EntityData/Q...json: name is its label, website its P856)
    status = 200           # any code; with `redirect`, 301 unless a 3xx is given
    redirect = ""          # absolute URL or a path on the same host
    login_wall = ""        # "" | "http_999" (LinkedIn's logged-out answer) | "authwall" (302 to /authwall)
                           # | "login" (302 to /accounts/login/, as Instagram answers)
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
    website = ""           # a profile's website field: GitHub blog, Mastodon field, X link (via t.co),
                           # Stack Exchange website_url, the end of a Bluesky description
    website_verified = false    # Mastodon's verified_at on that field
    social_accounts = []   # GitHub: what api.github.com/users/<h>/social_accounts lists
    fault = ""             # a fault mode for this page (inherited like any page field; "" clears it)
    api_fault = ""         # the same for the profile's API answer; "rate_limited": that API's own refusal
    encoding = ""          # serve the page in this encoding, declared only by its <meta charset>

    [months.extras."Émilie Tremblay"]   # what SerpApi, Serper, Brave, Google and Bing show beside
    panel = { title = "Émilie Tremblay", description = "Architecte", links = ["site", "li"] }   # results ids
    questions = ["Qui est Émilie Tremblay ?"]    # "people also ask"
    overview = ["site"]                          # an AI overview citing these results
    videos = ["talk"]                            # a video block
    # replaces that query's extras of the month before; `{}` clears them
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from auditor.sandbox.faults import Fault

KINDS = (
    "html",
    "github",
    "mastodon",
    "linkedin",
    "x",
    "facebook",
    "stackoverflow",
    "bluesky",
    "instagram",
    "atproto_did",
    "wikidata",
)
LOGIN_WALLS = ("", "http_999", "authwall", "login")
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
    api_fault: str = ""
    encoding: str = ""
    social_accounts: tuple[str, ...] = ()
    """GitHub: the accounts `api.github.com/users/<h>/social_accounts` lists."""

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
class Panel:
    """A knowledge panel: its title, its description, the pages it cites."""

    title: str
    description: str = ""
    links: tuple[Result, ...] = ()


@dataclass(frozen=True)
class Extras:
    """What a results page shows beyond its organic results for one query, on every engine that reports it."""

    panel: Panel | None = None
    questions: tuple[str, ...] = ()
    overview: tuple[Result, ...] = ()
    """The pages an AI overview cites; empty: no overview."""
    videos: tuple[Result, ...] = ()


NO_EXTRAS = Extras()


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
    extras: Mapping[str, Extras] = field(default_factory=dict)
    """folded query -> what the results pages show beyond the organic results."""

    def extras_for(self, query: str) -> Extras:
        return self.extras.get(fold_query(query), NO_EXTRAS)

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
