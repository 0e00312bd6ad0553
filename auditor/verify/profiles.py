"""The link-back verdict of one profile from its fetched page. Pure."""

from __future__ import annotations

from urllib.parse import urlsplit

from auditor.identify.networks import Network
from auditor.models import LinkBack, Verdict
from auditor.verify.links import SiteTarget, linkback_from_links, page_links
from auditor.verify.pages import PageFetch

LOGIN_WALL_PATHS = ("/authwall", "/login", "/accounts/login", "/checkpoint", "/uas/login", "/i/flow/login")


def _unverifiable(reason: str, page: PageFetch, evidence: str = "") -> LinkBack:
    return LinkBack(
        Verdict.UNVERIFIABLE, reason, evidence, "html", False, page.final_url or page.requested_url, page.status_code
    )


def profile_linkback(network: Network, page: PageFetch, target: SiteTarget) -> LinkBack:
    """Decide from the page alone. Anything that hides the page is `unverifiable`, never `not_linked`."""
    if page.error:
        return _unverifiable(f"could not fetch the profile: {page.error}", page)
    code = page.status_code
    status_line = f"HTTP {code}"
    if code == 999:
        return _unverifiable(f"HTTP 999: {network.label} refuses logged-out visitors (login wall)", page, status_line)
    path = urlsplit(page.final_url).path.lower()
    if any(path.startswith(wall) for wall in LOGIN_WALL_PATHS):
        return _unverifiable(f"{network.label} redirected to a login page ({page.final_url})", page, status_line)
    if code in (404, 410):
        return _unverifiable(f"the profile page answered {code}: check its URL in your config", page, status_line)
    if code != 200:
        return _unverifiable(f"the profile page answered {status_line}", page, status_line)
    verdict = linkback_from_links(
        page_links(page.text, page.final_url), target, source="html", final_url=page.final_url, status_code=code
    )
    if verdict.verdict is Verdict.NOT_LINKED and (network.needs_js or network.needs_login):
        why = "inserts its links with JavaScript" if network.needs_js else "hides links from logged-out visitors"
        return _unverifiable(f"{network.label} {why}; the page's HTML alone cannot show a link", page, status_line)
    return verdict
