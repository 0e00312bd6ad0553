"""Profile link-back verdicts: anything that hides the page is `unverifiable`, never `not_linked`."""

from __future__ import annotations

from auditor.identify.links import SiteTarget
from auditor.identify.networks import default_registry
from auditor.models import Verdict
from auditor.net.fetched import Fetched
from auditor.verify.profiles import profile_linkback

REGISTRY = default_registry()
TARGET = SiteTarget("https://emilietremblay.ca")
LINKEDIN = REGISTRY.by_key["linkedin"]
GITHUB = REGISTRY.by_key["github"]
X = REGISTRY.by_key["x"]

GITHUB_URL = "https://github.com/etremblay"
LINKING_PAGE = """<html><body><div class="vcard">
  <ul><li itemprop="url"><a rel="nofollow me" href="https://emilietremblay.ca">emilietremblay.ca</a></li></ul>
</div></body></html>"""
SILENT_PAGE = "<html><body><h1>Émilie Tremblay</h1><p>Architecte infonuagique</p></body></html>"


def fetched(url: str, status: int = 200, text: str = "", final_url: str = "", error: str = "") -> Fetched:
    return Fetched(url, final_url or url, status if not error else None, {}, text.encode(), error=error)


def test_linked_profile() -> None:
    verdict = profile_linkback(GITHUB, fetched(GITHUB_URL, text=LINKING_PAGE), TARGET)
    assert verdict.verdict is Verdict.LINKED
    assert verdict.nofollow
    assert verdict.status_code == 200
    assert verdict.final_url == GITHUB_URL


def test_ordinary_network_without_link_is_not_linked() -> None:
    verdict = profile_linkback(GITHUB, fetched(GITHUB_URL, text=SILENT_PAGE), TARGET)
    assert verdict.verdict is Verdict.NOT_LINKED


def test_http_999_is_unverifiable() -> None:
    url = "https://www.linkedin.com/in/emilietremblay"
    verdict = profile_linkback(LINKEDIN, fetched(url, status=999, text=""), TARGET)
    assert verdict.verdict is Verdict.UNVERIFIABLE
    assert "999" in verdict.reason
    assert "login" in verdict.reason
    assert verdict.status_code == 999


def test_redirect_to_the_authwall_is_unverifiable() -> None:
    url = "https://www.linkedin.com/in/emilietremblay"
    wall = "https://www.linkedin.com/authwall?trk=qf&original_referer=&sessionRedirect=x"
    verdict = profile_linkback(LINKEDIN, fetched(url, text="<html><body>Sign in</body></html>", final_url=wall), TARGET)
    assert verdict.verdict is Verdict.UNVERIFIABLE
    assert "login" in verdict.reason
    assert verdict.final_url == wall


def test_404_is_unverifiable_and_tells_to_check_the_url() -> None:
    verdict = profile_linkback(GITHUB, fetched(GITHUB_URL, status=404, text="Not Found"), TARGET)
    assert verdict.verdict is Verdict.UNVERIFIABLE
    assert "404" in verdict.reason
    assert "check its URL" in verdict.reason


def test_other_error_statuses_are_unverifiable() -> None:
    verdict = profile_linkback(GITHUB, fetched(GITHUB_URL, status=503, text=LINKING_PAGE), TARGET)
    assert verdict.verdict is Verdict.UNVERIFIABLE
    assert "503" in verdict.reason


def test_fetch_error_is_unverifiable() -> None:
    verdict = profile_linkback(GITHUB, fetched(GITHUB_URL, error="timeout: timed out after 15 s"), TARGET)
    assert verdict.verdict is Verdict.UNVERIFIABLE
    assert "timed out" in verdict.reason
    assert verdict.final_url == GITHUB_URL
    assert verdict.status_code is None


def test_needs_js_network_without_link_is_unverifiable_never_not_linked() -> None:
    url = "https://x.com/emilie_tremblay"
    verdict = profile_linkback(X, fetched(url, text="<html><body><noscript>Enable JS</noscript></body></html>"), TARGET)
    assert verdict.verdict is Verdict.UNVERIFIABLE
    assert "JavaScript" in verdict.reason


def test_needs_login_network_without_link_is_unverifiable() -> None:
    url = "https://www.linkedin.com/in/emilietremblay"
    verdict = profile_linkback(LINKEDIN, fetched(url, text=SILENT_PAGE), TARGET)
    assert verdict.verdict is Verdict.UNVERIFIABLE
    assert "logged-out" in verdict.reason


def test_needs_js_network_with_a_link_in_the_html_is_linked() -> None:
    url = "https://x.com/emilie_tremblay"
    html = '<html><body><a href="https://emilietremblay.ca/">emilietremblay.ca</a></body></html>'
    assert profile_linkback(X, fetched(url, text=html), TARGET).verdict is Verdict.LINKED


def test_page_fetch_ok() -> None:
    assert fetched(GITHUB_URL).ok
    assert not fetched(GITHUB_URL, status=404).ok
    assert not fetched(GITHUB_URL, error="refused").ok
