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

Each reason also gets a stable `reason_code` and its `reason_params` (issue 6): the English `reason` stays
for the JSON and the CLI, the report words the code in the reader's language. Technical text that has no
translation (an HTTP client's error, an API's own message, the gathering notes) goes in the `detail` and
`notes` params, which the report shows verbatim as evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from auditor.identify.links import SiteTarget, url_host
from auditor.identify.networks import Network
from auditor.models import LinkBack, Verdict
from auditor.verify.evidence import FoundLink, Problem, ProfileEvidence, Resolution

EVIDENCE_MAX = 600
GONE = (404, 410)
_RANK = {Verdict.LINKED: 0, Verdict.LINKED_VIA_REDIRECT: 1, Verdict.WRONG_TARGET: 2, None: 3}
LOGIN_WALL_PATHS = ("/authwall", "/login", "/accounts/login", "/checkpoint", "/uas/login", "/i/flow/login")
# The reason code of a wrong target, by what is wrong (`_site_rule`'s kind), for a link that points there
# itself and for one that only redirects there.
_DIRECT = {"http": "http_link", "gone": "gone_page", "former": "former_site"}
_REDIRECTED = {"http": "redirects_to_http", "gone": "redirects_to_gone_page", "former": "redirects_to_former_site"}


@dataclass(frozen=True)
class _Judged:
    verdict: Verdict | None
    """None: the link could not be followed, so it decides nothing."""
    reason: str
    evidence: str
    nofollow: bool
    code: str = ""
    params: Mapping[str, str] = field(default_factory=dict)


def _on_site(url: str, target: SiteTarget) -> bool:
    return target.covers(url)


def _on_old_site(url: str, target: SiteTarget) -> bool:
    return target.covers_former(url)


def _is_root(url: str) -> bool:
    return urlsplit(url).path in ("", "/")


def is_login_page(url: str) -> bool:
    """The URL is a login page (`/authwall`, `/login/...`), not a profile: a login wall."""
    path = urlsplit(url).path.lower()
    return any(path == wall or path.startswith(wall + "/") or path.startswith(wall + "?") for wall in LOGIN_WALL_PATHS)


def _site_rule(url: str, status: int | None, target: SiteTarget) -> tuple[Verdict, str, str] | None:
    """What a link ending at `url` (answering `status`) is worth, and the kind of wrong target (`http`, `gone`,
    `former`; "" when linked), or None when it is not about the site."""
    if _on_site(url, target):
        if urlsplit(url).scheme == "http" and target.scheme == "https":
            return Verdict.WRONG_TARGET, f"{url} over http while your site is https", "http"
        if status in GONE:
            return Verdict.WRONG_TARGET, f"{url}, a page of your site that answers {status}", "gone"
        return Verdict.LINKED, url, ""
    if _on_old_site(url, target):
        return Verdict.WRONG_TARGET, f"your former site {url}", "former"
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


def _mastodon_params(link: FoundLink, source: str) -> dict[str, str]:
    if link.verified_at:
        return {"verified_at": link.verified_at[:10]}
    return {"unverified": "yes"} if source == "api:mastodon" else {}


def _judge(link: FoundLink, ev: ProfileEvidence, target: SiteTarget) -> _Judged | None:
    nofollow = link.nofollow
    direct = _site_rule(link.href, None, target)
    url = {"url": link.href}
    if direct is not None:
        verdict, what, kind = direct
        if verdict is not Verdict.LINKED:
            return _Judged(verdict, f"links to {what}", link.evidence, nofollow, _DIRECT[kind], url)
        checked = ev.targets.get(link.href)
        if checked is not None and checked.status_code in GONE:
            reason = f"links to {link.href}, a page of your site that answers {checked.status_code}"
            params = {**url, "status": str(checked.status_code)}
            return _Judged(Verdict.WRONG_TARGET, reason, _chain_text(link, checked), nofollow, "gone_page", params)
        note = _mastodon_note(link, ev.source)
        params = {**url, **_mastodon_params(link, ev.source)}
        if checked is not None and checked.error:
            note += f" (the page could not be checked: {checked.error})"
            params["unchecked"] = checked.error
        if link.via:
            exit_host = url_host(link.via)
            reason = f"links to {link.href} through {exit_host}'s exit page{note}"
            params["host"] = exit_host
            return _Judged(Verdict.LINKED_VIA_REDIRECT, reason, link.evidence, nofollow, "linked_via_exit_page", params)
        return _Judged(Verdict.LINKED, f"links to {link.href}{note}", link.evidence, nofollow, "linked", params)
    resolution = ev.resolutions.get(link.href)
    if resolution is None:
        return None
    if resolution.error:
        reason = f"the link {link.href} could not be followed ({resolution.error})"
        params = {**url, "detail": resolution.error}
        return _Judged(None, reason, link.evidence, nofollow, "link_not_followed", params)
    if not resolution.chain:
        return None  # it answered itself: not a redirect, and not the site
    evidence = _chain_text(link, resolution)
    former = next((hop for hop in resolution.chain if _on_old_site(hop, target)), None)
    if former is not None:
        # The link really points at the former domain (a shortener only wraps it): update the link, even
        # when the former domain forwards to the new site.
        reason = f"links to {link.href}, which redirects to your former site {former}"
        params = {**url, "final": former}
        return _Judged(Verdict.WRONG_TARGET, reason, evidence, nofollow, "redirects_to_former_site", params)
    ended = _site_rule(resolution.final, resolution.status_code, target)
    if ended is None:
        return None
    verdict, what, kind = ended
    params = {**url, "final": resolution.final}
    if verdict is Verdict.LINKED:
        note = _mastodon_note(link, ev.source) + (f" ({resolution.note})" if resolution.note else "")
        reason = f"links to {link.href}, which redirects to {resolution.final}{note}"
        params |= _mastodon_params(link, ev.source)
        if resolution.note:
            params["unchecked"] = resolution.note
        return _Judged(Verdict.LINKED_VIA_REDIRECT, reason, evidence, nofollow, "linked_via_redirect", params)
    if kind == "gone":
        params["status"] = str(resolution.status_code)
    reason = f"links to {link.href}, which redirects to {what}"
    return _Judged(verdict, reason, evidence, nofollow, _REDIRECTED[kind], params)


