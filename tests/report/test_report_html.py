"""render_html: hostile content inert, no script, no outside reference, sections, languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from auditor.report.changes import compute_changes
from auditor.report.html import render_html
from tests.report.factories import (
    HOSTILE_SNIPPET,
    HOSTILE_TITLE,
    HOSTILE_URL,
    LONG_URL,
    LONG_WORD,
    SCORING,
    make_failed,
    make_history,
    make_partial,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "auditor" / "templates"
URL_ATTRIBUTES = ("href", "src", "xlink:href", "action", "formaction", "srcset", "poster", "data")


def _render(lang: str, *, months: int = 3) -> str:
    history = make_history()[-months:]
    previous = history[-2] if len(history) > 1 else None
    return render_html(history[-1], history, compute_changes(previous, history[-1]), lang=lang, scoring=SCORING)


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return {"en": _render("en"), "fr": _render("fr"), "single": _render("en", months=1)}


@pytest.fixture(scope="module", params=["en", "fr", "single"])
def page(request: pytest.FixtureRequest, pages: dict[str, str]) -> str:
    return pages[request.param]


def test_hostile_text_is_escaped(page: str) -> None:
    assert HOSTILE_TITLE not in page
    assert HOSTILE_SNIPPET not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find_all(["script", "img", "iframe", "object", "embed", "form", "base", "meta"], src=True) == []
    for tag in soup.find_all(True):
        handlers = [a for a in tag.attrs if a.lower().startswith("on")]
        assert handlers == [], f"event handler attribute on <{tag.name}>: {handlers}"


def test_no_script_at_all(page: str) -> None:
    assert re.search(r"<\s*script", page, re.IGNORECASE) is None
    assert BeautifulSoup(page, "html.parser").find_all("script") == []


def test_no_javascript_url_in_any_link(page: str) -> None:
    soup = BeautifulSoup(page, "html.parser")
    for tag in soup.find_all(True):
        for attribute in URL_ATTRIBUTES:
            value = tag.get(attribute)
            if value:
                assert "javascript:" not in str(value).lower(), f"<{tag.name} {attribute}={value!r}>"
    # The hostile URL is still shown, as inert text.
    inert = [span.get_text() for span in soup.select("span.inert")]
    assert HOSTILE_URL in " ".join(inert) or HOSTILE_TITLE in inert


def test_every_link_is_local_or_http_with_rel(page: str) -> None:
    soup = BeautifulSoup(page, "html.parser")
    for a in soup.find_all("a"):
        href = a.get("href", "")
        if href.startswith(("http://", "https://")):
            assert set(a.get("rel", [])) >= {"noopener", "noreferrer", "nofollow"}, a
        else:
            assert href.startswith("#") or href == "index.html", href
    # Nothing is fetched: no src anywhere, the only <link> is a data: icon, CSS imports nothing.
    assert soup.find_all(src=True) == []
    assert [link["href"] for link in soup.find_all("link")] == ["data:,"]
    style = " ".join(s.get_text() for s in soup.find_all("style"))
    assert "@import" not in style and "url(" not in style


def test_content_security_policy_forbids_scripts_and_requests(page: str) -> None:
    soup = BeautifulSoup(page, "html.parser")
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert csp is not None and "default-src 'none'" in csp["content"]
    assert "script-src" not in csp["content"]


def test_lang_and_responsive_page(pages: dict[str, str]) -> None:
    for lang in ("en", "fr"):
        soup = BeautifulSoup(pages[lang], "html.parser")
        assert soup.html["lang"] == lang
        assert soup.find("meta", attrs={"name": "viewport"})["content"].startswith("width=device-width")
        style = soup.style.get_text()
        assert "@media print" in style and "overflow-wrap:anywhere" in style and "overflow-x:auto" in style


def test_every_header_cell_has_a_scope(page: str) -> None:
    soup = BeautifulSoup(page, "html.parser")
    headers = soup.find_all("th")
    assert headers
    assert all(th.get("scope") in ("col", "row") for th in headers)


def test_long_url_is_shown_whole(page: str) -> None:
    assert LONG_URL in page or "single" in page  # the one-month page has no long URL


def test_trends_absent_with_one_audit(pages: dict[str, str]) -> None:
    single = pages["single"]
    assert 'id="trends"' not in single
    assert "<svg" not in single
    assert 'href="#trends"' not in single


def test_trends_present_with_three_audits(pages: dict[str, str]) -> None:
    soup = BeautifulSoup(pages["en"], "html.parser")
    trends = soup.find("section", id="trends")
    assert trends is not None
    charts = trends.find_all("svg")
    assert len(charts) == 3  # scores, and positions on each of the two engines
    for svg in charts:
        assert svg.get("role") == "img" and svg.get("aria-label")
        assert svg.find("image") is None
    ids = [t["id"] for t in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), "ids are unique across the charts"
    assert "Best positions ever" in trends.get_text()


def test_sections_in_order(pages: dict[str, str]) -> None:
    soup = BeautifulSoup(pages["en"], "html.parser")
    order = [s["id"] for s in soup.find_all("section")]
    # In order of use: the verdict and the actions first, the raw results last.
    assert order == [
        "summary",
        "recommendations",
        "changes",
        "trends",
        "profiles",
        "probable",
        "site",
        "engines",
        "results",
        "methodology",
    ]


def test_summary_change_and_recommendations(pages: dict[str, str]) -> None:
    soup = BeautifulSoup(pages["en"], "html.parser")
    summary = soup.find("section", id="summary").get_text(" ", strip=True)
    assert "68.9" in summary and "+13.9" in summary and "Every engine answered" in summary
    recs = soup.find("section", id="recommendations")
    items = [li.get_text(" ", strip=True) for li in recs.select("ol.recs > li")]
    assert items[0].startswith("Your LinkedIn profile (#2 on DuckDuckGo) could not be checked automatically.")
    assert "LinkedIn shows profiles to logged-in visitors only (login wall)." in items[0]
    assert any("+2.2 points" in item for item in items)
    assert any(item.startswith("some_future_rule:x") for item in items)


def test_methodology_shows_weights_and_rule(pages: dict[str, str]) -> None:
    text = BeautifulSoup(pages["en"], "html.parser").find("section", id="methodology").get_text(" ", strip=True)
    assert "Engines that failed are left out of the score." in text
    assert "28.5" in text and "0.25" in text and "0.45" in text
    # The formulas and the values used: the sum of the curve, the depth, every weight, the imagined entries.
    assert "100 × Σ w(p) of your results ÷ Σ w(1…20)" in text
    assert f"Sum of the weights of positions 1 to 20: {sum(SCORING.ctr):,.2f}." in text
    for component, weight in (("Visibility", "0.45"), ("Link-backs", "0.30"), ("Site signals", "0.15")):
        assert f"{component} {weight}" in text
    assert "Consistency 0.10" in text
    assert "a probable profile counts only once you confirm it" in text
    assert "each checked profile weighs the same" in text  # the link-back fallback
    assert "Shown, not part of the overall score" in text  # namesake pressure
    assert "A missing profile is imagined at position 10 of every query, a missing site at position 1." in text
    assert "never enter a score" in text  # sensitive topics


def test_sensitive_topics_are_flagged_for_review_not_scored(pages: dict[str, str]) -> None:
    for lang, flagged, impact in (
        ("en", "For your review: a result of yours", "Impact: not a score matter (flagged for your review)"),
        (
            "fr",
            "À revoir par vous\u00a0: un de vos résultats",
            "Impact\u00a0: hors score (signalé pour que vous le revoyiez)",
        ),
    ):
        recs = BeautifulSoup(pages[lang], "html.parser").find("section", id="recommendations")
        item = next(li for li in recs.select("ol.recs > li") if flagged in li.get_text())
        text = item.get_text(" ", strip=True)
        assert impact in text and "points" not in text
        assert "mastodon.social/@etremblay" in text and ("#5" in text or "n°\u00a05" in text)


def test_profiles_show_verdict_reason_evidence_source_nofollow(pages: dict[str, str]) -> None:
    section = BeautifulSoup(pages["en"], "html.parser").find("section", id="profiles")
    row = next(tr for tr in section.find_all("tr") if tr.th.get_text(" ", strip=True).split()[0] == "X")
    text = row.get_text(" ", strip=True)
    assert "links via a redirect" in text
    assert "It links to https://t.co/abc123, which redirects to https://emilietremblay.ca/." in text
    assert "browser" in text and "nofollow: yes" in text
    assert 'href="https://t.co/abc123"' in text  # evidence shown as text, not as markup


def test_ownership_has_label_and_colour_class(pages: dict[str, str]) -> None:
    soup = BeautifulSoup(pages["en"], "html.parser")
    rows = soup.find("section", id="results").select("tbody tr")
    site_rows = [tr for tr in rows if "own-site" in tr["class"]]
    assert site_rows and all("owned" in tr["class"] for tr in site_rows)
    assert "your site" in site_rows[0].get_text()


def test_french_and_english_are_translated(pages: dict[str, str]) -> None:
    assert "Ce qui a changé" in pages["fr"] and "Ce qui a changé" not in pages["en"]
    assert "What changed" in pages["en"] and "What changed" not in pages["fr"]
    assert "Les moteurs en échec sont exclus du score." in pages["fr"]
    assert "1er mai 2026" in pages["fr"] and "May 1, 2026" in pages["en"]
    assert "68,9" in pages["fr"]


def test_every_engine_failed_still_renders_with_what_to_do() -> None:
    failed = make_failed()
    for lang, sentence in (("en", "Every engine failed"), ("fr", "Tous les moteurs ont échoué")):
        html = render_html(failed, [failed], compute_changes(None, failed), lang=lang, scoring=SCORING)
        soup = BeautifulSoup(html, "html.parser")
        summary = soup.find("section", id="summary").get_text(" ", strip=True)
        assert sentence in summary
        assert "—" in summary  # no score, never 0
        assert "0,0" not in summary and "0.0" not in summary
        engines = soup.find("section", id="engines").get_text(" ", strip=True)
        if lang == "en":
            assert "CAPTCHA" in engines and "Wait an hour" in engines
            assert "Check your connection" in summary


def test_failed_audit_after_good_ones_shows_trend_gap() -> None:
    history = [*make_history()[:2], make_failed()]
    html = render_html(history[-1], history, compute_changes(history[1], history[-1]), lang="en", scoring=SCORING)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("section", id="trends") is not None
    assert "Not comparable" in soup.find("section", id="summary").get_text()


def test_partial_audit_names_the_failed_engine() -> None:
    partial = make_partial()
    html = render_html(partial, [partial], compute_changes(None, partial), lang="en", scoring=SCORING)
    summary = BeautifulSoup(html, "html.parser").find("section", id="summary").get_text(" ", strip=True)
    assert "partial" in summary and "DuckDuckGo" in summary and "Wait before the next run" in summary


def test_history_after_the_audit_is_not_shown() -> None:
    history = make_history()
    first = history[0]
    html = render_html(first, history, compute_changes(None, first), lang="en", scoring=SCORING)
    assert 'id="trends"' not in html  # only one audit up to its date


def test_templates_use_no_safe_filter_and_no_raw_text() -> None:
    for template in TEMPLATES.glob("*.html"):
        source = template.read_text(encoding="utf-8")
        assert re.search(r"\|\s*safe\b(?!_)", source) is None, f"{template.name} uses |safe"
        assert "<script" not in source
        if template.name == "_style.html":
            continue
        # A command in <code> (`auditor label URL me`) is typed as is, in every language.
        text = re.sub(r"<code>.*?</code>", " ", source, flags=re.S)
        text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
        words = re.findall(r"[A-Za-zÀ-ÿ]{2,}", text)
        assert words == [], f"{template.name}: text outside gettext: {words}"


def test_very_long_scraped_text_is_clipped_on_the_page_and_whole_in_the_link(pages: dict[str, str]) -> None:
    soup = BeautifulSoup(pages["en"], "html.parser")
    cell = next(td for td in soup.select("#results td.wrap") if LONG_WORD[:40] in td.get_text())
    assert LONG_WORD not in cell.get_text()
    assert cell.a is None or "…" in cell.get_text()
    assert max(len(t) for t in cell.stripped_strings) <= 600
    long_link = next(a for a in soup.select("#results td.wrap a") if a["href"] == LONG_URL)
    assert long_link.get_text().endswith("…") and 250 < len(long_link.get_text()) <= 300


def test_text_from_the_web_is_isolated_from_the_reports_sentences() -> None:
    from dataclasses import replace

    from auditor.models import Inconsistency
    from tests.report.factories import make_audit

    reversed_name = "Marie \u202eDupont"
    audit = replace(
        make_audit(2),
        inconsistencies=(Inconsistency("display_name", "github", reversed_name, "config", "Marie Dupont"),),
    )
    page = render_html(audit, [audit], compute_changes(None, audit), lang="en", scoring=SCORING)
    # The override sits inside its own <bdi>, so it ends there and cannot turn the row's words around.
    assert f"“<bdi>{reversed_name}</bdi>”" in page
    soup = BeautifulSoup(page, "html.parser")
    assert all(tag.find_parent("bdi") for tag in soup.find_all(string=lambda s: "\u202e" in s))
    # Links, URLs, snippets and code (scraped titles, evidence) are isolated by the style sheet.
    assert re.search(r"bdi,a,code,\.url,\.snippet,\.inert\{unicode-bidi:isolate\}", page)
    snippets = soup.select("p.snippet")
    assert snippets and all(p.find("bdi") for p in snippets)
