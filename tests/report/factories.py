"""Realistic audits for the report tests: a Québec freelancer over three months, plus the bad cases.

The third month carries a hostile result (script in the title, an `onerror` image in the snippet, a
`javascript:` URL) and very long titles, snippets and URLs (2,000 characters, one of them without a single
space), as the demo scenario does; every report must render them inert and readable. One of her own
results touches on politics: the sensitive-topics rule flags it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from auditor.models import (
    Audit,
    AuditStatus,
    ClassifiedResult,
    EngineRun,
    EngineStatus,
    LinkBack,
    Ownership,
    ProfileCheck,
    Query,
    Recommendation,
    Scores,
    SiteCheck,
    Verdict,
)
from auditor.report.html import ScoringInfo

PERSON = "Émilie Tremblay"
SITE = "https://emilietremblay.ca/"
QUERIES = (Query("Émilie Tremblay"), Query("Émilie Tremblay architecte infonuagique", "architecte infonuagique"))
ENGINES = ("duckduckgo_html", "searxng")
DATES = (dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1))

HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_SNIPPET = "<img src=x onerror=alert(2)>"
HOSTILE_URL = "javascript:alert(3)"
LONG_TITLE = ("Émilie Tremblay — " + "architecture infonuagique, migration vers le nuage et FinOps " * 40)[:2000]
LONG_URL = ("https://blog.example.org/" + "tres-long-chemin-sans-espace-" * 80)[:2000]
LONG_WORD = "Émilie" + "x" * 1994
"""A 2,000-character title with no space to break at."""
LONG_SNIPPET = ("Un billet " * 200)[:2000]
SENSITIVE_SNIPPET = "Toots sur l'infonuagique, FinOps et, parfois, la politique municipale à Montréal."

PROFILES = {
    "linkedin": "https://www.linkedin.com/in/emilietremblay",
    "github": "https://github.com/etremblay",
    "x": "https://x.com/emilie_tremblay",
    "mastodon": "https://mastodon.social/@etremblay",
    "malt": "https://www.malt.ca/profile/emilietremblay",
}

SCORING = ScoringInfo(
    ctr=(28.5, 15.7, 11.0, 8.0, 6.1, 4.8, 3.9, 3.3, 2.8, 2.5, 0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25),
    weights={"visibility": 0.45, "linkback": 0.30, "site": 0.15, "consistency": 0.10},
    depth=20,
)

# (url, title, snippet, network, ownership, profile key) by month index, in rank order from position 1.
_NAMESAKE = (
    "https://www.linkedin.com/in/emilie-tremblay-rh",
    "Émilie Tremblay – Conseillère RH – Québec",
    "Conseillère en ressources humaines à Québec.",
    "linkedin",
    Ownership.NAMESAKE,
    None,
)
_SITE = (
    SITE,
    "Émilie Tremblay, architecte infonuagique",
    "Architecture AWS et Azure à Montréal.",
    None,
    Ownership.SITE,
    None,
)


def _profile(key: str, title: str) -> tuple[str, str, str, str, Ownership, str]:
    return (PROFILES[key], title, f"Profil {key} d'Émilie Tremblay.", key, Ownership.PROFILE, key)


_MENTION = (
    "https://www.lapresse.ca/affaires/2026-02-10/infonuagique.php",
    "Cinq architectes québécoises du nuage",
    "… dont Émilie Tremblay, qui a migré …",
    None,
    Ownership.MENTION,
    None,
)
_OTHER = (
    "https://fr.wikipedia.org/wiki/Tremblay",
    "Tremblay — Wikipédia",
    "Tremblay est un patronyme.",
    "wikipedia",
    Ownership.OTHER,
    None,
)
_PROBABLE = (
    "https://speakerdeck.com/etremblay",
    "Émilie Tremblay (@etremblay) on Speaker Deck",
    "Conférences sur l'infonuagique.",
    "speakerdeck",
    Ownership.PROBABLE_PROFILE,
    None,
)

_MASTODON = (
    PROFILES["mastodon"],
    "Émilie Tremblay (@etremblay@mastodon.social)",
    SENSITIVE_SNIPPET,
    "mastodon",
    Ownership.PROFILE,
    "mastodon",
)

_RANKINGS = (
    (
        _NAMESAKE,
        _OTHER,
        _profile("linkedin", "Émilie Tremblay - LinkedIn"),
        _MENTION,
        _SITE,
        _profile("github", "etremblay (Émilie Tremblay) · GitHub"),
    ),
    (
        _NAMESAKE,
        _SITE,
        _profile("linkedin", "Émilie Tremblay - LinkedIn"),
        _profile("github", "etremblay (Émilie Tremblay) · GitHub"),
        _OTHER,
        _MENTION,
        _PROBABLE,
    ),
    (
        _SITE,
        _profile("linkedin", "Émilie Tremblay - LinkedIn"),
        _NAMESAKE,
        _profile("github", "etremblay (Émilie Tremblay) · GitHub"),
        _MASTODON,
        _MENTION,
        _PROBABLE,
        _OTHER,
    ),
)


def _results(month: int, engine: str, query: str, *, hostile: bool) -> list[ClassifiedResult]:
    rows = list(_RANKINGS[month])
    if engine == "searxng":  # a second engine that disagrees a little, as real ones do
        rows[0], rows[1] = rows[1], rows[0]
    if query != QUERIES[0].text:
        rows = [r for r in rows if r[4] is not Ownership.NAMESAKE]
    if hostile:
        rows.insert(3, (HOSTILE_URL, HOSTILE_TITLE, HOSTILE_SNIPPET, None, Ownership.OTHER, None))
        rows.append((LONG_URL, LONG_TITLE, LONG_SNIPPET, None, Ownership.MENTION, None))
        rows.append((LONG_URL + "-2", LONG_WORD, LONG_WORD, None, Ownership.OTHER, None))
    return [
        ClassifiedResult(
            engine=engine,
            query=query,
            position=i,
            url=url,
            normalized_url=url.lower().rstrip("/"),
            title=title,
            snippet=snippet,
            network=network,
            ownership=ownership,
            profile=profile,
            reason="test data",
        )
        for i, (url, title, snippet, network, ownership, profile) in enumerate(rows, start=1)
    ]


def _linkbacks(month: int) -> dict[str, LinkBack]:
    github = (
        LinkBack(
            Verdict.NOT_LINKED,
            "no link to emilietremblay.ca in the website field (blog)",
            '{"blog": ""}',
            "api:github",
            reason_code="no_link",
            reason_params={"host": "emilietremblay.ca", "source": "api:github"},
        )
        if month == 0
        else LinkBack(
            Verdict.LINKED,
            "links to https://emilietremblay.ca",
            '{"blog": "https://emilietremblay.ca"}',
            "api:github",
            reason_code="linked",
            reason_params={"url": "https://emilietremblay.ca"},
        )
    )
    return {
        "linkedin": LinkBack(
            Verdict.UNVERIFIABLE,
            "HTTP 999: LinkedIn refuses logged-out visitors (login wall)",
            "HTTP/1.1 999 Request denied",
            "html",
            status_code=999,
            reason_code="login_wall",
            reason_params={"network": "linkedin"},
        ),
        "github": github,
        "x": LinkBack(
            Verdict.LINKED_VIA_REDIRECT,
            "links to https://t.co/abc123, which redirects to https://emilietremblay.ca/",
            '<a href="https://t.co/abc123" rel="nofollow noopener">emilietremblay.ca</a>',
            "browser",
            nofollow=True,
            reason_code="linked_via_redirect",
            reason_params={"url": "https://t.co/abc123", "final": "https://emilietremblay.ca/"},
        ),
        "mastodon": LinkBack(
            Verdict.LINKED,
            "links to https://emilietremblay.ca; the instance verified this link on 2026-01-02 (your site links "
            "back with rel=me)",
            '{"verified_at": "2026-01-02T10:00:00Z"}',
            "api:mastodon",
            reason_code="linked",
            reason_params={"url": "https://emilietremblay.ca", "verified_at": "2026-01-02"},
        ),
        "malt": LinkBack(
            Verdict.WRONG_TARGET,
            "links to your former site http://etremblay-conseil.com/",
            '<a href="http://etremblay-conseil.com/">site</a>',
            "html",
            reason_code="former_site",
            reason_params={"url": "http://etremblay-conseil.com/"},
        )
        if month < 2
        else LinkBack(
            Verdict.LINKED,
            "links to https://emilietremblay.ca/",
            '<a href="https://emilietremblay.ca/">site</a>',
            "html",
            reason_code="linked",
            reason_params={"url": "https://emilietremblay.ca/"},
        ),
    }


def _best(results: list[ClassifiedResult], key: str) -> int | None:
    positions = [r.position for r in results if r.profile == key]
    return min(positions) if positions else None


def _recommendations(month: int, *, hostile: bool) -> tuple[Recommendation, ...]:
    recs = [
        Recommendation(
            "add_site_link:github",
            "add_site_link",
            1,
            6.4,
            {"network": "github", "url": PROFILES["github"], "position": "4", "engine": "duckduckgo_html"},
            '{"blog": ""}',
        ),
        Recommendation(
            "fix_wrong_target:malt",
            "fix_wrong_target",
            2,
            3.1,
            {
                "network": "malt",
                "url": PROFILES["malt"],
                "position": "",
                "engine": "",
                "target": SITE,
                "reason": "links to your former site http://etremblay-conseil.com/",
                "why": "former_site",
                "why.url": "http://etremblay-conseil.com/",
            },
            '<a href="http://etremblay-conseil.com/">site</a>',
        ),
        Recommendation(
            "check_by_hand:linkedin",
            "check_by_hand",
            3,
            0.0,
            {
                "network": "linkedin",
                "url": PROFILES["linkedin"],
                "position": "2",
                "engine": "duckduckgo_html",
                "reason": "HTTP 999: LinkedIn refuses logged-out visitors (login wall)",
                "why": "login_wall",
                "why.network": "linkedin",
            },
            "HTTP/1.1 999 Request denied",
        ),
        Recommendation(
            "profile_missing:x", "profile_missing", 4, 2.2, {"network": "x", "url": PROFILES["x"], "depth": "20"}
        ),
        Recommendation(
            "fix_site_check:rel_me",
            "fix_site_check",
            5,
            1.5,
            {
                "check": "rel_me",
                "detail": "missing for: github, malt",
                "why": "rel_me_missing",
                "why.networks": "github,malt",
                "networks": "github,malt",
            },
        ),
        Recommendation(
            "namesake_pressure",
            "namesake_pressure",
            6,
            0.0,
            {
                "share": "31.4",
                "name": PERSON,
                "url": _NAMESAKE[0],
                "position": "1",
                "engine": "duckduckgo_html",
            },
            "linkedin.com/in/emilie-tremblay-rh ranks #1",
        ),
        Recommendation(
            "add_site_link:speakerdeck",
            "add_site_link",
            7,
            0.8,
            {"network": "speakerdeck", "url": "https://speakerdeck.com/etremblay", "position": "", "engine": ""},
        ),
        Recommendation("site_missing", "site_missing", 8, 0.0, {"url": SITE, "depth": "20"}),
        Recommendation("some_future_rule:x", "some_future_rule", 9, 0.5, {"a": "b"}),
    ]
    if month == 2:
        recs.append(
            Recommendation(
                f"sensitive_topics:politics:{PROFILES['mastodon']}",
                "sensitive_topics",
                10,
                0.0,
                {
                    "topic": "politics",
                    "url": PROFILES["mastodon"],
                    "excerpt": SENSITIVE_SNIPPET,
                    "term": "politique",
                    "field": "snippet",
                    "position": "5",
                    "engine": "duckduckgo_html",
                },
                f"snippet: {SENSITIVE_SNIPPET}",
            )
        )
    if hostile:
        recs.append(
            Recommendation(
                "confirm_probable_profile:evil",
                "confirm_probable_profile",
                10,
                1.0,
                {"url": HOSTILE_URL, "network": "<b>evil</b>"},
                '<a href="javascript:alert(5)">x</a><script>alert(6)</script>',
            )
        )
    return tuple(recs[month:] if month < 2 else recs[2:])


def make_audit(month: int = 2, *, hostile: bool = False, audit_id: int | None = None) -> Audit:
    """The audit of month 0, 1 or 2 (March to May 2026); later months rank and link better."""
    results = [r for e in ENGINES for q in QUERIES for r in _results(month, e, q.text, hostile=hostile)]
    links = _linkbacks(month)
    profiles = tuple(
        ProfileCheck(key, url, links[key], best_position=_best(results, key), display_name=PERSON)
        for key, url in PROFILES.items()
    )
    description = "Émilie Tremblay, architecte infonuagique à Montréal."
    checks = (
        SiteCheck("https", True, f"served from {SITE}", "served_from", {"url": SITE}),
        SiteCheck(
            "title_has_name",
            True,
            "title: 'Émilie Tremblay, architecte infonuagique'",
            "title",
            {"text": "Émilie Tremblay, architecte infonuagique"},
        ),
        SiteCheck(
            "description_has_name",
            month >= 1,
            f"description: {description!r}" if month else "description: ''",
            "description" if month else "no_description",
            {"text": description if month else ""},
        ),
        SiteCheck("not_noindex", True, "indexable", "indexable"),
        SiteCheck("canonical", True, SITE, "canonical", {"url": SITE}),
        SiteCheck(
            "rel_me",
            month >= 2,
            "missing for: linkedin, malt, x" if month < 2 else 'every profile linked with rel="me"',
            "rel_me_missing" if month < 2 else "rel_me_all",
            {"networks": "linkedin,malt,x"} if month < 2 else {},
        ),
        SiteCheck(
            "jsonld_sameas",
            False,
            "missing for: github, linkedin, malt, mastodon, x",
            "sameas_missing",
            {"networks": "github,linkedin,malt,mastodon,x"},
        ),
    )
    overall = (41.2, 55.0, 68.9)[month]
    scores = Scores(
        overall=overall,
        visibility=(30.1, 42.5, 61.0)[month],
        linkback=(50.0, 66.7, 88.0)[month],
        site=(57.1, 71.4, 85.7)[month],
        consistency=(60.0, None, 80.0)[month],  # month 1 could not measure it: must stay a gap
        namesake_pressure=(40.2, 31.4, 18.0)[month],
        visibility_by_engine={"duckduckgo_html": (29.0, 41.0, 60.0)[month], "searxng": (31.2, 44.0, 62.0)[month]},
    )
    return Audit(
        person=PERSON,
        as_of=DATES[month],
        status=AuditStatus.COMPLETE,
        engines=tuple(EngineRun(e, EngineStatus.OK, "20 results", requests=4) for e in ENGINES),
        results=tuple(results),
        profiles=profiles,
        site_checks=checks,
        scores=scores,
        recommendations=_recommendations(month, hostile=hostile),
        queries=QUERIES,
        depth=20,
        id=audit_id if audit_id is not None else month + 1,
        started_at=dt.datetime.combine(DATES[month], dt.time(9, 0), tzinfo=dt.UTC),
    )


def make_history(*, hostile: bool = True) -> list[Audit]:
    """Three monthly audits sorted by date; the last one holds the hostile result."""
    return [make_audit(0), make_audit(1), make_audit(2, hostile=hostile)]


def make_partial(month: int = 2) -> Audit:
    """DuckDuckGo answered with its 202 rate limit: its results are gone and it stays out of the score."""
    audit = make_audit(month)
    return replace(
        audit,
        status=AuditStatus.PARTIAL,
        engines=(
            EngineRun(
                "duckduckgo_html",
                EngineStatus.RATE_LIMITED,
                "HTTP 202: DuckDuckGo's rate limit (too many requests) [query: Émilie Tremblay]",
                requests=2,
            ),
            EngineRun("searxng", EngineStatus.OK, "20 results", requests=4),
        ),
        results=tuple(r for r in audit.results if r.engine == "searxng"),
    )


def make_failed(month: int = 2) -> Audit:
    """Every engine failed: nothing measured, every score None."""
    audit = make_audit(month)
    return replace(
        audit,
        status=AuditStatus.FAILED,
        engines=(
            EngineRun(
                "duckduckgo_html",
                EngineStatus.BLOCKED,
                "DuckDuckGo answered with a CAPTCHA (challenge form) [query: Émilie Tremblay]",
                requests=1,
            ),
            EngineRun("searxng", EngineStatus.NETWORK_ERROR, "ConnectError: connection refused", requests=1),
        ),
        results=(),
        profiles=tuple(replace(p, best_position=None) for p in audit.profiles),
        scores=Scores(None, None, None, None, None, None),
        recommendations=(),
        id=99,
    )
