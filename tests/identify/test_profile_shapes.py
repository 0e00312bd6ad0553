"""Every shape of one account gives the same network and handle: older and alternative addresses, pages of a
profile (tabs, sections), mobile hosts. A page of a profile belongs to it; its URL still says which page."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.identify.classify import build_identity, classify
from auditor.identify.networks import default_registry
from auditor.models import Ownership, SearchResult

REGISTRY = default_registry()

SHAPES: dict[str, tuple[str, str, list[str]]] = {
    # network: (handle, profile's own address, other shapes of the same account)
    "linkedin": (
        "emilie-tremblay-b50576a7",
        "https://www.linkedin.com/in/emilie-tremblay-b50576a7",
        [
            "https://www.linkedin.com/pub/emilie-tremblay/a7/576/b50",
            "https://ca.linkedin.com/pub/emilie-tremblay/a7/576/b50?trk=people-guest_profile-result-card",
            "https://fr.linkedin.com/in/Emilie-Tremblay-B50576A7/",
            "https://www.linkedin.com/in/emilie-tremblay-b50576a7/recent-activity/all/",
            "https://www.linkedin.com/in/emilie-tremblay-b50576a7/details/experience/",
            "https://ca.linkedin.com/in/emilie-tremblay-b50576a7/details/skills",
        ],
    ),
    "x": (
        "emilie_t",
        "https://x.com/emilie_t",
        ["https://twitter.com/Emilie_T", "https://mobile.twitter.com/@emilie_t", "https://x.com/@Emilie_T?s=20"],
    ),
    "youtube": (
        "emilietremblaytech",
        "https://www.youtube.com/@EmilieTremblayTech",
        [
            "https://www.youtube.com/@EmilieTremblayTech/featured",
            "https://m.youtube.com/@emilietremblaytech/videos",
            "https://www.youtube.com/c/EmilieTremblayTech/about",
            "https://www.youtube.com/user/EmilieTremblayTech",
            "https://www.youtube.com/EmilieTremblayTech",
            "https://www.youtube.com/EmilieTremblayTech/playlists",
        ],
    ),
    "mastodon": (
        "etremblay",
        "https://mastodon.social/@etremblay",
        ["https://mastodon.social/users/etremblay", "https://mastodon.social/users/ETremblay/"],
    ),
    "instagram": (
        "emilie.tremblay",
        "https://www.instagram.com/emilie.tremblay/",
        ["https://www.instagram.com/_u/emilie.tremblay", "https://instagram.com/Emilie.Tremblay"],
    ),
}


@pytest.mark.parametrize(
    ("network", "url"),
    [(network, url) for network, (_, own, others) in SHAPES.items() for url in (own, *others)],
)
def test_every_shape_of_one_account_has_its_network_and_handle(network: str, url: str) -> None:
    handle, own, _ = SHAPES[network]
    found = REGISTRY.match(url)
    assert found is not None and (found.network.key, found.handle) == (network, handle)
    assert REGISTRY.same_page_key(url) == REGISTRY.same_page_key(own)


def test_youtube_channel_ids_keep_their_case() -> None:
    upper = REGISTRY.match("https://www.youtube.com/channel/UCaBcDeF012/videos")
    lower = REGISTRY.match("https://www.youtube.com/channel/ucabcdef012")
    assert upper is not None and upper.handle == "UCaBcDeF012" and upper.subpage == "/videos"
    assert lower is not None and lower.handle == "ucabcdef012"
    assert REGISTRY.same_page_key("https://youtube.com/channel/UCaBcDeF012") != REGISTRY.same_page_key(
        "https://youtube.com/channel/UCABCDEF012"
    )


def test_a_page_of_a_configured_profile_counts_as_that_profile_and_says_which_page() -> None:
    who = build_identity(
        REGISTRY,
        name="Émilie Tremblay",
        aliases=[],
        site="https://emilietremblay.ca",
        old_sites=[],
        profiles={"linkedin": "https://www.linkedin.com/pub/emilie-tremblay/a7/576/b50"},
    )
    url = "https://ca.linkedin.com/in/emilie-tremblay-b50576a7/details/experience/"
    result = SearchResult(2, url, "Expérience | Émilie Tremblay", "")
    out = classify(result, engine="duckduckgo_html", query="Émilie Tremblay", registry=REGISTRY, who=who)
    assert out.ownership is Ownership.PROFILE and out.profile == "linkedin"
    assert out.url == url and out.reason == "your LinkedIn profile (this page of it: /details/experience)"


_HANDLE = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-~%éÉ", min_size=1, max_size=12
)
_HEX = st.text(alphabet="0123456789abcdefABCDEF", min_size=1, max_size=3)


@st.composite
def profile_shapes(draw: st.DrawFn) -> str:
    handle = draw(_HANDLE)
    shape = draw(
        st.sampled_from(
            [
                "https://{sub}linkedin.com/pub/{h}/{a}/{b}/{c}",
                "https://{sub}linkedin.com/in/{h}/{tab}",
                "https://mobile.twitter.com/@{h}",
                "https://x.com/@{h}/",
                "https://{sub}youtube.com/channel/{h}/{tab}",
                "https://{sub}youtube.com/{h}/{tab}",
                "https://{sub}youtube.com/@{h}",
                "https://mastodon.social/users/{h}",
                "https://fosstodon.org/users/{h}/",
                "https://www.instagram.com/_u/{h}",
            ]
        )
    )
    return shape.format(
        h=handle,
        sub=draw(st.sampled_from(["", "www.", "m.", "ca.", "fr."])),
        a=draw(_HEX),
        b=draw(_HEX),
        c=draw(_HEX),
        tab=draw(st.sampled_from(["", "videos", "about", "details/experience", "recent-activity/all/", "x"])),
    )


@settings(max_examples=300, deadline=None)
@given(profile_shapes())
def test_normalising_a_profile_shape_twice_changes_nothing(url: str) -> None:
    try:
        once = REGISTRY.normalize(url)
    except ValueError:
        return
    assert REGISTRY.normalize(once) == once
    assert REGISTRY.same_page_key(once) == REGISTRY.same_page_key(url)


def test_a_ranking_page_of_a_profile_gives_that_profile_its_position_in_the_audit() -> None:
    import datetime as dt

    from auditor.audit.pipeline import assemble
    from auditor.config import load_config
    from auditor.models import EngineStatus, Query, Serp
    from auditor.net.fetched import Fetched
    from auditor.sandbox import DEMO_SCENARIO

    config = load_config(DEMO_SCENARIO.with_name("demo.auditor.toml"))
    ranked = [
        SearchResult(1, "https://emilietremblay.ca/", "Émilie Tremblay", ""),
        SearchResult(2, "https://ca.linkedin.com/in/emilietremblay/details/experience/", "Expérience", ""),
        SearchResult(3, "https://www.youtube.com/watch?v=abc", "Une vidéo", ""),
    ]
    serps = [Serp("duckduckgo_html", Query("Émilie Tremblay"), EngineStatus.OK, tuple(ranked), requests=1)]
    pages = {key: Fetched.of_text(url=url, text="<html><body></body></html>") for key, url in config.profiles.items()}
    site = Fetched.of_text(url=config.person.site, text="<html><title>Émilie Tremblay</title></html>")
    audit = assemble(config, dt.date(2026, 11, 1), serps, ["duckduckgo_html"], pages, site, REGISTRY)
    linkedin = next(p for p in audit.profiles if p.network == "linkedin")
    assert linkedin.best_position == 2
    page = next(r for r in audit.results if r.position == 2)
    assert page.profile == "linkedin" and page.url.endswith("/details/experience/")
