"""Ownership of each result: site, configured profile, probable profile, namesake, mention, other."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from auditor.identify.classify import Identity, build_identity, classify
from auditor.identify.networks import default_registry
from auditor.models import ClassifiedResult, Ownership, SearchResult

REGISTRY = default_registry()
PROFILES = {
    "linkedin": "https://www.linkedin.com/in/emilietremblay",
    "github": "https://github.com/etremblay",
    "mastodon": "https://mastodon.social/@etremblay",
    "x": "https://x.com/emilie_tremblay",
}


def identity(profiles: Mapping[str, str] = PROFILES, site_links: tuple[str, ...] = ()) -> Identity:
    return build_identity(
        REGISTRY,
        name="Émilie Tremblay",
        aliases=["Mimi Tremblay"],
        site="https://www.emilietremblay.ca",
        old_sites=["http://etremblay-conseil.com"],
        profiles=profiles,
        site_links=site_links,
    )


def run(url: str, title: str = "", snippet: str = "", who: Identity | None = None) -> ClassifiedResult:
    result = SearchResult(3, url, title, snippet)
    return classify(result, engine="duckduckgo_html", query="Émilie Tremblay", registry=REGISTRY, who=who or identity())


def test_site_pages_are_the_site() -> None:
    for url in (
        "https://emilietremblay.ca/",
        "http://www.emilietremblay.ca/blog/terraform",
        "https://blog.emilietremblay.ca/",
    ):
        out = run(url, "Anything")
        assert out.ownership is Ownership.SITE, url
        assert out.network is None


def test_a_lookalike_domain_is_not_the_site() -> None:
    assert run("https://emilietremblay.ca.evil.example/", "Nothing").ownership is Ownership.OTHER
    assert run("https://notemilietremblay.ca/", "Nothing").ownership is Ownership.OTHER


def test_configured_profile() -> None:
    out = run("https://github.com/etremblay", "etremblay · GitHub")
    assert out.ownership is Ownership.PROFILE
    assert out.profile == "github"
    assert out.network == "github"
    assert out.normalized_url == "https://github.com/etremblay"
    assert out.position == 3
    assert out.engine == "duckduckgo_html"
    assert out.query == "Émilie Tremblay"


def test_configured_profile_under_a_country_subdomain_with_tracking() -> None:
    out = run("https://fr.linkedin.com/in/EmilieTremblay/?originalSubdomain=ca&trk=public_profile", "LinkedIn")
    assert out.ownership is Ownership.PROFILE
    assert out.profile == "linkedin"
    assert out.normalized_url == "https://linkedin.com/in/EmilieTremblay"


def test_profile_configured_with_a_country_subdomain_and_tracking_matches_the_plain_url() -> None:
    who = identity({"linkedin": "https://ca.linkedin.com/in/emilietremblay?trk=x&originalSubdomain=ca"})
    out = run("https://www.linkedin.com/in/emilietremblay", "LinkedIn", who=who)
    assert out.ownership is Ownership.PROFILE
    assert out.profile == "linkedin"


def test_twitter_url_of_the_x_profile() -> None:
    out = run("https://twitter.com/Emilie_Tremblay", "")
    assert out.ownership is Ownership.PROFILE
    assert out.profile == "x"


def test_unconfigured_profile_the_site_links_to_is_probable() -> None:
    who = identity(site_links=(REGISTRY.normalize("https://speakerdeck.com/etremblay"),))
    out = run("https://speakerdeck.com/etremblay", "Talks", who=who)
    assert out.ownership is Ownership.PROBABLE_PROFILE
    assert out.network == "speakerdeck"
    assert out.profile is None


def test_probable_profile_ignores_the_handle_case() -> None:
    who = identity(site_links=(REGISTRY.normalize("https://speakerdeck.com/ETremblay"),))
    assert run("https://speakerdeck.com/etremblay", "Talks", who=who).ownership is Ownership.PROBABLE_PROFILE


def test_a_profile_the_site_does_not_link_to_is_not_probable() -> None:
    who = identity(site_links=(REGISTRY.normalize("https://speakerdeck.com/someoneelse"),))
    assert run("https://speakerdeck.com/etremblay", "Talks", who=who).ownership is Ownership.OTHER


def test_another_profile_with_the_name_is_a_namesake() -> None:
    out = run("https://fr.linkedin.com/in/emilie-tremblay-7b1a2c", "Émilie Tremblay - Infirmière | LinkedIn")
    assert out.ownership is Ownership.NAMESAKE
    assert out.network == "linkedin"
    assert "name" in out.reason


def test_another_profile_without_the_name_is_other() -> None:
    out = run("https://github.com/jgagnon", "jgagnon · GitHub", "Julie Gagnon")
    assert out.ownership is Ownership.OTHER
    assert out.network == "github"


def test_a_page_naming_the_person_is_a_mention() -> None:
    out = run(
        "https://www.journal-exemple.ca/affaires/nuage-pme.html",
        "Le nuage des PME",
        "« On ne migre pas pour migrer », dit Emilie Tremblay, architecte.",
    )
    assert out.ownership is Ownership.MENTION
    assert out.network is None


def test_an_alias_counts_as_the_name() -> None:
    assert run("https://example.org/equipe", "Mimi Tremblay, conférencière").ownership is Ownership.MENTION


def test_the_former_site_is_a_mention() -> None:
    out = run("https://www.etremblay-conseil.com/services", "Services")
    assert out.ownership is Ownership.MENTION
    assert "former" in out.reason


def test_an_unrelated_page_is_other() -> None:
    assert run("https://example.org/recettes", "Tourtière", "Recette de grand-mère").ownership is Ownership.OTHER


def test_a_non_profile_page_of_a_network_naming_the_person_is_a_mention() -> None:
    out = run("https://www.linkedin.com/posts/emilietremblay_terraform", "Émilie Tremblay on LinkedIn: Terraform")
    assert out.ownership is Ownership.MENTION
    assert out.network == "linkedin"


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", "data:text/html,x", "not a url"])
def test_non_http_urls_are_other(url: str) -> None:
    out = run(url, "Émilie Tremblay <script>alert(1)</script>")
    assert out.ownership is Ownership.OTHER
    assert out.network is None
    assert out.normalized_url == ""
    assert out.url == url


def test_build_identity() -> None:
    who = identity()
    assert who.site_host == "emilietremblay.ca"
    assert who.old_site_hosts == frozenset({"etremblay-conseil.com"})
    assert who.names == ("Émilie Tremblay", "Mimi Tremblay")
    assert who.profiles == {
        ("linkedin", "emilietremblay"): "linkedin",
        ("github", "etremblay"): "github",
        ("mastodon", "etremblay"): "mastodon",
        ("x", "emilie_tremblay"): "x",
    }
