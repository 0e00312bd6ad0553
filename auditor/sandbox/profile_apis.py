"""Profile APIs of the sandbox: GitHub, Mastodon, Stack Exchange and Bluesky, with their shapes and errors.

GitHub `GET api.github.com/users/<h>` (and `/user/<id>`, where a renamed account's old name redirects) and
Mastodon `GET /api/v1/accounts/lookup` are rendered in `profiles.py`; Stack Exchange
`GET api.stackexchange.com/2.3/users/<id>?site=stackoverflow` (always gzip, errors as HTTP 400 with
`error_id`/`error_name`) and Bluesky `GET public.api.bsky.app/xrpc/app.bsky.actor.getProfile?actor=<h>`
(errors as `{"error", "message"}`) here. A page's `api_fault` makes its API misbehave: `rate_limited` in
each API's own words, or any fault mode of `faults.py`, applied by the server.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit

from auditor.sandbox import profiles
from auditor.sandbox.scenario import Month, Page
from auditor.sandbox.wire import JSON, Request, Response, display, json_response, script_json

SE_HOST = "api.stackexchange.com"
BSKY_API_HOST = "public.api.bsky.app"
API_HOSTS = {"github": "api.github.com", "stackoverflow": SE_HOST, "bluesky": BSKY_API_HOST}
RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class ApiAnswer:
    """The normal answer of an API request, and the fault spec of the page it is about ("" for none)."""

    response: Response
    fault: str = ""


def answer(request: Request, month: Month, count: Callable[[], int]) -> ApiAnswer | None:
    """The answer when `request` is for a profile API; None otherwise. `count` counts GitHub's calls."""
    host, path = request.host, request.path
    if host == "api.github.com":
        page = profiles.github_subject(request, month)
        if page is not None and page.api_fault == RATE_LIMITED:
            return ApiAnswer(profiles.github_api(request, month, profiles.GITHUB_RATE_LIMIT + 1))
        return ApiAnswer(profiles.github_api(request, month, count()), _fault(page))
    if path == "/api/v1/accounts/lookup":
        page = profiles.mastodon_subject(request, month)
        if page is not None and page.api_fault == RATE_LIMITED:
            return ApiAnswer(json_response({"error": "Too many requests"}, 429, (("X-RateLimit-Remaining", "0"),)))
        return ApiAnswer(profiles.mastodon_lookup(request, month), _fault(page))
    if host == SE_HOST and path.startswith("/2.3/users/"):
        return _stackexchange(request, month)
    if host == BSKY_API_HOST and path == "/xrpc/app.bsky.actor.getProfile":
        return _bluesky(request, month)
    return None


def _fault(page: Page | None) -> str:
    return page.api_fault if page is not None and page.api_fault != RATE_LIMITED else ""


def _number(text: str, digits: int) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % 10**digits


# ---------------------------------------------------------------------------------------------------------
# Stack Exchange


def stackoverflow_id(page: Page) -> str:
    """`https://stackoverflow.com/users/4242/noemie-gagnon` -> `4242`."""
    parts = urlsplit(page.url).path.strip("/").split("/")
    return parts[1] if len(parts) >= 2 and parts[0] == "users" else ""


def _gzip_json(data: object, status: int = 200) -> Response:
    # The Stack Exchange API compresses every answer, whatever the client asked for.
    body = gzip.compress(json.dumps(data).encode("utf-8"))
    return Response(status, body, JSON, (("Content-Encoding", "gzip"),))


def _se_error(status: int, error_id: int, name: str, message: str) -> Response:
    return _gzip_json({"error_id": error_id, "error_message": message, "error_name": name}, status)


def _stackexchange(request: Request, month: Month) -> ApiAnswer:
    if request.query.get("site", "") != "stackoverflow":
        return ApiAnswer(_se_error(400, 400, "bad_parameter", "site is required"))
    wanted = request.path.removeprefix("/2.3/users/").strip("/")
    if not wanted.isdigit():
        return ApiAnswer(_se_error(400, 400, "bad_parameter", "ids"))
    page = next((p for p in month.pages.values() if p.kind == "stackoverflow" and stackoverflow_id(p) == wanted), None)
    if page is not None and page.api_fault == RATE_LIMITED:
        message = "too many requests from this IP, more requests available in 72931 seconds"
        return ApiAnswer(_se_error(400, 502, "throttle_violation", message))
    items = []
    if page is not None and page.status == 200 and not page.redirect:
        item: dict[str, object] = {
            "badge_counts": {"bronze": 14, "silver": 6, "gold": 1},
            "account_id": _number(page.url, 7),
            "is_employee": False,
            "last_modified_date": 1767225600,
            "last_access_date": 1769904000,
            "reputation_change_year": 212,
            "reputation_change_quarter": 64,
            "reputation_change_month": 20,
            "reputation_change_week": 0,
            "reputation_change_day": 0,
            "reputation": 3187,
            "creation_date": 1420070400,
            "user_type": "registered",
            "user_id": int(wanted),
            "link": page.url,
            "profile_image": f"https://www.gravatar.com/avatar/{_number(page.url, 12):032x}?s=256&d=identicon&r=PG",
            # Stack Exchange sends display names HTML-escaped.
            "display_name": escape(page.name),
        }
        if page.location:
            item["location"] = page.location
        if page.website:
            item["website_url"] = page.website
        if page.description and request.query.get("filter", "default") != "default":
            item["about_me"] = f"<p>{escape(page.description)}</p>"
        items.append(item)
    body = {"items": items, "has_more": False, "quota_max": 300, "quota_remaining": 287}
    return ApiAnswer(_gzip_json(body), _fault(page))


