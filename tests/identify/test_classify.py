"""Ownership of each result: site, configured profile, probable profile, namesake, mention, other; labels."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from auditor.identify.candidates import Candidate, check_page, pick_candidates
from auditor.identify.classify import Identity, PageCheck, build_identity, classify
from auditor.identify.labels import Decision
from auditor.identify.networks import default_registry
from auditor.models import ClassifiedResult, Ownership, SearchResult
from auditor.net.fetched import Fetched

REGISTRY = default_registry()
PROFILES = {
    "linkedin": "https://www.linkedin.com/in/emilietremblay",
    "github": "https://github.com/etremblay",
    "mastodon": "https://mastodon.social/@etremblay",
    "x": "https://x.com/emilie_tremblay",
}


QUALIFIERS = ("architecte", "Montréal")


def identity(profiles: Mapping[str, str] = PROFILES, site_links: tuple[str, ...] = ()) -> Identity:
    return build_identity(
        REGISTRY,
        name="Émilie Tremblay",
        aliases=["Mimi Tremblay"],
        site="https://www.emilietremblay.ca",
        old_sites=["http://etremblay-conseil.com"],
        profiles=profiles,
        site_links=site_links,
        qualifiers=QUALIFIERS,
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
    assert run("https://example.org/equipe", "Mimi Tremblay, architecte").ownership is Ownership.MENTION


def test_the_former_site_is_a_mention() -> None:
    out = run("https://www.etremblay-conseil.com/services", "Services")
    assert out.ownership is Ownership.MENTION
    assert "former" in out.reason


def test_an_unrelated_page_is_other() -> None:
    assert run("https://example.org/recettes", "Tourtière", "Recette de grand-mère").ownership is Ownership.OTHER


def test_a_non_profile_page_of_a_network_naming_the_person_is_a_mention() -> None:
    title = "Émilie Tremblay, architecte, on LinkedIn: Terraform"
    out = run("https://www.linkedin.com/posts/emilietremblay_terraform", title)
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
        ("mastodon", "etremblay@mastodon.social"): "mastodon",
        ("x", "emilie_tremblay"): "x",
    }


# -- probable profiles from their page, namesakes' own sites, labels (issue 4) ---------------------------

MALT = "https://www.malt.fr/profile/emilietremblay"
MALT_TITLE = "Émilie Tremblay - Architecte Cloud AWS / Azure - Malt"
ANCHOR = '<a href="https://emilietremblay.ca/" rel="nofollow">Site web</a>'


def checked(url: str, check: PageCheck, **kwargs: object) -> Identity:
    return build_identity(
        REGISTRY,
        name="Émilie Tremblay",
        aliases=["Mimi Tremblay"],
        site="https://www.emilietremblay.ca",
        old_sites=["http://etremblay-conseil.com"],
        profiles=PROFILES,
        page_checks={REGISTRY.same_page_key(url): check},
        **kwargs,  # type: ignore[arg-type]
    )


def labelled(labels: Mapping[str, Decision | str]) -> Identity:
    return build_identity(
        REGISTRY,
        name="Émilie Tremblay",
        aliases=[],
        site="https://emilietremblay.ca",
        old_sites=[],
        profiles=PROFILES,
        labels=labels,
    )


def test_a_profile_with_the_name_that_links_to_the_site_is_probable_with_its_evidence() -> None:
    out = run(MALT, MALT_TITLE, who=checked(MALT, PageCheck(True, ANCHOR)))
    assert out.ownership is Ownership.PROBABLE_PROFILE
    assert out.evidence == ANCHOR
    assert "links to your site" in out.reason and ANCHOR in out.reason
    assert not out.ownership.is_owned  # never in the score until confirmed


def test_a_profile_that_links_to_the_site_but_does_not_carry_the_name_is_not_probable() -> None:
    out = run(MALT, "Profil Malt", who=checked(MALT, PageCheck(True, ANCHOR)))
    assert out.ownership is Ownership.OTHER


def test_a_namesake_profile_says_what_its_page_showed() -> None:
    out = run(MALT, MALT_TITLE, who=checked(MALT, PageCheck(False)))
    assert out.ownership is Ownership.NAMESAKE
    assert out.reason.endswith("and it does not link to your site")
    unread = run(MALT, MALT_TITLE, who=checked(MALT, PageCheck(False, "the page could not be read (HTTP 503)", False)))
    assert unread.ownership is Ownership.NAMESAKE
    assert "unknown" in unread.reason and "HTTP 503" in unread.reason


NAMESAKE_SITE = "https://www.emilietremblayrh.ca/"
NAMESAKE_TITLE = "Émilie Tremblay CRHA — Conseil en ressources humaines à Québec"


def test_a_site_whose_domain_is_the_name_and_does_not_link_to_yours_is_a_namesake() -> None:
    out = run(NAMESAKE_SITE, NAMESAKE_TITLE, who=checked(NAMESAKE_SITE, PageCheck(False)))
    assert out.ownership is Ownership.NAMESAKE
    assert "site in your name" in out.reason
    deeper = run("https://emilietremblayrh.ca/services", "Services", who=identity())
    assert deeper.ownership is Ownership.NAMESAKE  # every page of another person's own site


def test_a_site_in_the_name_that_links_either_way_is_probable() -> None:
    out = run(NAMESAKE_SITE, NAMESAKE_TITLE, who=checked(NAMESAKE_SITE, PageCheck(True, ANCHOR)))
    assert out.ownership is Ownership.PROBABLE_PROFILE and out.evidence == ANCHOR
    linked = identity(site_links=(REGISTRY.normalize("https://emilie-tremblay.dev/"),))
    assert run("https://emilie-tremblay.dev/", "Blogue", who=linked).ownership is Ownership.PROBABLE_PROFILE


def test_pages_about_the_person_on_other_domains_stay_mentions() -> None:
    # A directory or an article names the person on someone else's domain: with one of her qualifiers near the
    # name, that is a mention, not "a site in your name" (the name in the URL's path is no name domain).
    for url in ("https://www.repertoire-oaq.ca/membres/emilie-tremblay", "https://www.nuagemtl.ca/emilie-tremblay"):
        assert run(url, "Émilie Tremblay, architecte - Répertoire").ownership is Ownership.MENTION


def test_the_same_handle_on_another_mastodon_instance_is_not_the_configured_profile() -> None:
    out = run("https://fosstodon.org/@etremblay", "Émilie Tremblay (@etremblay@fosstodon.org)")
    assert out.ownership is Ownership.NAMESAKE
    assert run("https://mastodon.social/@ETremblay", "").ownership is Ownership.PROFILE


LABELS = [
    # (label given on, decision, result URL, title, ownership, why)
    (MALT, "me", MALT, MALT_TITLE, Ownership.PROFILE, "a confirmed profile counts as yours"),
    ("https://malt.fr/profile/EmilieTremblay/", "me", MALT, MALT_TITLE, Ownership.PROFILE, "any spelling of the page"),
    (
        "https://example.org/entrevue",
        "me",
        "https://example.org/entrevue",
        "Émilie Tremblay en entrevue",
        Ownership.PROFILE,
        "a mention you call yours",
    ),
    (
        "https://ca.linkedin.com/in/emilie-tremblay-rh",
        "not-me",
        "https://www.linkedin.com/in/emilie-tremblay-rh",
        "Émilie Tremblay | LinkedIn",
        Ownership.NAMESAKE,
        "carries the name",
    ),
    (
        "https://example.org/recettes",
        "not-me",
        "https://example.org/recettes",
        "Tourtière",
        Ownership.OTHER,
        "no name: just another page",
    ),
    (
        "https://github.com/nobody",
        "not-me",
        "https://github.com/nobody",
        "nobody",
        Ownership.NAMESAKE,
        "a profile disowned is someone's",
    ),
]


@pytest.mark.parametrize(("on", "decision", "url", "title", "ownership", "why"), LABELS)
def test_labels(on: str, decision: str, url: str, title: str, ownership: Ownership, why: str) -> None:
    out = run(url, title, who=labelled({on: decision}))
    assert out.ownership is ownership, why
    assert out.label == decision
    assert "auditor label" in out.reason


def test_a_label_never_overrides_the_config() -> None:
    who = labelled({"https://github.com/etremblay": "not-me", "https://emilietremblay.ca/": "not-me"})
    assert run("https://github.com/etremblay", "etremblay").ownership is Ownership.PROFILE
    out = run("https://github.com/etremblay", "etremblay", who=who)
    assert out.ownership is Ownership.PROFILE and out.label is None
    assert run("https://emilietremblay.ca/", "Accueil", who=who).ownership is Ownership.SITE


def test_a_me_label_beats_probable_and_a_not_me_label_beats_the_evidence() -> None:
    evidence = PageCheck(True, ANCHOR)
    assert run(MALT, MALT_TITLE, who=checked(MALT, evidence, labels={MALT: "me"})).ownership is Ownership.PROFILE
    assert run(MALT, MALT_TITLE, who=checked(MALT, evidence, labels={MALT: "not-me"})).ownership is Ownership.NAMESAKE


@pytest.mark.parametrize(
    "url",
    [
        "https://" + "a" * 5000 + ".com/",
        "https://example.com/" + "é" * 3000,
        "https://medium.com/@e\u202etremblay",
        "http://exa mple.com/",
    ],
)
def test_bad_input_is_classified_never_a_crash(url: str) -> None:
    out = run(url, "Émilie Tremblay")
    # The name with nothing that ties the page to her: someone of that name (or no page at all).
    assert out.ownership in (Ownership.OTHER, Ownership.NAMESAKE)


def test_without_a_title_the_reason_does_not_claim_the_name_is_absent() -> None:
    assert "no title" in run("https://www.malt.fr/profile/quelquun").reason


# -- which pages the pipeline fetches, and what a fetched page says ---------------------------------------


def _result(
    url: str, position: int, ownership: Ownership, network: str | None, label: str | None = None
) -> ClassifiedResult:
    return ClassifiedResult("duckduckgo_html", "q", position, url, url, "t", "", network, ownership, label=label)


def test_pick_candidates_takes_the_best_ranked_namesakes_once_each_where_a_page_can_tell() -> None:
    results = [
        _result("https://ca.linkedin.com/in/emilie-tremblay-rh", 1, Ownership.NAMESAKE, "linkedin"),  # login wall
        _result("https://x.com/etremblay_rh", 2, Ownership.NAMESAKE, "x"),  # JavaScript shell
        _result("https://emilietremblayrh.ca/", 3, Ownership.NAMESAKE, None),
        _result("https://www.malt.fr/profile/emilietremblay", 9, Ownership.NAMESAKE, "malt"),
        _result("https://malt.fr/profile/EmilieTremblay", 4, Ownership.NAMESAKE, "malt"),  # the same page, better
        _result("https://github.com/etremblay-rh", 5, Ownership.NAMESAKE, "github", label="not-me"),  # decided
        _result("https://example.org/article", 6, Ownership.MENTION, None),
        *[_result(f"https://gitlab.com/tremblay{i}", 10 + i, Ownership.NAMESAKE, "gitlab") for i in range(6)],
    ]
    picked = pick_candidates(results, REGISTRY)
    assert [c.key for c in picked[:2]] == ["https://emilietremblayrh.ca/", "malt:emilietremblay"]
    assert picked[1] == Candidate("malt:emilietremblay", "https://malt.fr/profile/EmilieTremblay")
    assert len(picked) == 5
    assert pick_candidates(results, REGISTRY, limit=1) == picked[:1]


PAGE_CHECKS = [
    (Fetched.of_text(f"<p>{ANCHOR}</p>", url=MALT), True, "nofollow"),
    (Fetched.of_text('<a href="//www.emilietremblay.ca/contact">Contact</a>', url=MALT), True, "contact"),
    (
        Fetched.of_text("", url="https://emilietremblay.ca/", requested_url="https://emilie.dev/"),
        True,
        "redirects to your site",
    ),
    (Fetched.of_text('<a href="http://etremblay-conseil.com/">ancien</a>', url=MALT), True, "former site"),
    (Fetched.of_text('<a href="https://emilietremblay.ca.evil.example/">x</a>', url=MALT), False, ""),
    (Fetched.of_text("<p>Émilie Tremblay</p>", url=MALT), False, ""),
    (Fetched.failure(MALT, "timeout: no answer in 20 s"), False, "timeout"),
    (Fetched.of_text("Forbidden", status=403, url=MALT), False, "HTTP 403"),
]


@pytest.mark.parametrize(("page", "links", "evidence"), PAGE_CHECKS)
def test_check_page(page: Fetched, links: bool, evidence: str) -> None:
    found = check_page(page, "https://emilietremblay.ca", ["http://etremblay-conseil.com"])
    assert found.links_to_site is links
    assert evidence in found.evidence
    assert found.readable is page.ok


# -- a site given with a path --------------------------------------------------------------------------------


def path_identity() -> Identity:
    return build_identity(
        REGISTRY,
        name="Émilie Tremblay",
        aliases=[],
        site="https://www.uni-exemple.ca/~etremblay/",
        old_sites=["https://sites.google.com/view/etremblay"],
        profiles=PROFILES,
    )


@pytest.mark.parametrize(
    ("url", "ownership"),
    [
        ("https://www.uni-exemple.ca/~etremblay/", Ownership.SITE),
        ("https://uni-exemple.ca/~etremblay/cours/inf101.html", Ownership.SITE),
        ("https://www.uni-exemple.ca/~jdupont/", Ownership.OTHER),  # someone else's page on the same host
        ("https://www.uni-exemple.ca/", Ownership.OTHER),
        ("https://sites.google.com/view/etremblay/accueil", Ownership.MENTION),  # the former site
        ("https://sites.google.com/view/autre-personne", Ownership.OTHER),
    ],
)
def test_a_site_at_a_path_is_only_the_pages_under_it(url: str, ownership: Ownership) -> None:
    assert run(url, "Cours et publications", who=path_identity()).ownership is ownership


@pytest.mark.parametrize(
    ("href", "links"),
    [
        ("https://www.uni-exemple.ca/~etremblay/", True),
        ("https://www.uni-exemple.ca/~etremblay2/", False),
        ("https://www.uni-exemple.ca/annuaire", False),
        ("https://sites.google.com/view/etremblay", True),  # the former site: still a link, to the old address
        ("https://sites.google.com/view/autre-personne", False),
    ],
)
def test_check_page_with_a_site_at_a_path(href: str, links: bool) -> None:
    page = Fetched.of_text(requested_url=MALT, url=MALT, text=f'<a href="{href}">x</a>')
    found = check_page(page, "https://www.uni-exemple.ca/~etremblay/", ["https://sites.google.com/view/etremblay"])
    assert found.links_to_site is links


# -- a page that names the person: a mention only with evidence that it is about her --------------------

NAMESAKE_PAGES = [
    # (url, title, snippet, the words that tell the namesake apart)
    (
        "https://www.genealogie-quebec.example/fiche/emilie-tremblay-1892",
        "Émilie Tremblay (1892-1967) - Arbre généalogique",
        "Née à Chicoutimi, fille de Joseph Tremblay et de Marie Gagnon.",
        ["1892", "1967", "Arbre", "généalogique", "Née", "Chicoutimi"],
    ),
    (
        "https://www.sports-exemple.ca/athletes/emilie-tremblay",
        "Émilie Tremblay - Ski de fond | Équipe nationale",
        "Émilie Tremblay termine 4e au 10 km des championnats juniors.",
        ["Ski", "fond", "Équipe", "nationale", "termine", "championnats"],
    ),
    (
        "https://www.ordre-exemple.ca/membres?nom=tremblay",
        "Répertoire des membres : Tremblay, Émilie",
        "Émilie Tremblay, infirmière, Saguenay.",
        ["Répertoire", "membres", "infirmière", "Saguenay"],
    ),
]


@pytest.mark.parametrize(("url", "title", "snippet", "words"), NAMESAKE_PAGES)
def test_a_page_about_someone_of_the_same_name_is_a_namesake_with_the_words_that_tell(
    url: str, title: str, snippet: str, words: list[str]
) -> None:
    out = run(url, title, snippet)
    assert out.ownership is Ownership.NAMESAKE
    assert out.evidence == ", ".join(words)
    assert out.reason == f"a page about someone with your name ({', '.join(words)})"


def test_a_qualifier_near_the_name_makes_a_mention_and_is_named_as_the_evidence() -> None:
    out = run("https://www.journal-exemple.ca/affaires", "Le nuage des PME", "dit Émilie Tremblay, à Montréal.")
    assert out.ownership is Ownership.MENTION
    assert out.reason == "a page that names you with 'Montréal', one of your qualifiers" and out.evidence == "Montréal"


def test_a_qualifier_far_from_the_name_is_no_evidence() -> None:
    snippet = "Émilie Tremblay gagne le concours. " + "mot " * 20 + "Un autre article parle de Montréal."
    assert run("https://www.journal-exemple.ca/concours", "Concours", snippet).ownership is Ownership.NAMESAKE


def test_a_page_linking_to_the_site_or_a_profile_is_a_mention() -> None:
    url = "https://www.conference-exemple.ca/conferenciers"
    to_site = Fetched.of_text(
        requested_url=url, url=url, text='<p>Émilie Tremblay</p><a href="https://emilietremblay.ca/">site</a>'
    )
    to_profile = Fetched.of_text(requested_url=url, url=url, text='<a href="https://github.com/ETremblay">code</a>')
    for page, words in ((to_site, "links to your site"), (to_profile, "links to your github profile")):
        check = check_page(page, "https://www.emilietremblay.ca", [], PROFILES, REGISTRY)
        key = REGISTRY.same_page_key(url)
        who = build_identity(
            REGISTRY,
            name="Émilie Tremblay",
            aliases=[],
            site="https://www.emilietremblay.ca",
            old_sites=[],
            profiles=PROFILES,
            page_checks={key: check},
        )
        out = run(url, "Conférenciers 2026", "Émilie Tremblay présente Terraform.", who=who)
        assert out.ownership is Ownership.MENTION and words in out.reason and out.evidence.startswith("<a href=")


def test_a_page_with_the_name_alone_is_a_namesake_that_says_so() -> None:
    out = run("https://example.org/x", "Émilie Tremblay")
    assert out.ownership is Ownership.NAMESAKE
    assert out.reason == "a page with your name and nothing that ties it to you" and out.evidence == ""
