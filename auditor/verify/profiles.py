"""A fetched profile page judged as a page: does it show the profile at all? Pure.

A login wall (LinkedIn's HTTP 999, a redirect to /authwall or /login), a 404, an error status or a redirect to
another account all mean the page says nothing about links: the verdict is `unverifiable` with that reason.
`evidence_from_page` turns one stored page (HTML, or an API answer) into `ProfileEvidence`, for callers that
have a page rather than a gathering (replays of stored audits, tests).
"""

from __future__ import annotations

from dataclasses import replace

from auditor.identify.links import SiteTarget
from auditor.identify.networks import Network, Registry, default_registry
from auditor.models import LinkBack
from auditor.net.fetched import Fetched
from auditor.verify.apis import api_call, is_api_url, parse_api
from auditor.verify.decide import decide_linkback, is_login_page
from auditor.verify.evidence import Problem, ProfileEvidence
from auditor.verify.htmlprofile import parse_profile_page


def _other_account(network: Network, configured: str, final_url: str, registry: Registry) -> bool:
    """The final URL is a profile of the same network with another handle (a renamed or merged account).
    Anything else (a subdomain, a page that is not a profile) is left to the page's content."""
    try:
        wanted, got = registry.match(configured), registry.match(final_url)
    except ValueError:
        return False
    return (
        wanted is not None
        and got is not None
        and got.network.key == network.key
        and got.handle is not None
        and wanted.handle is not None
        and got.handle != wanted.handle
    )


def page_problem(network: Network, page: Fetched, configured: str, registry: Registry | None = None) -> str:
    """Why this answer does not show the profile, or "" when it does (call only for answered pages)."""
    code = page.status_code
    if code == 999:
        return f"HTTP 999: {network.label} refuses logged-out visitors (login wall)"
    if is_login_page(page.url):  # shared with the verdict's reason code (decide.py)
        return f"{network.label} redirected to a login page ({page.url})"
    if code in (404, 410):
        return Problem(
            f"the profile page answered {code}: check its URL in your config", "profile_gone", {"status": str(code)}
        )
    if code != 200:
        return Problem(f"the profile page answered HTTP {code}", "profile_status", {"status": str(code)})
    if page.url and _other_account(network, configured, page.url, registry or default_registry()):
        text = f"the profile redirects to another account ({page.url})"
        return Problem(text, "other_account", {"url": page.url})
    return ""


def evidence_from_page(
    network: Network, url: str, page: Fetched, *, source: str = "html", registry: Registry | None = None
) -> ProfileEvidence:
    """Evidence from one page alone, without following links (a redirecting link then decides nothing)."""
    final_url = page.url or page.requested_url or url
    if page.error:
        return ProfileEvidence(network.key, url, source, final_url=final_url, error=page.error)
    api_source = is_api_url(page.url)
    if api_source is not None:
        match = (registry or default_registry()).match(url)
        call = api_call(network.key, match.handle if match else None, url)
        if call is not None:
            answer = parse_api(call, page.status_code or 0, page.headers, page.text)
            problem = answer.problem or answer.fallback
            return ProfileEvidence(
                network.key, url, call.source, answer.data, final_url, page.status_code, problem=problem
            )
    problem = page_problem(network, page, url, registry)
    if problem:
        return ProfileEvidence(network.key, url, source, None, final_url, page.status_code, problem=problem)
    data = parse_profile_page(network.key, page.text, final_url, source=source)
    if source == "html" and network.needs_js:
        # The HTML of a JavaScript profile is a shell: its title ("X") is not the person's name.
        data = replace(data, display_name=None, headline=None)
    return ProfileEvidence(network.key, url, source, data, final_url, page.status_code)


def profile_linkback(network: Network, page: Fetched, target: SiteTarget) -> LinkBack:
    """Decide from the page alone. Anything that hides the page is `unverifiable`, never `not_linked`."""
    return decide_linkback(network, evidence_from_page(network, page.requested_url, page), target)