def stackoverflow_page(page: Page) -> str:
    website = (
        f'\n        <li><a href="{escape(page.website)}" class="flex--item" rel="me noreferrer">'
        f"{escape(display(page.website))}</a></li>"
        if page.website
        else ""
    )
    return f"""<!DOCTYPE html>
<html itemscope itemtype="https://schema.org/ProfilePage" class="html__responsive">
<head>
  <meta charset="utf-8">
  <title>User {escape(page.name)} - Stack Overflow</title>
  <meta property="og:title" content="{escape(page.name)}">
  <meta property="og:description" content="{escape(page.description)}">
</head>
<body class="user-page unified-theme">
  <div id="mainbar-full" class="user-show-new">
    <div class="fs-headline2 fw-bold" itemprop="name">{escape(page.name)}</div>
    <div class="fs-title fc-black-400">{escape(page.location)}</div>
    <ul class="list-reset s-anchors s-anchors__inherit">{website}
    </ul>
    <div class="js-about-me-content" itemprop="description"><p>{escape(page.description)}</p></div>
  </div>
</body>
</html>
"""


# ---------------------------------------------------------------------------------------------------------
# Bluesky


def bluesky_handle(page: Page) -> str:
    """`https://bsky.app/profile/ngagnon.bsky.social` -> `ngagnon.bsky.social`."""
    return urlsplit(page.url).path.rstrip("/").rsplit("/", 1)[-1].lower()


def _did(handle: str) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    number, out = _number("did" + handle, 40), ""
    for _ in range(24):
        number, digit = divmod(number, len(alphabet))
        out += alphabet[digit]
    return f"did:plc:{out}"


def did_for(handle: str) -> str:
    """The DID the sandbox's Bluesky API gives `handle`."""
    return _did(handle.lower())


def wikidata_entity(page: Page) -> dict[str, object]:
    """`Special:EntityData/Q....json` of an item: its label and its official website (P856), in Wikidata's
    documented shape (written from the documentation, not from a recording)."""
    item = page.handle.removesuffix(".json")
    claims: dict[str, object] = {}
    if page.website:
        snak = {"snaktype": "value", "property": "P856", "datavalue": {"value": page.website, "type": "string"}}
        claims["P856"] = [{"mainsnak": snak, "type": "statement", "rank": "normal"}]
    label = {"language": "fr", "value": page.name}
    return {"entities": {item: {"id": item, "type": "item", "labels": {"fr": label}, "claims": claims}}}


def _bluesky(request: Request, month: Month) -> ApiAnswer:
    actor = request.query.get("actor", "").lower()
    if not actor:
        return ApiAnswer(
            json_response({"error": "InvalidRequest", "message": 'Error: Params must have the property "actor"'}, 400)
        )
    page = next((p for p in month.pages.values() if p.kind == "bluesky" and bluesky_handle(p) == actor), None)
    if page is not None and page.api_fault == RATE_LIMITED:
        headers = (("RateLimit-Limit", "3000"), ("RateLimit-Remaining", "0"), ("RateLimit-Policy", "3000;w=300"))
        return ApiAnswer(json_response({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, 429, headers))
    if page is None or page.status != 200 or page.redirect:
        return ApiAnswer(json_response({"error": "InvalidRequest", "message": "Profile not found"}, 400), _fault(page))
    did = _did(actor)
    data = {
        "did": did,
        "handle": bluesky_handle(page),
        "displayName": page.name,
        "description": _bluesky_description(page),
        "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did}/bafkreia{_number(did, 20)}@jpeg",
        "associated": {"lists": 0, "feedgens": 0, "starterPacks": 0, "labeler": False},
        "labels": [],
        "createdAt": "2023-09-14T17:02:11.418Z",
        "indexedAt": f"{month.as_of.isoformat()}T08:00:00.000Z",
        "followersCount": 148,
        "followsCount": 203,
        "postsCount": 321,
    }
    return ApiAnswer(json_response(data), _fault(page))


def _bluesky_description(page: Page) -> str:
    # Bluesky has no website field: people write their site into the description, often without a scheme.
    site = display(page.website) if page.website else ""
    return "\n".join(part for part in (page.description, site) if part)


def bluesky_page(page: Page) -> str:
    """bsky.app is a JavaScript application: og: tags for link previews, the profile only once scripts run."""
    data = {
        "name": page.name,
        "handle": bluesky_handle(page),
        "description": page.description,
        "website": page.website or None,
    }
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Bluesky</title>
  <meta property="og:title" content="{escape(page.name)} (@{escape(bluesky_handle(page))})">
  <meta property="og:description" content="{escape(_bluesky_description(page))}">
</head>
<body>
  <noscript><p>This is a heavily interactive web application, and JavaScript is required.</p></noscript>
  <div id="root"></div>
  <script type="application/json" id="profile-data">{script_json(data)}</script>
  <script>
  (function () {{
    var user = JSON.parse(document.getElementById("profile-data").textContent);
    var root = document.getElementById("root");
    var name = document.createElement("div");
    name.setAttribute("data-testid", "profileHeaderDisplayName");
    name.textContent = user.name;
    root.appendChild(name);
    var bio = document.createElement("div");
    bio.setAttribute("data-testid", "profileHeaderDescription");
    bio.textContent = user.description + " ";
    if (user.website) {{
      var link = document.createElement("a");
      link.href = user.website;
      link.rel = "noopener noreferrer";
      link.textContent = user.website.replace(/^https?:\\/\\//, "");
      bio.appendChild(link);
    }}
    root.appendChild(bio);
  }})();
  </script>
</body>
</html>
"""
