"""Public profile APIs: the request for each network, and its answer parsed and classified. Pure.

An API is the cheapest reliable source where a network has one (DESIGN.md section 5): one small JSON answer
that names the profile's website field, no markup to go stale. Each answer is classified as
- data: the profile, its links and identity;
- a problem: the API answered for certain that this profile cannot be checked (no such account, another
  account): the verdict is `unverifiable` with that reason, and asking the page would say the same;
- a fallback: the API could not answer now (rate limit, server error, unreadable body): the page is read
  instead, and the verdict says so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.parse import quote, urlsplit

from bs4 import BeautifulSoup

from auditor.identify.links import EVIDENCE_MAX, tag_links, urls_in_text
from auditor.verify.evidence import FoundLink, Problem, ProfileData

HEADLINE_MAX = 300


@dataclass(frozen=True)
class ApiCall:
    """One API request for one profile."""

    source: str
    """`api:github`, `api:mastodon`, `api:stackexchange`, `api:bluesky`."""
    url: str
    handle: str
    """The account asked for, to check the answer is about it."""
    headers: Mapping[str, str]


@dataclass(frozen=True)
class ApiAnswer:
    """An API answer, classified (see the module docstring). Exactly one of the three is set."""

    data: ProfileData | None = None
    problem: str = ""
    fallback: str = ""
    account_url: str = ""
    """The profile URL the API answered for, when it says (evidence for another account)."""


JSON_ACCEPT = {"Accept": "application/json"}


def api_call(network: str, handle: str | None, profile_url: str) -> ApiCall | None:
    """The API request for a profile, or None when its network has no public API used here."""
    if not handle:
        return None
    if network == "github":
        # The REST API's documented media type and version header; 60 unauthenticated requests an hour.
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        return ApiCall("api:github", f"https://api.github.com/users/{quote(handle)}", handle, headers)
    if network == "mastodon":
        host = urlsplit(profile_url).hostname or ""
        url = f"https://{host}/api/v1/accounts/lookup?acct={quote(handle)}"
        return ApiCall("api:mastodon", url, handle, JSON_ACCEPT)
    if network == "stackoverflow" and handle.isdigit():
        # The default filter holds `website_url` and `display_name`; `about_me` needs a custom filter and is
        # read only when present.
        url = f"https://api.stackexchange.com/2.3/users/{handle}?site=stackoverflow"
        return ApiCall("api:stackexchange", url, handle, JSON_ACCEPT)
    if network == "bluesky":
        url = f"https://public.api.bsky.app/xrpc/app.bsky.actor.getProfile?actor={quote(handle)}"
        return ApiCall("api:bluesky", url, handle, JSON_ACCEPT)
    return None


def parse_api(call: ApiCall, status: int, headers: Mapping[str, str], text: str) -> ApiAnswer:
    """Classify one answer of `call`'s API. Never raises."""
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        body: Any = json.loads(text) if text.strip() else None
    except ValueError:
        body = None
    parser = _PARSERS[call.source]
    try:
        return parser(call, status, lowered, body)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # A shape this code does not know is the API's change, not the profile's fault: read the page.
        return ApiAnswer(fallback=f"unexpected answer from the {API_LABELS[call.source]} ({type(exc).__name__})")


API_LABELS = {
    "api:github": "GitHub API",
    "api:mastodon": "Mastodon API",
    "api:stackexchange": "Stack Exchange API",
    "api:bluesky": "Bluesky API",
}


def _unreadable(call: ApiCall, status: int) -> ApiAnswer:
    return ApiAnswer(fallback=f"the {API_LABELS[call.source]} answered HTTP {status} with nothing readable")


def _declared(href: str, evidence: str, **kwargs: Any) -> FoundLink:
    return FoundLink(href, evidence[:EVIDENCE_MAX], declared=True, **kwargs)


def _website(value: str) -> str:
    """A website field as a URL: GitHub and Stack Exchange accept `example.com` without a scheme."""
    value = value.strip()
    return value if "://" in value else f"https://{value}"


def _plain(html: str) -> str:
    return " ".join(BeautifulSoup(html, "lxml").get_text(" ", strip=True).split())


def _short(text: str | None) -> str | None:
    text = " ".join((text or "").split())
    return text[:HEADLINE_MAX] or None


# -- GitHub ------------------------------------------------------------------------------------------------


