"""The site's own signals: each check passes on a good page and fails when its one thing is missing."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

from auditor.identify.networks import default_registry
from auditor.models import SiteCheck
from auditor.net.fetched import Fetched
from auditor.verify.site import CHECK_IDS, site_checks, site_links

REGISTRY = default_registry()
NAMES = ("Émilie Tremblay", "Emilie Tremblay")
SITE = "https://emilietremblay.ca/"
PROFILES = {
    "linkedin": "https://www.linkedin.com/in/emilietremblay",
    "github": "https://github.com/etremblay",
    "mastodon": "https://mastodon.social/@etremblay",
}
PERSON = {
    "@context": "https://schema.org",
    "@type": "Person",
    "name": "Émilie Tremblay",
    "url": SITE,
    "sameAs": [
        "https://fr.linkedin.com/in/emilietremblay/",
        "https://github.com/etremblay",
        "https://mastodon.social/@etremblay",
    ],
}


def good_page(
    *,
    title: str = "Émilie Tremblay — Architecte infonuagique",
    description: str = "Émilie Tremblay aide les PME à migrer vers le nuage.",
    robots: str = "index, follow",
    canonical: str = '<link rel="canonical" href="https://emilietremblay.ca/">',
    rel_me: tuple[str, ...] = (
        '<a rel="me" href="https://www.linkedin.com/in/emilietremblay/">LinkedIn</a>',
        '<a rel="me noopener" href="https://github.com/etremblay">GitHub</a>',
    ),
    head_rel_me: str = '<link rel="me" href="https://mastodon.social/@etremblay">',
    jsonld: object = PERSON,
) -> str:
    return f"""<!DOCTYPE html><html lang="fr"><head>
<meta charset="utf-8"><title>{title}</title>
<meta name="description" content="{description}">
<meta name="robots" content="{robots}">
{canonical}
{head_rel_me}
<script type="application/ld+json">{json.dumps(jsonld)}</script>
</head><body><h1>Émilie Tremblay</h1><nav>{"".join(rel_me)}</nav></body></html>"""


def checks(
    html: str,
    *,
    final_url: str = SITE,
    headers: Mapping[str, str] | None = None,
    profiles: Mapping[str, str] = PROFILES,
) -> dict[str, SiteCheck]:
    page = Fetched.of_text(html, url=final_url, headers=headers or {}, requested_url=SITE)
    result = site_checks(page, NAMES, profiles, REGISTRY)
    assert tuple(c.id for c in result) == CHECK_IDS
    return {c.id: c for c in result}


def failing(
    html: str,
    *,
    final_url: str = SITE,
    headers: Mapping[str, str] | None = None,
    profiles: Mapping[str, str] = PROFILES,
) -> set[str]:
    result = checks(html, final_url=final_url, headers=headers, profiles=profiles)
    return {c.id for c in result.values() if not c.passed}


def test_a_good_page_passes_every_check() -> None:
    assert failing(good_page()) == set()


def test_http_fails_https() -> None:
    assert failing(good_page(), final_url="http://emilietremblay.ca/") == {"https"}


def test_title_without_the_name() -> None:
    assert failing(good_page(title="Accueil")) == {"title_has_name"}


def test_title_with_the_name_unaccented_passes() -> None:
    assert failing(good_page(title="EMILIE TREMBLAY | Conseil")) == set()


def test_description_without_the_name() -> None:
    assert failing(good_page(description="Conseil en infonuagique.")) == {"description_has_name"}


def test_missing_description() -> None:
    html = good_page().replace('<meta name="description"', '<meta name="keywords"')
    assert failing(html) == {"description_has_name"}


def test_noindex_in_meta_robots() -> None:
    result = checks(good_page(robots="noindex, follow"))
    assert not result["not_noindex"].passed
    assert "noindex" in result["not_noindex"].detail


@pytest.mark.parametrize("name", ["x-robots-tag", "X-Robots-Tag"])
def test_noindex_in_x_robots_tag_header(name: str) -> None:
    assert failing(good_page(), headers={name: "noindex, nofollow"}) == {"not_noindex"}
    assert failing(good_page(), headers={name: "noarchive"}) == set()


def test_missing_canonical() -> None:
    assert failing(good_page(canonical="")) == {"canonical"}


def test_canonical_detail_is_its_href() -> None:
    assert checks(good_page())["canonical"].detail == "https://emilietremblay.ca/"


def test_rel_me_missing_for_one_profile() -> None:
    result = checks(good_page(head_rel_me=""))
    assert not result["rel_me"].passed
    assert result["rel_me"].detail == "missing for: mastodon"


def test_a_plain_link_is_not_rel_me() -> None:
    plain = ('<a href="https://www.linkedin.com/in/emilietremblay/">LinkedIn</a>',)
    result = checks(good_page(rel_me=plain, head_rel_me=""))
    assert result["rel_me"].detail == "missing for: github, linkedin, mastodon"


def test_rel_me_ignores_the_case_of_a_handle() -> None:
    links = (
        '<a rel="me" href="https://ca.linkedin.com/in/EmilieTremblay">LinkedIn</a>',
        '<a rel="me" href="https://github.com/ETremblay">GitHub</a>',
    )
    assert failing(good_page(rel_me=links)) == set()


def test_sameas_missing_a_profile() -> None:
    person = {**PERSON, "sameAs": ["https://www.linkedin.com/in/emilietremblay", "https://github.com/etremblay"]}
    result = checks(good_page(jsonld=person))
    assert not result["jsonld_sameas"].passed
    assert result["jsonld_sameas"].detail == "missing for: mastodon"


def test_sameas_only_counts_on_a_person() -> None:
    organization = {**PERSON, "@type": "Organization"}
    assert failing(good_page(jsonld=organization)) == {"jsonld_sameas"}


def test_sameas_in_a_graph_and_with_a_type_list() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "url": SITE},
            {**{k: v for k, v in PERSON.items() if k != "@context"}, "@type": ["Person", "Thing"]},
        ],
    }
    assert failing(good_page(jsonld=graph)) == set()


def test_sameas_as_a_single_string() -> None:
    person = {**PERSON, "sameAs": "https://github.com/etremblay"}
    assert failing(good_page(jsonld=person), profiles={"github": PROFILES["github"]}) == set()


def test_broken_jsonld_fails_only_sameas() -> None:
    html = good_page().replace('"@type": "Person"', '"@type": "Person",,')
    assert failing(html) == {"jsonld_sameas"}


def test_every_check_can_fail_at_once() -> None:
    bare = "<html><head><title>Accueil</title><meta name='robots' content='NOINDEX'></head><body></body></html>"
    assert failing(bare, final_url="http://emilietremblay.ca/") == set(CHECK_IDS)


@pytest.mark.parametrize("status", [404, 500])
def test_site_links_of_an_unusable_page_are_empty(status: int) -> None:
    page = Fetched.of_text(good_page(), status=status, url=SITE)
    assert site_links(page, REGISTRY) == frozenset()


def test_site_links_collects_anchors_and_sameas_normalised() -> None:
    html = good_page(rel_me=('<a href="https://speakerdeck.com/etremblay?utm_source=site">Talks</a>',), head_rel_me="")
    links = site_links(Fetched.of_text(html, url=SITE), REGISTRY)
    assert "https://speakerdeck.com/etremblay" in links
    assert "https://linkedin.com/in/emilietremblay" in links  # from sameAs, country subdomain folded
    assert "https://emilietremblay.ca/" in links  # the canonical link
