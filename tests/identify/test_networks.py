"""The network registry: which URLs are a person's profile, on which network, with which handle."""

from __future__ import annotations

import pytest

from auditor.identify.networks import default_registry, load_registry

REGISTRY = default_registry()

PROFILES = [
    ("https://www.linkedin.com/in/emilietremblay", "linkedin", "emilietremblay"),
    ("https://fr.linkedin.com/in/EmilieTremblay/?originalSubdomain=ca", "linkedin", "emilietremblay"),
    ("https://ca.linkedin.com/in/emilietremblay", "linkedin", "emilietremblay"),
    ("https://x.com/emilie_tremblay", "x", "emilie_tremblay"),
    ("https://twitter.com/Emilie_Tremblay", "x", "emilie_tremblay"),
    ("https://mobile.twitter.com/emilie_tremblay?s=20", "x", "emilie_tremblay"),
    ("https://x.com/homer_s", "x", "homer_s"),  # begins like the reserved /home, is a person
    ("https://github.com/etremblay", "github", "etremblay"),
    ("https://github.com/explorer42", "github", "explorer42"),  # begins like /explore
    ("https://www.facebook.com/emilie.tremblay.photo", "facebook", "emilie.tremblay.photo"),
    ("https://www.facebook.com/photography.jane", "facebook", "photography.jane"),  # begins like /photo
    ("https://www.facebook.com/profile.php?id=100012345", "facebook", "100012345"),
    ("https://www.facebook.com/people/Emilie-Tremblay/100012345", "facebook", "100012345"),
    ("https://mastodon.social/@etremblay", "mastodon", "etremblay"),
    ("https://mstdn.ca/@etremblay", "mastodon", "etremblay"),
    ("https://piaille.fr/@etremblay", "mastodon", "etremblay"),  # any host
    ("https://scholar.google.com/citations?user=AbCdEf&hl=fr", "google_scholar", "AbCdEf"),
    ("https://fr.wikipedia.org/wiki/Émilie_Tremblay", "wikipedia", "%c3%89milie_tremblay"),
    ("https://www.malt.fr/profile/emilietremblay", "malt", "emilietremblay"),
    ("https://stackoverflow.com/users/123456/emilie-tremblay", "stackoverflow", "123456"),
    ("https://www.youtube.com/@EmilieTremblayTech", "youtube", "emilietremblaytech"),
]


@pytest.mark.parametrize(("url", "network", "handle"), PROFILES)
def test_profiles(url: str, network: str, handle: str) -> None:
    found = REGISTRY.match(url)
    assert found is not None
    assert found.network.key == network
    assert found.handle == handle
    assert found.is_profile


NOT_PROFILES = [
    ("https://x.com/home", "x"),
    ("https://x.com/search?q=%C3%89milie", "x"),
    ("https://x.com/i/flow/login", "x"),
    ("https://x.com/emilie_tremblay/status/1790000000000000000", "x"),
    ("https://twitter.com/intent/tweet?text=hello", "x"),
    ("https://www.linkedin.com/company/nuage-boreal", "linkedin"),
    ("https://www.linkedin.com/posts/emilietremblay_terraform-activity-7", "linkedin"),
    ("https://www.linkedin.com/in/emilietremblay/details/experience", "linkedin"),
    ("https://www.linkedin.com/authwall?trk=gf&sessionRedirect=x", "linkedin"),
    ("https://github.com/etremblay/terraform-modules", "github"),
    ("https://github.com/explore", "github"),
    ("https://github.com/orgs/nuage-boreal", "github"),
    ("https://www.facebook.com/groups/devsmtl", "facebook"),
    ("https://www.facebook.com/sharer.php?u=https%3A%2F%2Femilietremblay.ca", "facebook"),
    ("https://www.facebook.com/photo.php?fbid=1", "facebook"),
    ("https://www.facebook.com/profile.php", "facebook"),
    ("https://mastodon.social/explore", "mastodon"),
]


@pytest.mark.parametrize(("url", "network"), NOT_PROFILES)
def test_pages_of_a_network_that_are_not_profiles(url: str, network: str) -> None:
    found = REGISTRY.match(url)
    assert found is not None
    assert found.network.key == network
    assert found.handle is None
    assert not found.is_profile


@pytest.mark.parametrize(
    "url",
    [
        "https://emilietremblay.ca/",
        "https://gist.github.com/etremblay",  # another site on a network's subdomain
        "https://example.com/blog/post",
        "https://piaille.fr/about",  # a Mastodon instance's other pages are no network without /@user
    ],
)
def test_ordinary_pages_have_no_network(url: str) -> None:
    assert REGISTRY.match(url) is None


def test_mastodon_path_on_any_host_but_known_networks_win() -> None:
    found = REGISTRY.match("https://medium.com/@etremblay")
    assert found is not None
    assert found.network.key == "medium"
    on_blog = REGISTRY.match("https://blog.example.org/@someone")
    assert on_blog is not None
    assert on_blog.network.key == "mastodon"


def test_match_refuses_non_http() -> None:
    with pytest.raises(ValueError):
        REGISTRY.match("javascript:alert(1)")


def test_registry_flags() -> None:
    assert REGISTRY.by_key["linkedin"].needs_login
    assert REGISTRY.by_key["x"].needs_js
    assert not REGISTRY.by_key["github"].needs_js
    assert not REGISTRY.by_key["github"].needs_login
    assert REGISTRY.by_key["mastodon"].any_host


def test_not_profiles_cover_whole_segments_only() -> None:
    registry = load_registry(
        """
[demo]
label = "Demo"
hosts = ["demo.example"]
profile = '^/(?P<handle>[a-z]+)$'
not_profiles = ["/home", "/i/"]
"""
    )
    assert registry.match("https://demo.example/home") is not None
    assert registry.match("https://demo.example/home").handle is None  # type: ignore[union-attr]
    assert registry.match("https://demo.example/i").handle is None  # type: ignore[union-attr]
    assert registry.match("https://demo.example/homer").handle == "homer"  # type: ignore[union-attr]
    assert registry.match("https://demo.example/ian").handle == "ian"  # type: ignore[union-attr]