def _github(call: ApiCall, status: int, headers: Mapping[str, str], body: Any) -> ApiAnswer:
    if status in (403, 429) and (headers.get("x-ratelimit-remaining") == "0" or status == 429):
        reset = headers.get("x-ratelimit-reset", "")
        when = f" until {reset} (epoch seconds)" if reset else ""
        return ApiAnswer(fallback=f"the GitHub API rate limit is used up (X-RateLimit-Remaining: 0){when}")
    if status == 404:
        text = f"GitHub has no account {call.handle} (API: 404): check the profile URL in the config"
        return ApiAnswer(problem=Problem(text, "no_account", {"handle": call.handle}))
    if status != 200 or not isinstance(body, dict):
        message = body.get("message") if isinstance(body, dict) else None
        if message:
            return ApiAnswer(fallback=f"the GitHub API answered HTTP {status}: {str(message)[:120]}")
        return _unreadable(call, status)
    login = str(body["login"])
    html_url = str(body.get("html_url") or f"https://github.com/{login}")
    if login.lower() != call.handle.lower():
        # GET /users/<old name> of a renamed account answers (after a 301 to /user/<id>) for its new name.
        text = f"github.com/{call.handle} redirects to another account ({html_url})"
        return ApiAnswer(problem=Problem(text, "other_account", {"url": html_url}), account_url=html_url)
    links: list[FoundLink] = []
    blog = str(body.get("blog") or "").strip()
    if blog:
        links.append(_declared(_website(blog), f'blog: "{blog}"'))
    bio = str(body.get("bio") or "")
    links.extend(FoundLink(url, f'bio: "{bio}"'[:EVIDENCE_MAX]) for url in urls_in_text(bio))
    data = ProfileData(
        "api:github", tuple(links), "the website field (blog)", _short(body.get("name")), _short(bio), f'blog: "{blog}"'
    )
    return ApiAnswer(data=data, account_url=html_url)


# -- Mastodon ----------------------------------------------------------------------------------------------


def _mastodon(call: ApiCall, status: int, headers: Mapping[str, str], body: Any) -> ApiAnswer:
    if status == 404:
        text = f"the instance has no account @{call.handle} (API: 404): check the profile URL"
        return ApiAnswer(problem=Problem(text, "no_account", {"handle": f"@{call.handle}"}))
    if status == 410:
        text = f"the account @{call.handle} is gone (suspended or deleted; API: 410)"
        return ApiAnswer(problem=Problem(text, "account_gone", {"handle": f"@{call.handle}"}))
    if status != 200 or not isinstance(body, dict):
        error = body.get("error") if isinstance(body, dict) else None
        if error:
            return ApiAnswer(fallback=f"the Mastodon API answered HTTP {status}: {str(error)[:120]}")
        return _unreadable(call, status)
    url = str(body.get("url") or "")
    username = str(body["username"])
    if username.lower() != call.handle.lower():
        text = f"@{call.handle} redirects to another account ({url})"
        return ApiAnswer(problem=Problem(text, "other_account", {"url": url}), account_url=url)
    moved = body.get("moved")
    if isinstance(moved, dict) and moved.get("url"):
        target = str(moved["url"])
        text = f"the account has moved to {target}: update your config"
        return ApiAnswer(problem=Problem(text, "account_moved", {"url": target}), account_url=target)
    links: list[FoundLink] = []
    for item in body.get("fields") or []:
        name, value = str(item.get("name") or ""), str(item.get("value") or "")
        verified = item.get("verified_at") or None
        evidence = f'field "{name}": {_plain(value)} (verified_at: {verified or "null"})'
        anchors = tag_links(BeautifulSoup(value, "lxml").select("a[href]"), url or "https://invalid/")
        for anchor in anchors:
            rel = " ".join(sorted(anchor.rel))
            shown = f'field "{name}": <a href="{anchor.href}" rel="{rel}"> (verified_at: {verified or "null"})'
            links.append(_declared(anchor.href, shown, nofollow="nofollow" in anchor.rel, verified_at=verified))
        if not anchors:  # a field written without a scheme stays plain text
            links.extend(_declared(u, evidence, verified_at=verified) for u in urls_in_text(_plain(value)))
    note = str(body.get("note") or "")
    note_links = tag_links(BeautifulSoup(note, "lxml").select("a[href]"), url or "https://invalid/")
    links.extend(FoundLink(a.href, a.html, nofollow="nofollow" in a.rel) for a in note_links)
    fields = "; ".join(f'"{f.get("name")}": {_plain(str(f.get("value") or ""))}' for f in body.get("fields") or [])
    data = ProfileData(
        "api:mastodon",
        tuple(links),
        "the profile's fields",
        _short(body.get("display_name")),
        _short(_plain(note)),
        f"fields: {fields or '[]'}",
    )
    return ApiAnswer(data=data, account_url=url)


