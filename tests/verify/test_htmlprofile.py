"""Profile pages as data: links (declared or not), JSON-LD, names and headlines, encodings, and whether the
page shows the profile at all."""

from __future__ import annotations

import json

import pytest

from auditor.identify.links import urls_in_text
from auditor.identify.networks import default_registry
from auditor.net.fetched import Fetched
from auditor.net.text import decode_text
from auditor.verify.htmlprofile import parse_profile_page, rendered_profile
from auditor.verify.pages import clean_name
from auditor.verify.profiles import evidence_from_page, page_problem

REGISTRY = default_registry()
GITHUB = REGISTRY.by_key["github"]
DEVTO = REGISTRY.by_key["devto"]

GITHUB_PAGE = """<html><head><title>ngagnon (Noémie Gagnon) · GitHub</title>
<meta property="og:title" content="ngagnon - Overview"></head><body>
<h1><span class="p-name vcard-fullname" itemprop="name">Noémie  Gagnon</span></h1>
<div class="p-note user-profile-bio"><div>Développeuse Python et données</div></div>
<ul class="vcard-details">
  <li itemprop="url"><a rel="nofollow" href="https://noemie.page/">noemie.page</a></li>
  <li itemprop="social"><a rel="nofollow me" href="https://mastodon.social/@ngagnon">@ngagnon</a></li>
</ul>
<footer><a href="https://docs.github.com/">Docs</a></footer></body></html>"""


def test_github_page_links_website_field_and_identity() -> None:
    data = parse_profile_page("github", GITHUB_PAGE, "https://github.com/ngagnon")
    by_href = {link.href: link for link in data.links}
    assert by_href["https://noemie.page/"].declared  # the website field
    assert by_href["https://mastodon.social/@ngagnon"].declared  # rel="me"
    assert not by_href["https://docs.github.com/"].declared  # the network's chrome
    assert by_href["https://noemie.page/"].nofollow
    assert data.display_name == "Noémie Gagnon"
    assert data.headline == "Développeuse Python et données"
    assert (data.source, data.where) == ("html", "the page")


def test_json_ld_same_as_and_exit_pages() -> None:
    person = {"@context": "https://schema.org", "@type": "Person", "sameAs": ["https://noemiegagnon.ca/"]}
    html = (
        f'<html><head><script type="application/ld+json">{json.dumps(person)}</script></head><body>'
        '<a href="https://l.facebook.com/l.php?u=https%3A%2F%2Fnoemiegagnon.ca%2Fa&amp;h=AT">site</a></body></html>'
    )
    data = parse_profile_page("medium", html, "https://medium.com/@ngagnon", source="browser")
    exit_link, same_as = data.links
    assert exit_link.href == "https://noemiegagnon.ca/a" and exit_link.via.startswith("https://l.facebook.com/")
    assert (
        same_as.href == "https://noemiegagnon.ca/" and same_as.evidence == 'JSON-LD sameAs: "https://noemiegagnon.ca/"'
    )
    assert data.where == "the page rendered by the browser"


@pytest.mark.parametrize(
    ("html", "name", "headline"),
    [
        (
            '<div data-testid="UserName">Noémie Gagnon @noemie_gagnon</div>'
            '<div data-testid="UserDescription">Python à Québec</div>',
            "Noémie Gagnon",
            "Python à Québec",
        ),
        (
            '<head><meta property="og:title" content="Noémie Gagnon (@ngagnon@mastodon.social)">'
            '<meta property="og:description" content="Python, ski"></head>',
            "Noémie Gagnon",
            "Python, ski",
        ),
        ('<head><meta name="description" content="Bio"></head><h1>Noémie Gagnon | Malt</h1>', "Noémie Gagnon", "Bio"),
        ("<p>nothing</p>", None, None),
    ],
)
def test_identity_from_network_markup_then_og_then_h1(html: str, name: str | None, headline: str | None) -> None:
    data = parse_profile_page("x", f"<html>{html}</html>", "https://x.com/noemie_gagnon")
    assert (data.display_name, data.headline) == (name, headline)