def _with_notes(reason: str, ev: ProfileEvidence) -> str:
    return reason + "".join(f" [{note}]" for note in ev.notes)


def _problem_code(network: Network, ev: ProfileEvidence) -> tuple[str, dict[str, str]]:
    """The code of an answer that does not show the profile. The problem's English text comes from several
    sources (the page, each API); the common cases get their own sentence, the rest keep it as `detail`."""
    if ev.status_code == 999 or is_login_page(ev.final_url):
        return "login_wall", {"network": network.key}
    if isinstance(ev.problem, Problem) and ev.problem.code:  # the source said which problem it is
        return ev.problem.code, {"network": network.key, **ev.problem.params}
    if ev.status_code in GONE:
        return "profile_gone", {"status": str(ev.status_code), "detail": ev.problem}
    return "profile_not_shown", {"network": network.key, "detail": ev.problem}


def decide_linkback(network: Network, ev: ProfileEvidence, target: SiteTarget) -> LinkBack:
    """The verdict, its reason and its evidence; `source` says which source decided it."""
    final_url = ev.final_url or ev.url

    def verdict(
        kind: Verdict,
        reason: str,
        evidence: str = "",
        nofollow: bool = False,
        code: str = "",
        params: Mapping[str, str] | None = None,
    ) -> LinkBack:
        notes = {"notes": "; ".join(ev.notes)} if ev.notes else {}
        return LinkBack(
            kind,
            _with_notes(reason, ev),
            evidence,
            ev.source,
            nofollow,
            final_url,
            ev.status_code,
            code,
            {**(params or {}), **notes},
        )

    status_line = f"HTTP {ev.status_code}" if ev.status_code is not None else ""
    if ev.error:
        reason = f"could not check the profile: {ev.error}"
        return verdict(Verdict.UNVERIFIABLE, reason, status_line, code="fetch_error", params={"detail": ev.error})
    if ev.problem:
        code, params = _problem_code(network, ev)
        return verdict(Verdict.UNVERIFIABLE, ev.problem, status_line or final_url, code=code, params=params)
    if ev.data is None:
        return verdict(Verdict.UNVERIFIABLE, "the profile could not be read", status_line, code="unreadable")
    judged = [j for j in (_judge(link, ev, target) for link in ev.data.links) if j is not None]
    best = min(judged, key=lambda j: _RANK[j.verdict], default=None)
    if best is not None:
        kind = Verdict.UNVERIFIABLE if best.verdict is None else best.verdict
        return verdict(kind, best.reason, best.evidence, best.nofollow, best.code, best.params)
    if ev.source == "html" and (network.needs_js or network.needs_login):
        why = "inserts its links with JavaScript" if network.needs_js else "hides links from logged-out visitors"
        return verdict(
            Verdict.UNVERIFIABLE,
            f"{network.label} {why}; the page's HTML alone cannot show a link",
            status_line,
            code="needs_js" if network.needs_js else "needs_login",
            params={"network": network.key},
        )
    if ev.source == "browser" and not ev.profile_visible:
        reason = "the page rendered by the browser does not show the profile (a login wall, or it did not load)"
        return verdict(Verdict.UNVERIFIABLE, reason, status_line, code="browser_no_profile")
    elsewhere = [link for link in ev.data.links if link.declared]
    reason = f"no link to {target.label} in {ev.data.where}"
    params = {"host": target.label, "source": ev.source}
    if elsewhere:
        reason += f"; it links to {elsewhere[0].href}"
        params["other"] = elsewhere[0].href
    shown = elsewhere[0].evidence if elsewhere else (ev.data.field or status_line)
    return verdict(Verdict.NOT_LINKED, reason, shown, code="no_link", params=params)