# -- Stack Exchange ----------------------------------------------------------------------------------------


def _stackexchange(call: ApiCall, status: int, headers: Mapping[str, str], body: Any) -> ApiAnswer:
    if isinstance(body, dict) and "error_id" in body:
        # Errors come as HTTP 400 with a body; throttling is `throttle_violation` (error_id 502).
        name, message = body.get("error_name", ""), str(body.get("error_message", ""))[:120]
        return ApiAnswer(fallback=f"the Stack Exchange API refused: {name}: {message}")
    if status != 200 or not isinstance(body, dict):
        return _unreadable(call, status)
    items = body["items"]
    if not items:
        text = f"Stack Overflow has no user {call.handle} (API: no item): check the profile URL"
        return ApiAnswer(problem=Problem(text, "no_account", {"handle": call.handle}))
    user = items[0]
    link = str(user.get("link") or "")
    if str(user.get("user_id")) != call.handle:
        text = f"user {call.handle} redirects to another account ({link})"
        return ApiAnswer(problem=Problem(text, "other_account", {"url": link}), account_url=link)
    website = str(user.get("website_url") or "").strip()
    links = [_declared(_website(website), f'website_url: "{website}"')] if website else []
    about = _plain(str(user.get("about_me") or ""))
    where = "the website field (website_url)"
    # display_name comes HTML-escaped (`&#201;milie`).
    name = unescape(str(user.get("display_name") or "")) or None
    field = f'website_url: "{website}"' if website else "website_url: (absent)"
    data = ProfileData("api:stackexchange", tuple(links), where, _short(name), _short(about), field)
    return ApiAnswer(data=data, account_url=link)


# -- Bluesky -----------------------------------------------------------------------------------------------

_BLUESKY_GONE = {
    "AccountTakedown": "taken down",
    "AccountDeactivated": "deactivated",
    "AccountSuspended": "suspended",
}


def _bluesky(call: ApiCall, status: int, headers: Mapping[str, str], body: Any) -> ApiAnswer:
    if status == 400 and isinstance(body, dict):
        error, message = str(body.get("error", "")), str(body.get("message", ""))
        if error in _BLUESKY_GONE:
            text = f"the Bluesky account {call.handle} is {_BLUESKY_GONE[error]} (API: {error})"
            return ApiAnswer(problem=Problem(text, "account_gone", {"handle": call.handle}))
        if "not found" in message.lower() or "unable to resolve" in message.lower():
            text = f"Bluesky has no account {call.handle} (API: {message}): check the profile URL"
            return ApiAnswer(problem=Problem(text, "no_account", {"handle": call.handle}))
        return ApiAnswer(fallback=f"the Bluesky API refused: {error}: {message[:120]}")
    if status != 200 or not isinstance(body, dict):
        return _unreadable(call, status)
    handle = str(body["handle"])
    url = f"https://bsky.app/profile/{handle}"
    if handle.lower() != call.handle.lower():
        text = f"{call.handle} redirects to another account ({url})"
        return ApiAnswer(problem=Problem(text, "other_account", {"url": url}), account_url=url)
    description = str(body.get("description") or "")
    # Bluesky has no website field: links are plain text in the description (facets are not in the profile).
    links = [_declared(u, f'description: "{description}"') for u in urls_in_text(description)]
    data = ProfileData(
        "api:bluesky",
        tuple(links),
        "the description",
        _short(body.get("displayName")),
        _short(description),
        f'description: "{_short(description) or ""}"',
        account_id=str(body.get("did") or ""),
    )
    return ApiAnswer(data=data, account_url=url)


_PARSERS = {
    "api:github": _github,
    "api:mastodon": _mastodon,
    "api:stackexchange": _stackexchange,
    "api:bluesky": _bluesky,
}


def is_api_url(url: str) -> str | None:
    """The API source a stored answer came from, judged by its URL (for replaying stored responses)."""
    parts = urlsplit(url)
    host, path = (parts.hostname or "").lower(), parts.path
    if host == "api.github.com" and (path.startswith("/users/") or path.startswith("/user/")):
        return "api:github"
    if path == "/api/v1/accounts/lookup":
        return "api:mastodon"
    if host == "api.stackexchange.com":
        return "api:stackexchange"
    if host.endswith("bsky.app") and path.endswith("app.bsky.actor.getProfile"):
        return "api:bluesky"
    return None
