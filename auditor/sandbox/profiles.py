"""Open profiles: pages and APIs of networks that show a logged-out client everything.

GitHub: the profile page (`li[itemprop=url] a[rel~=me]`) and `api.github.com/users/<handle>` (`blog`,
X-RateLimit headers). Mastodon: the profile page (fields as `rel="nofollow noopener me"` anchors) and
`/api/v1/accounts/lookup` (fields with `verified_at`: the instance already checked the link back).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from html import escape
from urllib.parse import urlsplit

from auditor.sandbox.scenario import Month, Page
from auditor.sandbox.wire import JSON, Request, Response, json_response

GITHUB_RATE_LIMIT = 60  # unauthenticated requests an hour


def _stable_id(text: str, digits: int) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % 10**digits


# ---------------------------------------------------------------------------------------------------------
# GitHub


def github_page(page: Page) -> str:
    handle = escape(page.handle)
    details = []
    if page.location:
        details.append(
            f'        <li class="vcard-detail pt-1" itemprop="homeLocation" '
            f'aria-label="Home location: {escape(page.location)}">'
            f'<span class="p-label">{escape(page.location)}</span></li>'
        )
    if page.website:
        details.append(
            f'        <li itemprop="url" data-test-selector="profile-website-url" '
            f'class="vcard-detail pt-1"><a rel="nofollow me" class="Link--primary" '
            f'href="{escape(page.website)}">{escape(page.website)}</a></li>'
        )
    details.extend(
        f'        <li itemprop="social" class="vcard-detail pt-1"><a rel="nofollow me" '
        f'class="Link--primary" href="{escape(link.href)}">{escape(link.text or link.href)}</a></li>'
        for link in page.links
    )
    title = page.title or (f"{page.handle} ({page.name}) · GitHub" if page.name else f"{page.handle} · GitHub")
    items = "\n".join(details)
    return f"""<!DOCTYPE html>
<html lang="en" data-color-mode="auto">
<head>
  <meta charset="utf-8">
  <title>{escape(title)}</title>
  <meta name="description" content="{escape(page.description)}">
  <meta property="og:title" content="{handle} - Overview">
  <meta property="og:url" content="{escape(page.url)}">
  <meta property="profile:username" content="{handle}">
</head>
<body class="logged-out env-production page-responsive page-profile">
  <div class="application-main" data-commit-hovercards-enabled>
    <div class="js-profile-editable-area d-flex flex-column d-md-block">
      <h1 class="vcard-names">
        <span class="p-name vcard-fullname d-block overflow-hidden" itemprop="name">{escape(page.name)}</span>
        <span class="p-nickname vcard-username d-block" itemprop="additionalName">{handle}</span>
      </h1>
      <div class="p-note user-profile-bio mb-3 js-user-profile-bio f4" \
data-bio-text="{escape(page.description)}"><div>{escape(page.description)}</div></div>
      <ul class="vcard-details">
{items}
      </ul>
    </div>
  </div>
