"""Links of a page, JSON-LD objects, and the link-back verdict they give."""

from __future__ import annotations

import pytest

from auditor.identify.links import PageLink, SiteTarget, in_site, jsonld_objects, page_links, site_root
from auditor.identify.networks import default_registry
from auditor.models import LinkBack, Verdict
from auditor.net.fetched import Fetched
from auditor.verify.profiles import profile_linkback

BASE = "https://github.com/etremblay"
TARGET = SiteTarget("https://emilietremblay.ca", ("https://etremblay-conseil.com",))


def links_of(body: str, base: str = BASE) -> list[PageLink]:
    return page_links(f"<html><head></head><body>{body}</body></html>", base)


def verdict_of(body: str, target: SiteTarget = TARGET) -> LinkBack:
    """The verdict an ordinary profile page with `body` gets (GitHub's page, read as HTML)."""
    page = Fetched.of_text(f"<html><head></head><body>{body}</body></html>", url=BASE)
    return profile_linkback(default_registry().by_key["github"], page, target)


def test_relative_links_are_made_absolute() -> None:
    links = links_of('<a href="/etremblay?tab=repositories">Repos</a><a href="followers">F</a>')
    assert [link.href for link in links] == [
        "https://github.com/etremblay?tab=repositories",
        "https://github.com/followers",
    ]


def test_protocol_relative_and_link_elements() -> None:
    html = '<html><head><link rel="me" href="//mastodon.social/@etremblay"></head><body></body></html>'
    links = page_links(html, BASE)
    assert [(link.href, link.rel) for link in links] == [("https://mastodon.social/@etremblay", frozenset({"me"}))]


def test_rel_is_parsed_into_lower_case_words() -> None:
    (link,) = links_of('<a rel="Nofollow ME noopener" href="https://emilietremblay.ca">site</a>')
    assert link.rel == frozenset({"nofollow", "me", "noopener"})
    assert link.html.startswith("<a ")
    assert "emilietremblay.ca" in link.html


def test_non_http_links_are_dropped() -> None:
    links = links_of(
        '<a href="javascript:alert(1)">x</a><a href="mailto:e@x.ca">m</a><a href="tel:+15145550000">t</a>'
        '<a href="data:text/html,hi">d</a><a href="https://emilietremblay.ca/">ok</a>'
    )
    assert [link.href for link in links] == ["https://emilietremblay.ca/"]


def test_wrapped_links_are_unwrapped() -> None:
    links = links_of(
        '<a href="//duckduckgo.com/l/?uddg=https%3A%2F%2Femilietremblay.ca%2Fa&amp;rut=ff">w</a>'
        '<a href="https://l.facebook.com/l.php?u=https%3A%2F%2Femilietremblay.ca%2Fb&amp;h=AT">f</a>'
    )
    assert [link.href for link in links] == ["https://emilietremblay.ca/a", "https://emilietremblay.ca/b"]


def test_evidence_is_truncated() -> None:
    (link,) = links_of(f'<a href="https://emilietremblay.ca/">{"x" * 1000}</a>')
    assert len(link.html) == 300


def test_jsonld_objects_include_graph_members_and_skip_broken_blocks() -> None:
    html = """<html><head>
      <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "url": "https://emilietremblay.ca"},
        {"@type": "Person", "name": "Émilie Tremblay"}]}</script>
      <script type="application/ld+json">{ broken</script>
      <script type="application/ld+json">[{"@type": "Organization"}]</script>
    </head></html>"""
    kinds = sorted(str(item.get("@type")) for item in jsonld_objects(html))
    assert kinds == ["None", "Organization", "Person", "WebSite"]


def test_linked() -> None:
    verdict = verdict_of('<a href="https://emilietremblay.ca/">Mon site</a>')
    assert verdict.verdict is Verdict.LINKED
    assert not verdict.nofollow
    assert "https://emilietremblay.ca/" in verdict.reason
    assert "Mon site" in verdict.evidence
    assert verdict.source == "html"
    assert verdict.final_url == BASE
    assert verdict.status_code == 200


