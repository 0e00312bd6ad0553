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
    ("https://fr.wikipedia.org/wiki/Émilie_Tremblay", "wikipedia", "émilie_tremblay"),
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
    ("https://www.linkedin.com/pub/dir/Emilie/Tremblay", "linkedin"),  # the people directory: a search
    ("https://youtu.be/dQw4w9WgXcQ", "youtube"),  # a video, never a legacy channel name
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube"),
    ("https://www.youtube.com/c", "youtube"),
    ("https://www.youtube.com/feed/subscriptions", "youtube"),
    ("https://www.youtube.com/channel/UCaBcD123/unknown-tab", "youtube"),
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


# -- every network of the registry: a typical profile, and pages of it that are no person (issue 4) ---------

# key -> (a typical profile URL, its handle, pages of the network that are not a person's profile)
EVERY_NETWORK: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "linkedin": (
        "https://ca.linkedin.com/in/emilietremblay?originalSubdomain=ca",
        "emilietremblay",
        (
            "https://www.linkedin.com/company/nuage-boreal",
            "https://www.linkedin.com/jobs/view/123",
            "https://www.linkedin.com/pulse/terraform-x",
        ),
    ),
    "x": (
        "https://twitter.com/Emilie_Tremblay",
        "emilie_tremblay",
        ("https://x.com/home", "https://x.com/search?q=x", "https://x.com/i/lists/1", "https://x.com/explore"),
    ),
    "facebook": (
        "https://m.facebook.com/emilie.tremblay.photo",
        "emilie.tremblay.photo",
        (
            "https://www.facebook.com/groups/devsmtl",
            "https://www.facebook.com/search/top?q=x",
            "https://www.facebook.com/search",
        ),
    ),
    "instagram": (
        "https://www.instagram.com/emilie.tremblay.photo/",
        "emilie.tremblay.photo",
        (
            "https://www.instagram.com/p/Cx1/",
            "https://www.instagram.com/explore/tags/x",
            "https://www.instagram.com/about",
        ),
    ),
    "threads": (
        "https://www.threads.net/@etremblay",
        "etremblay",
        ("https://www.threads.net/search", "https://www.threads.net/@etremblay/post/C1"),
    ),
    "bluesky": (
        "https://bsky.app/profile/etremblay.bsky.social",
        "etremblay.bsky.social",
        ("https://bsky.app/search?q=x", "https://bsky.app/profile/x.bsky.social/post/3k"),
    ),
    "mastodon": (
        "https://piaille.fr/@etremblay",
        "etremblay",
        ("https://mastodon.social/explore", "https://mastodon.social/@etremblay/111"),
    ),
    "github": (
        "https://github.com/ETremblay",
        "etremblay",
        ("https://github.com/orgs/nuage", "https://github.com/etremblay/repo", "https://github.com/topics/aws"),
    ),
    "gitlab": (
        "https://gitlab.com/etremblay",
        "etremblay",
        ("https://gitlab.com/explore", "https://gitlab.com/users/sign_in", "https://gitlab.com/etremblay/projet"),
    ),
    "stackoverflow": (
        "https://stackoverflow.com/users/123456/emilie-tremblay",
        "123456",
        ("https://stackoverflow.com/questions/1/x", "https://stackoverflow.com/users/login"),
    ),
    "youtube": (
        "https://www.youtube.com/@EmilieTremblayTech",
        "emilietremblaytech",
        (
            "https://www.youtube.com/watch?v=abc",
            "https://youtu.be/abc",
            "https://www.youtube.com/results?search_query=x",
        ),
    ),
    "tiktok": (
        "https://www.tiktok.com/@etremblay",
        "etremblay",
        ("https://www.tiktok.com/discover/x", "https://www.tiktok.com/@etremblay/video/1"),
    ),
    "medium": (
        "https://medium.com/@etremblay",
        "etremblay",
        ("https://medium.com/tag/aws", "https://medium.com/@etremblay/un-billet-1a2b", "https://help.medium.com/"),
    ),
    "substack": (
        "https://emilietremblay.substack.com/",
        "emilietremblay",
        ("https://emilietremblay.substack.com/p/finops", "https://substack.com/home", "https://on.substack.com/"),
    ),
    "devto": (
        "https://dev.to/etremblay",
        "etremblay",
        ("https://dev.to/t/aws", "https://dev.to/etremblay/un-billet-1a2b", "https://dev.to/settings"),
    ),
    "hashnode": (
        "https://etremblay.hashnode.dev/",
        "etremblay",
        ("https://etremblay.hashnode.dev/finops-pour-pme", "https://hashnode.com/search?q=x"),
    ),
    "behance": (
        "https://www.behance.net/etremblay",
        "etremblay",
        ("https://www.behance.net/gallery/1/x", "https://www.behance.net/search/projects"),
    ),
    "dribbble": (
        "https://dribbble.com/etremblay",
        "etremblay",
        ("https://dribbble.com/shots/1-x", "https://dribbble.com/designers"),
    ),
    "malt": (
        "https://www.malt.fr/profile/emilietremblay",
        "emilietremblay",
        ("https://www.malt.fr/s?q=cloud", "https://www.malt.fr/c/x"),
    ),
    "upwork": (
        "https://www.upwork.com/freelancers/~01abcdef",
        "~01abcdef",
        ("https://www.upwork.com/hire/aws-developers/", "https://www.upwork.com/freelance-jobs/aws/"),
    ),
    "fiverr": (
        "https://www.fiverr.com/etremblay",
        "etremblay",
        ("https://www.fiverr.com/categories/x", "https://www.fiverr.com/start_selling"),
    ),
    "crunchbase": (
        "https://www.crunchbase.com/person/emilie-tremblay",
        "emilie-tremblay",
        ("https://www.crunchbase.com/organization/nuage",),
    ),
    "aboutme": ("https://about.me/etremblay", "etremblay", ("https://about.me/login", "https://about.me/pricing")),
    "linktree": ("https://linktr.ee/etremblay", "etremblay", ("https://linktr.ee/login", "https://linktr.ee/s/about")),
    "gravatar": (
        "https://en.gravatar.com/etremblay",
        "etremblay",
        ("https://gravatar.com/avatar/abc123", "https://gravatar.com/connect"),
    ),
    "speakerdeck": (
        "https://speakerdeck.com/etremblay",
        "etremblay",
        ("https://speakerdeck.com/etremblay/finops", "https://speakerdeck.com/c/technology"),
    ),
    "google_scholar": (
        "https://scholar.google.ca/citations?user=AbCdEf&hl=fr",
        "AbCdEf",
        ("https://scholar.google.com/citations?view_op=view_citation&user=AbCdEf&citation_for_view=AbCdEf:u5HHmVD",),
    ),
    "orcid": ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097", ("https://orcid.org/signin",)),
    "wikipedia": (
        "https://fr.wikipedia.org/wiki/Émilie_Tremblay",
        "émilie_tremblay",
        ("https://fr.wikipedia.org/wiki/Spécial:Recherche", "https://fr.wikipedia.org/w/index.php?title=x"),
    ),
}


