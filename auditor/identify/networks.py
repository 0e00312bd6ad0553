"""The network registry (networks.toml) and the match of a URL against it. Pure once loaded."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from auditor.identify.urls import normalize, registrable_domain


@dataclass(frozen=True)
class Network:
    """One social or professional network as the registry describes it."""

    key: str
    label: str
    hosts: tuple[str, ...]
    """Registrable domains of the network."""
    aliases: tuple[str, ...]
    """Other domains that are the same network (twitter.com for x.com)."""
    profile: re.Pattern[str]
    """Matches the normalised path of a person's profile; its named groups hold the handle."""
    not_profiles: tuple[str, ...]
    country_subdomains: bool = False
    needs_login: bool = False
    needs_js: bool = False
    any_host: bool = False
    keep_subdomains: bool = False
    query_handle: str | None = None
    """The handle lives in this query parameter when the profile pattern captured none (Scholar's `user`)."""
    not_profile_params: tuple[str, ...] = ()
    """Query parameters that make a profile URL one item of the profile (a Scholar paper)."""
    subdomain_handles: bool = False
    """`emilie.substack.com` is the account `emilie`; its home page is the profile."""
    reserved_subdomains: tuple[str, ...] = ()
    """Subdomains that are the network's own sites (help.medium.com), never an account."""
    rewrites: tuple[tuple[re.Pattern[str], str], ...] = ()
    """Older or alternative spellings of a path, rewritten to the one the network redirects to
    (LinkedIn's /pub/name/a7/576/b50 is /in/name-b50576a7): one page, one normalised form."""
    subpages: re.Pattern[str] | None = None
    """The rest of a path below a profile that is still that profile (a tab: /videos, /details/...)."""
    case_sensitive: tuple[str, ...] = ()
    """Named groups of `profile` whose value keeps its case (YouTube channel ids)."""
    profile_hosts: tuple[str, ...] = ()
    """Hosts on which profiles live when not all of `hosts` (youtu.be/ID is a video); empty: every host."""


@dataclass(frozen=True)
class NetworkMatch:
    """What the registry says of one URL."""

    network: Network
    normalized_url: str
    handle: str | None
    """The account name when the URL is a person's profile; None for other pages of the network."""
    subpage: str = ""
    """The part of the path below the profile when the URL is one page of it (`/details/experience`)."""

    @property
    def is_profile(self) -> bool:
        return self.handle is not None

    @property
    def account(self) -> str | None:
        """The handle, qualified by host where one handle names different people on different hosts
        (Mastodon: etremblay@mastodon.social is not etremblay@fosstodon.org). What identity compares."""
        if self.handle is None or not self.network.any_host:
            return self.handle
        return f"{self.handle}@{urlsplit(self.normalized_url).hostname}"


class Registry:
    """Every known network, with the host index built once."""

    def __init__(self, networks: tuple[Network, ...]) -> None:
        self.networks = networks
        self.by_key = {n.key: n for n in networks}
        self._by_domain: dict[str, Network] = {}
        self._aliases: dict[str, str] = {}
        for net in networks:
            for host in net.hosts:
                self._by_domain[host] = net
            for alias in net.aliases:
                self._aliases[registrable_domain(alias)] = net.hosts[0]
        self._fold = frozenset(h for n in networks if n.country_subdomains for h in n.hosts)
        self._any_host = tuple(n for n in networks if n.any_host)

    def normalize(self, url: str) -> str:
        """`urls.normalize` with this registry's aliases, country folding and path rewrites. Raises ValueError."""
        normalized = normalize(url, fold_country=self._fold, aliases=self._aliases)
        parts = urlsplit(normalized)
        host = parts.hostname or ""
        net = self._by_domain.get(host) or self._by_domain.get(registrable_domain(host))
        for pattern, replacement in net.rewrites if net is not None else ():
            rewritten, count = pattern.subn(replacement, parts.path)
            if count:
                # Normalised again: the rewritten path is encoded and compared like any other.
                return normalize(urlunsplit(parts._replace(path=rewritten)), fold_country=self._fold)
        return normalized

    def same_page_key(self, url: str) -> str:
        """What two URLs share when they are the same page: `network:handle` for a profile (handles ignore case:
        github.com/ETremblay is github.com/etremblay), else the normalised URL. Raises ValueError."""
        found = self.match(url)
        if found is not None and found.account is not None:
            return f"{found.network.key}:{found.account}"
        return found.normalized_url if found is not None else self.normalize(url)

    def match(self, url: str) -> NetworkMatch | None:
        """The network of `url`, if any. Raises ValueError for non-http(s) input."""
        normalized = self.normalize(url)
        parts = urlsplit(normalized)
        host = parts.hostname or ""
        domain = registrable_domain(host)
        net = self._by_domain.get(host) or self._by_domain.get(domain)
        subdomain = host.removesuffix("." + domain) if host != domain and host not in (net.hosts if net else ()) else ""
        if net is not None and subdomain and net.subdomain_handles:
            # emilie.substack.com: the home page is the account's profile, the rest its posts.
            is_account = "." not in subdomain and subdomain not in net.reserved_subdomains and parts.path == "/"
            return NetworkMatch(net, normalized, _valid(subdomain) if is_account else None)
        # A subdomain that is not folded away (gist.github.com, docs.github.com) is another site.
        if net is not None and subdomain and not net.keep_subdomains:
            net = None
        if net is not None and net.profile_hosts and domain not in net.profile_hosts:
            return NetworkMatch(net, normalized, None)
        if net is not None:
            return NetworkMatch(net, normalized, *_profile_of(net, parts.path, parts.query))
        for candidate in self._any_host:
            handle, subpage = _profile_of(candidate, parts.path, parts.query)
            if handle is not None:
                return NetworkMatch(candidate, normalized, handle, subpage)
        return None