</body>
</html>
"""


def github_api(request: Request, month: Month, used: int) -> Response:
    """`GET /users/<handle>`; `used` counts this month's calls against the 60-an-hour limit."""
    reset = str(int(time.time()) // 3600 * 3600 + 3600)
    remaining = max(GITHUB_RATE_LIMIT - used, 0)
    headers = (
        ("X-RateLimit-Limit", str(GITHUB_RATE_LIMIT)),
        ("X-RateLimit-Remaining", str(remaining)),
        ("X-RateLimit-Reset", reset),
        ("X-RateLimit-Used", str(min(used, GITHUB_RATE_LIMIT))),
        ("X-RateLimit-Resource", "core"),
    )
    if used > GITHUB_RATE_LIMIT:
        return json_response(
            {
                "message": "API rate limit exceeded for 127.0.0.1. (But here's the good news: "
                "Authenticated requests get a higher rate limit.)",
                "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
            },
            403,
            headers,
        )
    subject = github_subject(request, month)
    if subject is not None and subject.redirect and request.path.startswith("/users/"):
        # A renamed account: its old name answers a 301 to the account by id, which answers as the new name.
        renamed = _github_by_handle(month, Page(subject.redirect).handle)
        if renamed is not None:
            location = f"https://api.github.com/user/{_stable_id(renamed.handle, 8)}"
            return Response(301, b"", JSON, (*headers, ("Location", location)))
    page = subject if subject is not None and subject.status == 200 and not subject.redirect else None
    if page is None:
        return json_response(
            {
                "message": "Not Found",
                "documentation_url": "https://docs.github.com/rest/users/users#get-a-user",
                "status": "404",
            },
            404,
            headers,
        )
    if request.path.rstrip("/").endswith("/social_accounts"):
        # The documented shape: a list of {provider, url}, the provider named by GitHub from the URL's host.
        accounts = [{"provider": _provider(url), "url": url} for url in page.social_accounts]
        return json_response(accounts, headers=headers)
    number = _stable_id(page.handle, 8)
    return json_response(
        {
            "login": page.handle,
            "id": number,
            "avatar_url": f"https://avatars.githubusercontent.com/u/{number}?v=4",
            "gravatar_id": "",
            "url": f"https://api.github.com/users/{page.handle}",
            "html_url": page.url,
            "type": "User",
            "user_view_type": "public",
            "site_admin": False,
            "name": page.name or None,
            "company": None,
            "blog": page.website,
            "location": page.location or None,
            "email": None,
            "hireable": None,
            "bio": page.description or None,
            "twitter_username": None,
            "public_repos": 14,
            "public_gists": 2,
            "followers": 57,
            "following": 31,
            "created_at": "2014-03-09T14:21:07Z",
            "updated_at": f"{month.as_of.isoformat()}T09:30:00Z",
        },
        headers=headers,
    )


def _github_by_handle(month: Month, handle: str) -> Page | None:
    return next((p for p in month.pages.values() if p.kind == "github" and p.handle.lower() == handle.lower()), None)


def _provider(url: str) -> str:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    known = {"x.com": "twitter", "twitter.com": "twitter", "linkedin.com": "linkedin", "bsky.app": "bluesky"}
    return known.get(host) or ("mastodon" if "mastodon" in host else "generic")


def github_subject(request: Request, month: Month) -> Page | None:
    """The GitHub page an API request is about: `/users/<handle>` (and its `/social_accounts`), or
    `/user/<id>` (by its stable id)."""
    if request.path.startswith("/users/"):
        handle = request.path.removeprefix("/users/").strip("/").removesuffix("/social_accounts")
        return _github_by_handle(month, handle)
    if request.path.startswith("/user/"):
        wanted = request.path.removeprefix("/user/").strip("/")
        return next(
            (p for p in month.pages.values() if p.kind == "github" and str(_stable_id(p.handle, 8)) == wanted), None
        )
    return None


# ---------------------------------------------------------------------------------------------------------
# Mastodon


def _field_value(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return (
        f'<a href="{escape(url)}" target="_blank" rel="nofollow noopener me" translate="no">'
        f'<span class="invisible">{escape(scheme)}://</span><span class="">{escape(rest.rstrip("/"))}</span>'
        f'<span class="invisible"></span></a>'
    )


def _mastodon_fields(page: Page, as_of: dt.date) -> list[dict[str, str | None]]:
    fields: list[dict[str, str | None]] = []
    if page.website:
        verified = f"{as_of.isoformat()}T00:00:00.000+00:00" if page.website_verified else None
        fields.append({"name": "Site web", "value": _field_value(page.website), "verified_at": verified})
    fields.extend(
        {"name": link.text or "Lien", "value": _field_value(link.href), "verified_at": None} for link in page.links
    )
    return fields


def mastodon_page(page: Page, as_of: dt.date) -> str:
    acct = f"{page.handle}@{page.host}"
    rows = []
    for f in _mastodon_fields(page, as_of):
        css = ' class="verified"' if f["verified_at"] else ""
        mark = '<span class="verified__mark" title="Vérifié">✓</span> ' if f["verified_at"] else ""
        rows.append(f"          <dt{css}>{escape(f['name'] or '')}</dt><dd{css}>{mark}{f['value']}</dd>")
    title = page.title or f"{page.name} (@{acct}) - Mastodon"
    dl = "\n".join(rows)
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <title>{escape(title)}</title>
  <meta name="description" content="{escape(page.description)}">
  <meta property="og:title" content="{escape(page.name)} (@{escape(acct)})">
  <meta property="og:url" content="{escape(page.url)}">
  <link href="https://{escape(page.host)}/users/{escape(page.handle)}" rel="alternate" \
type="application/activity+json">
</head>
<body class="app-body theme-default">
  <div class="public-account-header">
    <div class="public-account-header__tabs__name">
      <h1>{escape(page.name)} <small>@{escape(acct)}</small></h1>
    </div>
  </div>
  <div class="public-account-bio">
    <div class="account__header__content emojify"><p>{escape(page.description)}</p></div>
    <div class="account__header__fields">
      <dl>
{dl}
      </dl>
    </div>
  </div>
  <div id="mastodon" data-props="{{&quot;locale&quot;:&quot;fr&quot;}}"></div>
</body>
</html>
"""


def mastodon_subject(request: Request, month: Month) -> Page | None:
    """The Mastodon page of this instance an `accounts/lookup?acct=` request is about."""
    username = request.query.get("acct", "").lstrip("@").partition("@")[0].lower()
    return next(
        (
            p
            for p in month.pages.values()
            if p.kind == "mastodon" and p.host == request.host and p.handle.lower() == username
        ),
        None,
    )


def mastodon_lookup(request: Request, month: Month) -> Response:
    """`GET /api/v1/accounts/lookup?acct=handle[@domain]`: the Account entity, or 404."""
    _, _, domain = request.query.get("acct", "").lstrip("@").partition("@")
    page = mastodon_subject(request, month)
    if page is None or page.status != 200 or (domain and domain.lower() != request.host):
        return json_response({"error": "Record not found"}, 404)
    number = str(_stable_id(page.host + page.handle, 18))
    return json_response(
        {
            "id": number,
            "username": page.handle,
            "acct": page.handle,
            "display_name": page.name,
            "locked": False,
            "bot": False,
            "discoverable": True,
            "indexable": True,
            "group": False,
            "created_at": "2022-11-05T00:00:00.000Z",
            "note": f"<p>{escape(page.description)}</p>",
            "url": page.url,
            "uri": f"https://{page.host}/users/{page.handle}",
            "avatar": f"https://files.{page.host}/accounts/avatars/{number}/original/avatar.png",
            "avatar_static": f"https://files.{page.host}/accounts/avatars/{number}/original/avatar.png",
            "header": f"https://{page.host}/headers/original/missing.png",
            "header_static": f"https://{page.host}/headers/original/missing.png",
            "followers_count": 212,
            "following_count": 180,
            "statuses_count": 431,
            "last_status_at": month.as_of.isoformat(),
            "noindex": False,
            "emojis": [],
            "roles": [],
            "fields": _mastodon_fields(page, month.as_of),
        }
    )
