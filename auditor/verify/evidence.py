"""What gathering found about one profile, as plain data. The verdict (`decide.py`) reads only this.

Gathering (`gather.py`) does the I/O: it picks the source for the network, fetches it, parses it with the
pure parsers of `apis.py` and `htmlprofile.py`, and follows the links that need following. Everything it
learnt lands here, so a verdict can be recomputed, tested and explained without a network.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

API_SOURCES = ("api:github", "api:mastodon", "api:stackexchange", "api:bluesky")
SOURCES = (*API_SOURCES, "html", "browser")


@dataclass(frozen=True)
class FoundLink:
    """One link a profile shows, whichever source showed it."""

    href: str
    """Absolute http(s) target, unwrapped from exit pages such as l.facebook.com."""
    evidence: str
    """The anchor's HTML or the API field (`blog: "https://..."`), truncated: shown in the report."""
    nofollow: bool = False
    declared: bool = False
    """The profile's own website field (API field, `itemprop=url`, `rel=me`): worth following if it redirects."""
    verified_at: str | None = None
    """Mastodon: when the instance checked that the target links back with rel="me"."""
    via: str = ""
    """The exit-page URL the link was unwrapped from; "" when the page linked directly."""


@dataclass(frozen=True)
class Resolution:
    """Where following one link led (a shortener, a redirecting domain, a page of the site)."""

    url: str
    """The link followed."""
    chain: tuple[str, ...] = ()
    """Every URL reached after `url`, in order, the final one last; empty when `url` answered itself."""
    status_code: int | None = None
    """The final URL's status."""
    error: str = ""
    """Why it could not be followed to the end (redirect loop, timeout, refused ...)."""
    note: str = ""
    """Set when the chain reached `final` but `final` itself did not answer (the site is down)."""

    @property
    def final(self) -> str:
        return self.chain[-1] if self.chain else self.url


@dataclass(frozen=True)
class ProfileData:
    """What one source says of a profile: its links and who it presents."""

    source: str
    """`api:github`, `api:mastodon`, `api:stackexchange`, `api:bluesky`, `html` or `browser`."""
    links: tuple[FoundLink, ...] = ()
    where: str = "the page"
    """Where the links were looked for, for the reason of a `not_linked`: `the website field (blog)` ..."""
    display_name: str | None = None
    headline: str | None = None
    """Headline or bio, as plain text."""
    field: str = ""
    """The website field as the API gave it (`blog: ""`): the evidence of a `not_linked`."""
    account_id: str = ""
    """The account's id where the identity graph needs it (Bluesky's DID); "" elsewhere."""


class Problem(str):
    """Why an answer does not show the profile: the English sentence `ProfileEvidence.problem` holds (and the
    JSON keeps), with a code and params that `decide` hands to the report to word in its language.

    A `str`, so that it travels unchanged through every step between the source that found it and `decide`
    (gathering, replay); anything that rebuilds the text leaves a plain `str`, worded as before.
    """

    code: str
    params: Mapping[str, str]

    def __new__(cls, text: str, code: str = "", params: Mapping[str, str] | None = None) -> Problem:
        made = super().__new__(cls, text)
        made.code = code
        made.params = dict(params or {})
        return made


@dataclass(frozen=True)
class ProfileEvidence:
    """Everything gathered about one profile."""

    network: str
    """Registry key of the profile's network."""
    url: str
    """The profile URL as configured."""
    source: str
    """The source the verdict rests on (the last one read when a cheaper one failed)."""
    data: ProfileData | None = None
    """None when the source could not be read, or read but did not show the profile (`problem`)."""
    final_url: str = ""
    status_code: int | None = None
    error: str = ""
    """Set when nothing came back at all (timeout, refused, page too large, no browser ...)."""
    problem: str = ""
    """Set when an answer came but does not show this profile: login wall, 404, another account."""
    notes: tuple[str, ...] = ()
    """Things worth saying beside the verdict (an API that was rate-limited, so the page was read instead)."""
    resolutions: Mapping[str, Resolution] = field(default_factory=dict)
    """Link -> where it led, for the links that needed following."""
    targets: Mapping[str, Resolution] = field(default_factory=dict)
    """Pages of the person's site the profile links to -> what they answered (a 404 makes a wrong target)."""
    profile_visible: bool = True
    """Browser source: the rendered page shows the profile (not a login wall or an empty shell)."""

    @property
    def failed(self) -> bool:
        """A check that could not run: the audit is then partial (a login wall is an answer, not a failure)."""
        return bool(self.error)

    @property
    def shows_profile(self) -> bool:
        """The source showed the profile itself, so its name and headline are the person's own."""
        return self.data is not None and not self.problem and self.profile_visible

    @property
    def display_name(self) -> str | None:
        return self.data.display_name if self.data is not None and self.shows_profile else None

    @property
    def headline(self) -> str | None:
        return self.data.headline if self.data is not None and self.shows_profile else None

    @property
    def summary(self) -> str:
        """One line for progress output."""
        if self.error:
            return self.error
        if self.problem:
            return self.problem
        code = f" HTTP {self.status_code}" if self.status_code is not None else ""
        return f"{self.source}{code}"