def test_clean_name() -> None:
    assert clean_name("Noémie Gagnon (@noemie_gagnon) / X") == "Noémie Gagnon"
    assert clean_name("Noémie Gagnon-Roy | LinkedIn") == "Noémie Gagnon-Roy"
    assert clean_name("Noémie Gagnon, CRHA") == "Noémie Gagnon, CRHA"
    assert clean_name("  ") is None and clean_name(None) is None


def test_rendered_profile_by_marker_or_by_name() -> None:
    assert rendered_profile("x", '<div data-testid="UserName">N G</div>', ["Noémie Gagnon"])
    assert rendered_profile("tiktok", "<p>NOEMIE GAGNON</p>", ["Noémie Gagnon"])
    assert not rendered_profile("x", "<form><input name=password></form>Log in to X", ["Noémie Gagnon"])


def test_decode_text_whatever_the_encoding() -> None:
    cp1252 = '<html><head><meta charset="windows-1252"></head><body>Noémie</body></html>'.encode("cp1252")
    assert "Noémie" in decode_text(cp1252, "text/html")  # declared only in the page
    assert "Noémie" in decode_text(cp1252, "text/html; charset=utf-8")  # declared wrongly in the header
    assert "Noémie" in decode_text("Noémie".encode(), "text/html; charset=bogus")
    assert "Noémie" in decode_text(b"\xef\xbb\xbf" + "Noémie".encode(), "")
    assert decode_text(b"No\xe9mie \xff\xfe", "text/html") == "Noémie ÿþ"  # undeclared: windows-1252
    broken = decode_text(b"<a href='https://noemiegagnon.ca/'>\xff\xfe</a>", "text/html; charset=utf-8")
    assert "https://noemiegagnon.ca/" in broken  # invalid UTF-8: still read, never an exception


def test_urls_in_text() -> None:
    text = "Dev at noemiegagnon.ca/blogue. Node.js fan; https://bit.ly/abc) and me@example.ca, site.invalidtld"
    assert urls_in_text(text) == ["https://noemiegagnon.ca/blogue", "https://bit.ly/abc"]


def page(url: str, status: int = 200, text: str = "<html></html>", final: str = "") -> Fetched:
    return Fetched.of_text(text, status=status, url=final or url, requested_url=url)


def test_page_problem_login_walls_statuses_and_other_accounts() -> None:
    url = "https://dev.to/ngagnon"
    assert "999" in page_problem(DEVTO, page(url, 999), url)
    assert "login page" in page_problem(DEVTO, page(url, final="https://dev.to/login?next=x"), url)
    assert "answered 404" in page_problem(DEVTO, page(url, 404), url)
    assert "HTTP 503" in page_problem(DEVTO, page(url, 503), url)
    assert "another account (https://dev.to/autre)" in page_problem(DEVTO, page(url, final="https://dev.to/autre"), url)
    assert page_problem(DEVTO, page(url, final="https://dev.to/NGagnon"), url) == ""  # handles ignore case
    assert "login page" not in page_problem(DEVTO, page(url, final="https://dev.to/loginator"), url)  # a segment
    assert page_problem(DEVTO, page(url), url) == ""


def test_evidence_from_a_stored_api_answer_is_parsed_as_that_api() -> None:
    body = json.dumps({"login": "ngagnon", "blog": "https://noemiegagnon.ca", "html_url": "https://github.com/ngagnon"})
    stored = Fetched.of_text(
        body, url="https://api.github.com/users/ngagnon", requested_url="https://github.com/ngagnon"
    )
    evidence = evidence_from_page(GITHUB, "https://github.com/ngagnon", stored)
    assert evidence.source == "api:github"
    assert evidence.data is not None and evidence.data.links[0].href == "https://noemiegagnon.ca"


def test_evidence_from_a_javascript_shell_has_no_name() -> None:
    shell = "<html><head><title>X</title></head><body><noscript>Enable JavaScript</noscript></body></html>"
    evidence = evidence_from_page(REGISTRY.by_key["x"], "https://x.com/n", page("https://x.com/n", text=shell))
    assert evidence.display_name is None