def _under(path: str, prefix: str) -> bool:
    """`path` is `prefix` or below it, whole segments only: `/home` covers `/home/x`, never `/homer`."""
    bare = prefix.rstrip("/")
    return path == bare or path.startswith(bare + "/")


def _profile_of(net: Network, path: str, query: str) -> tuple[str | None, str]:
    """(handle, subpage): the account whose profile `path` is, or one page of (a tab below the profile)."""
    handle = _handle(net, path, query)
    if handle is not None or net.subpages is None:
        return handle, ""
    segments = path.split("/")
    for cut in range(len(segments) - 1, 1, -1):
        rest = "/" + "/".join(segments[cut:])
        if net.subpages.match(rest):
            handle = _handle(net, "/".join(segments[:cut]), query)
            if handle is not None:
                return handle, rest
    return None, ""


def _handle(net: Network, path: str, query: str) -> str | None:
    lowered = path.lower()
    if any(_under(lowered, p) for p in net.not_profiles):
        return None
    found = net.profile.match(path)
    if found is None:
        return None
    kept = next((v for k, v in found.groupdict().items() if v and k in net.case_sensitive), None)
    if kept is not None:
        # A case-sensitive id (YouTube's UCxyz channel ids) is compared as written.
        return _valid(kept, lower=False)
    value = next((v for v in found.groupdict().values() if v), None)
    if net.query_handle or net.not_profile_params:
        params = dict(parse_qsl(query))
        if any(p in params for p in net.not_profile_params):
            return None
        if value is None and net.query_handle:
            # A query handle keeps its case: Scholar's user ids are case-sensitive (AbCdEf is not abcdef).
            user = params.get(net.query_handle) or ""
            return user if _valid(user) else None
    return _valid(value) if value else None


# Characters no account name holds: separators (Z*), controls (Cc), invisible formatting (Cf: U+200B,
# the bidi overrides U+202E ...), unassigned and private-use code points.
_NOT_IN_HANDLES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cn", "Co", "Cs"})


def _valid(value: str, *, lower: bool = True) -> str | None:
    """The handle as it is compared: percent-decoded, NFC, lower-cased (unless `lower` is False); None when
    it cannot be an account name (odd Unicode such as a right-to-left override is then a page of the
    network, not a profile)."""
    decoded = unicodedata.normalize("NFC", unquote(value))
    decoded = decoded.lower() if lower else decoded
    if not decoded or any(unicodedata.category(c) in _NOT_IN_HANDLES for c in decoded):
        return None
    return decoded


def load_registry(text: str) -> Registry:
    data = tomllib.loads(text)
    networks = []
    for key, entry in data.items():
        networks.append(
            Network(
                key=key,
                label=entry["label"],
                hosts=tuple(entry["hosts"]),
                aliases=tuple(entry.get("aliases", ())),
                profile=re.compile(entry["profile"], re.IGNORECASE),
                not_profiles=tuple(p.lower() for p in entry.get("not_profiles", ())),
                country_subdomains=entry.get("country_subdomains", False),
                needs_login=entry.get("needs_login", False),
                needs_js=entry.get("needs_js", False),
                any_host=entry.get("any_host", False),
                keep_subdomains=entry.get("keep_subdomains", False),
                query_handle=entry.get("query_handle"),
                not_profile_params=tuple(entry.get("not_profile_params", ())),
                subdomain_handles=entry.get("subdomain_handles", False),
                reserved_subdomains=tuple(entry.get("reserved_subdomains", ())),
                rewrites=tuple((re.compile(p, re.IGNORECASE), r) for p, r in entry.get("rewrites", ())),
                subpages=re.compile(entry["subpages"], re.IGNORECASE) if "subpages" in entry else None,
                case_sensitive=tuple(entry.get("case_sensitive", ())),
                profile_hosts=tuple(entry.get("profile_hosts", ())),
            )
        )
    return Registry(tuple(networks))


@cache
def default_registry() -> Registry:
    text = resources.files("auditor.identify").joinpath("networks.toml").read_text(encoding="utf-8")
    return load_registry(text)
