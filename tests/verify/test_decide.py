"""Link-back verdicts from gathered evidence: each verdict, each reason, nofollow, and which link wins."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from auditor.identify.links import SiteTarget
from auditor.identify.networks import default_registry
from auditor.models import LinkBack, Verdict
from auditor.verify.decide import decide_linkback
from auditor.verify.evidence import FoundLink, ProfileData, ProfileEvidence, Resolution

REGISTRY = default_registry()
TARGET = SiteTarget("https://noemiegagnon.ca", ("https://ngagnon-web.ca",))
GITHUB_URL = "https://github.com/ngagnon"


def link(href: str, **kwargs: object) -> FoundLink:
    return FoundLink(href, f'<a href="{href}">', **kwargs)  # type: ignore[arg-type]


def decide(
    *links: FoundLink,
    network: str = "github",
    source: str = "api:github",
    resolutions: Mapping[str, Resolution] | None = None,
    targets: Mapping[str, Resolution] | None = None,
    error: str = "",
    problem: str = "",
    notes: tuple[str, ...] = (),
    profile_visible: bool = True,
) -> LinkBack:
    data = ProfileData(source, links, "the website field (blog)", "Noémie Gagnon", None, 'blog: ""')
    found = ProfileEvidence(
        network,
        GITHUB_URL,
        source,
        data,
        GITHUB_URL,
        200,
        error=error,
        problem=problem,
        notes=notes,
        resolutions=resolutions or {},
        targets=targets or {},
        profile_visible=profile_visible,
    )
    return decide_linkback(REGISTRY.by_key[network], found, TARGET)


# -- linked --------------------------------------------------------------------------------------------------


def test_linked_with_source_status_and_final_url() -> None:
    verdict = decide(link("https://noemiegagnon.ca/"))
    assert verdict.verdict is Verdict.LINKED
    assert verdict.reason == "links to https://noemiegagnon.ca/"
    assert verdict.evidence == '<a href="https://noemiegagnon.ca/">'
    assert (verdict.source, verdict.final_url, verdict.status_code) == ("api:github", GITHUB_URL, 200)
    assert not verdict.nofollow


def test_nofollow_is_noted_beside_the_verdict() -> None:
    verdict = decide(link("https://www.noemiegagnon.ca/", nofollow=True))
    assert verdict.verdict is Verdict.LINKED and verdict.nofollow


def test_a_subdomain_of_the_site_counts() -> None:
    assert decide(link("https://blogue.noemiegagnon.ca/")).verdict is Verdict.LINKED


def test_mastodon_verified_and_unverified_links_say_so() -> None:
    verified = decide(
        link("https://noemiegagnon.ca", verified_at="2026-01-09T14:02:51Z"), network="mastodon", source="api:mastodon"
    )
    assert verified.verdict is Verdict.LINKED and "verified this link on 2026-01-09" in verified.reason
    unverified = decide(link("https://noemiegagnon.ca"), network="mastodon", source="api:mastodon")
    assert (
        unverified.verdict is Verdict.LINKED and 'not verified by the instance yet: add a rel="me"' in unverified.reason
    )


def test_a_site_page_that_could_not_be_checked_is_still_linked() -> None:
    page = "https://noemiegagnon.ca/services"
    verdict = decide(link(page), targets={page: Resolution(page, error="timeout: timed out after 15 s")})
    assert verdict.verdict is Verdict.LINKED
    assert "could not be checked: timeout" in verdict.reason


# -- linked_via_redirect -------------------------------------------------------------------------------------


def test_shortener_resolved_to_the_site_shows_the_chain() -> None:
    short = "https://bit.ly/ngagnon"
    chain = Resolution(short, ("https://noemiegagnon.ca/",), 200)
    verdict = decide(link(short), resolutions={short: chain})
    assert verdict.verdict is Verdict.LINKED_VIA_REDIRECT
    assert verdict.reason == "links to https://bit.ly/ngagnon, which redirects to https://noemiegagnon.ca/"
    assert "https://bit.ly/ngagnon -> https://noemiegagnon.ca/ (HTTP 200)" in verdict.evidence


def test_a_longer_chain_through_the_own_short_domain() -> None:
    own = "https://noemie.page/"
    chain = Resolution(own, ("https://ow.ly/ngsite", "https://noemiegagnon.ca/"), 200)
    verdict = decide(link(own, declared=True), resolutions={own: chain})
    assert verdict.verdict is Verdict.LINKED_VIA_REDIRECT
    assert "https://noemie.page/ -> https://ow.ly/ngsite -> https://noemiegagnon.ca/" in verdict.evidence


def test_facebook_exit_page_is_a_redirect() -> None:
    wrapped = "https://l.facebook.com/l.php?u=https%3A%2F%2Fnoemiegagnon.ca%2F"
    verdict = decide(link("https://noemiegagnon.ca/", via=wrapped), network="facebook", source="html")
    assert verdict.verdict is Verdict.LINKED_VIA_REDIRECT
    assert "through l.facebook.com's exit page" in verdict.reason


def test_a_chain_that_reached_a_site_that_did_not_answer_still_leads_there() -> None:
    short = "https://t.co/abc"
    chain = Resolution(short, ("https://noemiegagnon.ca",), None, note="https://noemiegagnon.ca did not answer")
    verdict = decide(link(short), network="x", source="browser", resolutions={short: chain})
    assert verdict.verdict is Verdict.LINKED_VIA_REDIRECT
    assert "did not answer" in verdict.reason


# -- wrong_target --------------------------------------------------------------------------------------------


def test_http_while_the_site_is_https() -> None:
    verdict = decide(link("http://noemiegagnon.ca"))
    assert verdict.verdict is Verdict.WRONG_TARGET
    assert verdict.reason == "links to http://noemiegagnon.ca over http while your site is https"


def test_former_domain() -> None:
    verdict = decide(link("https://www.ngagnon-web.ca/contact"))
    assert verdict.verdict is Verdict.WRONG_TARGET
    assert verdict.reason == "links to your former site https://www.ngagnon-web.ca/contact"


def test_a_page_of_the_site_that_answers_404() -> None:
    page = "https://noemiegagnon.ca/ancienne-page"
    verdict = decide(link(page), targets={page: Resolution(page, (), 404)})
    assert verdict.verdict is Verdict.WRONG_TARGET
    assert verdict.reason == f"links to {page}, a page of your site that answers 404"
    assert "(HTTP 404)" in verdict.evidence


def test_a_shortener_to_the_former_domain_even_when_it_forwards_to_the_site() -> None:
    short = "https://t.co/old"
    chain = Resolution(short, ("https://ngagnon-web.ca", "https://noemiegagnon.ca/"), 200)
    verdict = decide(link(short), network="x", source="browser", resolutions={short: chain})
    assert verdict.verdict is Verdict.WRONG_TARGET
    assert "redirects to your former site https://ngagnon-web.ca" in verdict.reason


def test_a_redirect_that_ends_on_a_404_page_of_the_site() -> None:
    short = "https://bit.ly/x"
    chain = Resolution(short, ("https://noemiegagnon.ca/disparue",), 404)
    verdict = decide(link(short), resolutions={short: chain})
    assert verdict.verdict is Verdict.WRONG_TARGET
    assert "a page of your site that answers 404" in verdict.reason


# -- best link wins ------------------------------------------------------------------------------------------


def test_linked_beats_wrong_target_and_redirect_whatever_the_order() -> None:
    short = "https://bit.ly/ngagnon"
    resolutions = {short: Resolution(short, ("https://noemiegagnon.ca/",), 200)}
    links = (link("http://noemiegagnon.ca"), link(short), link("https://noemiegagnon.ca/", nofollow=True))
    verdict = decide(*links, resolutions=resolutions)
    assert verdict.verdict is Verdict.LINKED and verdict.nofollow
    assert decide(*links[:2], resolutions=resolutions).verdict is Verdict.LINKED_VIA_REDIRECT


def test_an_unresolvable_link_does_not_hide_a_good_one() -> None:
    loop = "https://bit.ly/boucle"
    verdict = decide(
        link(loop), link("https://noemiegagnon.ca"), resolutions={loop: Resolution(loop, error="redirect loop")}
    )
    assert verdict.verdict is Verdict.LINKED


# -- not_linked ----------------------------------------------------------------------------------------------


def test_not_linked_names_where_it_looked_and_shows_the_field() -> None:
    verdict = decide()
    assert verdict.verdict is Verdict.NOT_LINKED
    assert verdict.reason == "no link to noemiegagnon.ca in the website field (blog)"
    assert verdict.evidence == 'blog: ""'


def test_not_linked_says_where_the_field_points_instead() -> None:
    elsewhere = "https://autre-projet.example/"
    verdict = decide(link(elsewhere, declared=True), resolutions={elsewhere: Resolution(elsewhere, (), 200)})
    assert verdict.verdict is Verdict.NOT_LINKED
    assert verdict.reason.endswith(f"; it links to {elsewhere}")


def test_a_rendered_page_that_shows_the_profile_and_no_link_is_not_linked() -> None:
    verdict = decide(network="x", source="browser")
    assert verdict.verdict is Verdict.NOT_LINKED and verdict.source == "browser"


# -- unverifiable, never not_linked --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "problem", "fragment"),
    [
        ("timeout: timed out after 15 s", "", "could not check the profile: timeout"),
        ("page too large (body of 6291834 bytes is over the 5242880-byte cap)", "", "page too large"),
        ("redirect loop at https://dev.to/a", "", "redirect loop"),
        ("", "HTTP 999: LinkedIn refuses logged-out visitors (login wall)", "login wall"),
        ("", "the profile redirects to another account (https://github.com/x)", "another account"),
    ],
)
def test_no_answer_or_no_profile_is_unverifiable(error: str, problem: str, fragment: str) -> None:
    verdict = decide(link("https://noemiegagnon.ca"), error=error, problem=problem)
    assert verdict.verdict is Verdict.UNVERIFIABLE
    assert fragment in verdict.reason


def test_an_unresolvable_link_alone_is_unverifiable() -> None:
    loop = "https://bit.ly/boucle"
    verdict = decide(link(loop), resolutions={loop: Resolution(loop, error="redirect loop at https://bit.ly/boucle")})
    assert verdict.verdict is Verdict.UNVERIFIABLE
    assert verdict.reason == f"the link {loop} could not be followed (redirect loop at https://bit.ly/boucle)"


def test_a_shortener_that_does_not_redirect_is_unverifiable() -> None:
    short = "https://t.co/gone"
    resolution = Resolution(short, (), 404, "t.co answered HTTP 404")
    verdict = decide(link(short), network="x", source="browser", resolutions={short: resolution})
    assert verdict.verdict is Verdict.UNVERIFIABLE and "t.co answered HTTP 404" in verdict.reason


@pytest.mark.parametrize(("network", "fragment"), [("x", "JavaScript"), ("linkedin", "logged-out")])
def test_html_of_walled_networks_without_a_link_is_unverifiable(network: str, fragment: str) -> None:
    verdict = decide(network=network, source="html")
    assert verdict.verdict is Verdict.UNVERIFIABLE and fragment in verdict.reason


def test_a_rendered_page_that_does_not_show_the_profile_is_unverifiable() -> None:
    verdict = decide(network="x", source="browser", profile_visible=False)
    assert verdict.verdict is Verdict.UNVERIFIABLE
    assert "does not show the profile" in verdict.reason


def test_notes_of_a_fallback_follow_the_reason() -> None:
    verdict = decide(link("https://noemiegagnon.ca"), source="html", notes=("the GitHub API rate limit is used up",))
    assert verdict.verdict is Verdict.LINKED
    assert verdict.reason.endswith("[the GitHub API rate limit is used up]")


# -- a site at a path ----------------------------------------------------------------------------------------

AT_PATH = SiteTarget("https://www.uni-exemple.ca/~ngagnon/", ("https://sites.google.com/view/ngagnon-ancien",))


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("https://www.uni-exemple.ca/~ngagnon/", Verdict.LINKED),
        ("https://uni-exemple.ca/~ngagnon", Verdict.LINKED),
        ("https://www.uni-exemple.ca/~ngagnon/publications.html", Verdict.LINKED),
        ("https://www.uni-exemple.ca/%7Engagnon/", Verdict.LINKED),
        ("https://www.uni-exemple.ca/~ngagnon2/", Verdict.NOT_LINKED),  # a colleague's page on the same host
        ("https://www.uni-exemple.ca/", Verdict.NOT_LINKED),
        ("https://cs.uni-exemple.ca/~ngagnon/", Verdict.NOT_LINKED),  # a shared host's subdomain is not hers
        ("https://sites.google.com/view/ngagnon-ancien/accueil", Verdict.WRONG_TARGET),
        ("https://sites.google.com/view/quelquun-d-autre", Verdict.NOT_LINKED),
    ],
)
def test_a_site_given_with_a_path_is_linked_only_under_that_path(href: str, expected: Verdict) -> None:
    data = ProfileData("api:github", (link(href),), "the website field (blog)", "Noémie Gagnon", None, "")
    found = ProfileEvidence("github", GITHUB_URL, "api:github", data, GITHUB_URL, 200)
    verdict = decide_linkback(REGISTRY.by_key["github"], found, AT_PATH)
    assert verdict.verdict is expected
    if expected is Verdict.NOT_LINKED:
        assert verdict.reason.startswith("no link to uni-exemple.ca/~ngagnon in ")


def test_a_host_only_site_still_takes_every_page_of_its_host() -> None:
    assert decide(link("https://noemiegagnon.ca/a-propos/equipe")).verdict is Verdict.LINKED


def test_a_manual_check_replaces_only_an_unverifiable_verdict_while_it_is_recent() -> None:
    import datetime as dt

    from auditor.models import LinkBack, Verdict
    from auditor.verify.manual import CheckState, ManualCheck, apply_manual_check, still_valid

    wall = LinkBack(Verdict.UNVERIFIABLE, "HTTP 999", "HTTP 999", reason_code="login_wall")
    check = ManualCheck("https://linkedin.com/in/x", CheckState.LINKED, dt.date(2026, 3, 31))
    applied = apply_manual_check(wall, check, dt.date(2026, 9, 30), 6)
    assert (applied.verdict, applied.source, applied.reason_code) == (Verdict.LINKED, "manual", "manual_linked")
    assert applied.reason_params == {"checked_on": "2026-03-31"} and applied.evidence == "HTTP 999"
    assert apply_manual_check(wall, check, dt.date(2026, 10, 1), 6) == wall  # six months and a day: too old
    seen = LinkBack(Verdict.NOT_LINKED, "no link", reason_code="no_link")
    assert apply_manual_check(seen, check, dt.date(2026, 4, 1), 6) == seen  # what the auditor saw wins
    assert apply_manual_check(wall, None, dt.date(2026, 4, 1), 6) == wall
    # The end of a month: six months before August 31 is the last day of February.
    assert still_valid(ManualCheck("u", CheckState.NOT_LINKED, dt.date(2026, 2, 28)), dt.date(2026, 8, 31), 6)
    assert not still_valid(ManualCheck("u", CheckState.NOT_LINKED, dt.date(2026, 2, 27)), dt.date(2026, 8, 31), 6)


def test_the_manual_verdicts_are_worded_in_both_languages() -> None:
    import datetime as dt

    from auditor.models import LinkBack, Verdict
    from auditor.report.reasons import MANUAL, linkback_reason
    from auditor.verify.manual import CheckState, ManualCheck, apply_manual_check

    wall = LinkBack(Verdict.UNVERIFIABLE, "HTTP 999", reason_code="login_wall")
    produced = set()
    for state in CheckState:
        applied = apply_manual_check(wall, ManualCheck("u", state, dt.date(2026, 11, 1)), dt.date(2026, 11, 2), 6)
        produced.add(applied.reason_code)
        fr = linkback_reason("fr", applied.reason_code, applied.reason_params, applied.reason)
        en = linkback_reason("en", applied.reason_code, applied.reason_params, applied.reason)
        assert "1er novembre 2026" in fr.text and "November 1, 2026" in en.text and not fr.english
    assert produced == set(MANUAL)
