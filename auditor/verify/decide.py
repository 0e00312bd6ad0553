"""The link-back verdict of one profile from its gathered evidence. Pure.

Rules (issue 5, DESIGN.md section 3):
- anything that hides the profile (no answer, login wall, 404, another account, a page too large) is
  `unverifiable` with its reason, never `not_linked`;
- the best link wins: `linked` over `linked_via_redirect` over `wrong_target`;
- a link to the site over http while the site is https, to a former domain, or to a page of the site that
  answers 404 is a `wrong_target`; a redirect (shortener, exit page, any chain) that ends on the site is
  `linked_via_redirect`, with the chain as evidence;
- a link that could not be followed decides nothing: other links still may, else the profile is
  `unverifiable`, since that link may well lead to the site;
- `not_linked` only when the source showed the profile and nothing in it leads to the site; a page whose
  links need JavaScript or a login never gives it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from auditor.identify.networks import Network
from auditor.models import LinkBack, Verdict
from auditor.verify.evidence import FoundLink, ProfileEvidence, Resolution
from auditor.verify.links import SiteTarget, on_host, url_host

EVIDENCE_MAX = 600
GONE = (404, 410)
_RANK = {Verdict.LINKED: 0, Verdict.LINKED_VIA_REDIRECT: 1, Verdict.WRONG_TARGET: 2, None: 3}


@dataclass(frozen=True)
class _Judged:
    verdict: Verdict | None
    """None: the link could not be followed, so it decides nothing."""
    reason: str
    evidence: str
    nofollow: bool


def _on_site(url: str, target: SiteTarget) -> bool:
    return on_host(url, target.host)


def _on_old_site(url: str, target: SiteTarget) -> bool:
    return any(on_host(url, url_host(old)) for old in target.old_urls if url_host(old))


def _is_root(url: str) -> bool:
    return urlsplit(url).path in ("", "/")


def _site_rule(url: str, status: int | None, target: SiteTarget) -> tuple[Verdict, str] | None:
    """What a link ending at `url` (answering `status`) is worth, or None when it is not about the site."""
    if _on_site(url, target):
        if urlsplit(url).scheme == "http" and target.scheme == "https":
            return Verdict.WRONG_TARGET, f"{url} over http while your site is https"
        if status in GONE:
            return Verdict.WRONG_TARGET, f"{url}, a page of your site that answers {status}"
        return Verdict.LINKED, url
    if _on_old_site(url, target):
        return Verdict.WRONG_TARGET, f"your former site {url}"
    return None


def _chain_text(link: FoundLink, resolution: Resolution) -> str:
    hops = " -> ".join((resolution.url, *resolution.chain))
    status = f" (HTTP {resolution.status_code})" if resolution.status_code is not None else ""
    return f"{link.evidence}\n{hops}{status}"[:EVIDENCE_MAX]


def _mastodon_note(link: FoundLink, source: str) -> str:
    if link.verified_at:
        return f"; the instance verified this link on {link.verified_at[:10]} (your site links back with rel=me)"
    if source == "api:mastodon":
        return '; not verified by the instance yet: add a rel="me" link to this profile on your site'
    return ""


def _judge(link: FoundLink, ev: ProfileEvidence, target: SiteTarget) -> _Judged | None:
    nofollow = link.nofollow
    direct = _site_rule(link.href, None, target)
    if direct is not None:
        verdict, what = direct
        if verdict is not Verdict.LINKED:
            return _Judged(verdict, f"links to {what}", link.evidence, nofollow)
        checked = ev.targets.get(link.href)
        if checked is not None and checked.status_code in GONE:
            reason = f"links to {link.href}, a page of your site that answers {checked.status_code}"
            return _Judged(Verdict.WRONG_TARGET, reason, _chain_text(link, checked), nofollow)
        note = _mastodon_note(link, ev.source)
        if checked is not None and checked.error:
            note += f" (the page could not be checked: {checked.error})"
        if link.via:
            exit_host = url_host(link.via)
            reason = f"links to {link.href} through {exit_host}'s exit page{note}"
            return _Judged(Verdict.LINKED_VIA_REDIRECT, reason, link.evidence, nofollow)
        return _Judged(Verdict.LINKED, f"links to {link.href}{note}", link.evidence, nofollow)
    resolution = ev.resolutions.get(link.href)
    if resolution is None:
        return None
    if resolution.error:
        reason = f"the link {link.href} could not be followed ({resolution.error})"
        return _Judged(None, reason, link.evidence, nofollow)
    if not resolution.chain:
        return None  # it answered itself: not a redirect, and not the site
    evidence = _chain_text(link, resolution)
    former = next((hop for hop in resolution.chain if _on_old_site(hop, target)), None)
    if former is not None:
        # The link really points at the former domain (a shortener only wraps it): update the link, even
        # when the former domain forwards to the new site.
        reason = f"links to {link.href}, which redirects to your former site {former}"
        return _Judged(Verdict.WRONG_TARGET, reason, evidence, nofollow)
    ended = _site_rule(resolution.final, resolution.status_code, target)
    if ended is None:
        return None
    verdict, what = ended
    if verdict is Verdict.LINKED:
        note = _mastodon_note(link, ev.source) + (f" ({resolution.note})" if resolution.note else "")
        reason = f"links to {link.href}, which redirects to {resolution.final}{note}"
        return _Judged(Verdict.LINKED_VIA_REDIRECT, reason, evidence, nofollow)
    return _Judged(verdict, f"links to {link.href}, which redirects to {what}", evidence, nofollow)


def _with_notes(reason: str, ev: ProfileEvidence) -> str:
    return reason + "".join(f" [{note}]" for note in ev.notes)


def decide_linkback(network: Network, ev: ProfileEvidence, target: SiteTarget) -> LinkBack:
    """The verdict, its reason and its evidence; `source` says which source decided it."""
    final_url = ev.final_url or ev.url

    def verdict(kind: Verdict, reason: str, evidence: str = "", nofollow: bool = False) -> LinkBack:
        return LinkBack(kind, _with_notes(reason, ev), evidence, ev.source, nofollow, final_url, ev.status_code)

    status_line = f"HTTP {ev.status_code}" if ev.status_code is not None else ""
    if ev.error:
        return verdict(Verdict.UNVERIFIABLE, f"could not check the profile: {ev.error}", status_line)
    if ev.problem:
        return verdict(Verdict.UNVERIFIABLE, ev.problem, status_line or final_url)
    if ev.data is None:
        return verdict(Verdict.UNVERIFIABLE, "the profile could not be read", status_line)
    judged = [j for j in (_judge(link, ev, target) for link in ev.data.links) if j is not None]
    best = min(judged, key=lambda j: _RANK[j.verdict], default=None)
    if best is not None:
        if best.verdict is None:
            return verdict(Verdict.UNVERIFIABLE, best.reason, best.evidence, best.nofollow)
        return verdict(best.verdict, best.reason, best.evidence, best.nofollow)
    if ev.source == "html" and (network.needs_js or network.needs_login):
        why = "inserts its links with JavaScript" if network.needs_js else "hides links from logged-out visitors"
        return verdict(
            Verdict.UNVERIFIABLE, f"{network.label} {why}; the page's HTML alone cannot show a link", status_line
        )
    if ev.source == "browser" and not ev.profile_visible:
        reason = "the page rendered by the browser does not show the profile (a login wall, or it did not load)"
        return verdict(Verdict.UNVERIFIABLE, reason, status_line)
    elsewhere = [link for link in ev.data.links if link.declared]
    reason = f"no link to {target.host} in {ev.data.where}"
    if elsewhere:
        reason += f"; it links to {elsewhere[0].href}"
    shown = elsewhere[0].evidence if elsewhere else (ev.data.field or status_line)
    return verdict(Verdict.NOT_LINKED, reason, shown)