def test_the_table_covers_every_network_of_the_registry() -> None:
    assert set(EVERY_NETWORK) == set(REGISTRY.by_key)
    assert len(REGISTRY.networks) >= 25


@pytest.mark.parametrize("key", sorted(EVERY_NETWORK))
def test_every_network_matches_its_typical_profile(key: str) -> None:
    url, handle, _ = EVERY_NETWORK[key]
    found = REGISTRY.match(url)
    assert found is not None and found.network.key == key
    assert found.handle == handle


@pytest.mark.parametrize(("key", "url"), [(k, u) for k, (_, _, pages) in sorted(EVERY_NETWORK.items()) for u in pages])
def test_every_network_rejects_its_pages_that_are_no_person(key: str, url: str) -> None:
    found = REGISTRY.match(url)
    assert found is not None and found.network.key == key, url
    assert found.handle is None, url


def test_every_network_says_whether_it_needs_a_login_or_javascript() -> None:
    walled = {n.key for n in REGISTRY.networks if n.needs_login}
    scripted = {n.key for n in REGISTRY.networks if n.needs_js}
    assert {"linkedin", "facebook", "instagram"} <= walled
    assert {"x", "threads", "bluesky", "tiktok", "youtube"} <= scripted
    assert not ({"github", "gitlab", "malt", "orcid", "wikipedia"} & (walled | scripted))


def test_the_same_mastodon_handle_on_two_instances_is_two_accounts() -> None:
    ours, theirs = (
        REGISTRY.match("https://mastodon.social/@etremblay"),
        REGISTRY.match("https://fosstodon.org/@etremblay"),
    )
    assert ours is not None and theirs is not None
    assert ours.handle == theirs.handle == "etremblay"  # what the instance's API is asked for
    assert ours.account == "etremblay@mastodon.social"
    assert REGISTRY.same_page_key("https://mastodon.social/@ETremblay") != REGISTRY.same_page_key(
        "https://fosstodon.org/@etremblay"
    )
    github = REGISTRY.match("https://github.com/etremblay")
    assert github is not None and github.account == "etremblay"  # one host: the handle is the account


@pytest.mark.parametrize(
    "url",
    [
        "https://medium.com/@e%E2%80%AEtremblay",  # a right-to-left override
        "https://bsky.app/profile/e%E2%80%8Btremblay",  # a zero-width space
        "https://www.youtube.com/@emilie%20tremblay",  # a space
        "https://www.crunchbase.com/person/%00",  # a control character
    ],
)
def test_a_handle_with_odd_unicode_is_no_account(url: str) -> None:
    found = REGISTRY.match(url)
    assert found is not None
    assert found.handle is None  # a page of the network: classified, never a crash


def test_handles_are_decoded_and_compared_without_case() -> None:
    found = REGISTRY.match("https://medium.com/@%C3%A9milie")
    assert found is not None and found.handle == "émilie"
    assert REGISTRY.same_page_key("https://medium.com/@ÉMILIE") == REGISTRY.same_page_key(
        "https://medium.com/@%C3%A9milie"
    )


def test_subdomain_accounts_only_on_their_home_page() -> None:
    assert REGISTRY.match("https://etremblay.medium.com/").handle == "etremblay"  # type: ignore[union-attr]
    assert REGISTRY.match("https://etremblay.medium.com/finops-1a2b").handle is None  # type: ignore[union-attr]
    assert REGISTRY.match("https://a.b.substack.com/").handle is None  # type: ignore[union-attr]