def test_linked_with_www_or_a_subdomain_or_a_deep_page() -> None:
    for href in ("https://www.emilietremblay.ca/", "https://blog.emilietremblay.ca/", "https://emilietremblay.ca/a/b"):
        assert verdict_of(f'<a href="{href}">s</a>').verdict is Verdict.LINKED, href


def test_nofollow_is_noted_beside_the_verdict() -> None:
    verdict = verdict_of('<a rel="nofollow me" href="https://emilietremblay.ca/">site</a>')
    assert verdict.verdict is Verdict.LINKED
    assert verdict.nofollow


def test_http_link_to_an_https_site_is_the_wrong_target() -> None:
    verdict = verdict_of('<a href="http://emilietremblay.ca/">site</a>')
    assert verdict.verdict is Verdict.WRONG_TARGET
    assert "http" in verdict.reason


def test_link_to_the_former_site_is_the_wrong_target() -> None:
    verdict = verdict_of('<a href="https://www.etremblay-conseil.com/">ancien site</a>')
    assert verdict.verdict is Verdict.WRONG_TARGET
    assert "former" in verdict.reason
    assert "ancien site" in verdict.evidence


def test_link_to_a_subdomain_of_the_former_site_is_the_wrong_target() -> None:
    assert verdict_of('<a href="https://blog.etremblay-conseil.com/">blog</a>').verdict is Verdict.WRONG_TARGET


def test_a_good_link_wins_over_a_wrong_one() -> None:
    verdict = verdict_of('<a href="http://emilietremblay.ca/">old</a><a href="https://emilietremblay.ca/">new</a>')
    assert verdict.verdict is Verdict.LINKED
    assert "new" in verdict.evidence


def test_not_linked() -> None:
    verdict = verdict_of('<a href="https://example.org/">x</a><a href="https://emilietremblay.ca.evil.example/">y</a>')
    assert verdict.verdict is Verdict.NOT_LINKED
    assert "emilietremblay.ca" in verdict.reason
    assert verdict.evidence == "HTTP 200"


def test_http_site_accepts_http_links() -> None:
    target = SiteTarget("http://emilietremblay.ca")
    assert verdict_of('<a href="http://emilietremblay.ca/">s</a>', target).verdict is Verdict.LINKED


@pytest.mark.parametrize(
    ("site", "root"),
    [
        ("https://emilietremblay.ca", ("emilietremblay.ca", "")),
        ("https://www.emilietremblay.ca/", ("emilietremblay.ca", "")),
        ("https://emilietremblay.ca/index.html", ("emilietremblay.ca", "")),
        ("https://www.uni-exemple.ca/~etremblay/", ("uni-exemple.ca", "/~etremblay")),
        ("https://www.uni-exemple.ca/~etremblay/index.html", ("uni-exemple.ca", "/~etremblay")),
        ("https://sites.google.com/view/etremblay", ("sites.google.com", "/view/etremblay")),
        ("https://linktr.ee/etremblay", ("linktr.ee", "/etremblay")),
        ("https://www.uni-exemple.ca/%7Eetremblay", ("uni-exemple.ca", "/~etremblay")),
    ],
)
def test_site_root(site: str, root: tuple[str, str]) -> None:
    assert site_root(site) == root


@pytest.mark.parametrize(
    ("url", "inside"),
    [
        ("https://linktr.ee/etremblay", True),
        ("https://linktr.ee/etremblay/", True),
        ("https://linktr.ee/etremblayrh", False),
        ("https://linktr.ee/", False),
        ("https://linktr.ee/EtremblaY", False),  # paths are case-sensitive
        ("https://x.linktr.ee/etremblay", False),
    ],
)
def test_in_site_at_a_path(url: str, inside: bool) -> None:
    assert in_site(url, "https://linktr.ee/etremblay") is inside


def test_in_site_of_a_whole_host_takes_subdomains() -> None:
    assert in_site("https://blog.emilietremblay.ca/x", "https://emilietremblay.ca")
    assert not in_site("https://emilietremblay.ca.evil.example/", "https://emilietremblay.ca")
