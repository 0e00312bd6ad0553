"""The signals of the person's own site, each a check with pass, fail and detail. Pure.

Each detail also gets a stable `detail_code` and its `detail_params`, which the report words in the reader's
language (issue 6); the English `detail` stays for the JSON and the CLI.
"""

from __future__ import annotations

from collections.abc import Mapping

from bs4 import BeautifulSoup

from auditor.identify.links import jsonld_objects, page_links
from auditor.identify.names import mentions_name
from auditor.identify.networks import Registry
from auditor.models import SiteCheck
from auditor.net.fetched import Fetched

CHECK_IDS = ("https", "title_has_name", "description_has_name", "not_noindex", "canonical", "rel_me", "jsonld_sameas")


def _normalized(registry: Registry, urls: object, *, key: bool = False) -> set[str]:
    """Normalised forms of `urls` (a string or a list; anything else ignored); `key`: same-page keys instead."""
    convert = registry.same_page_key if key else registry.normalize
    out: set[str] = set()
    for url in urls if isinstance(urls, list) else [urls]:
        if isinstance(url, str):
            try:
                out.add(convert(url))
            except ValueError:
                continue
    return out


def site_links(page: Fetched, registry: Registry) -> frozenset[str]:
    """Normalised URLs the site links to, anchors and JSON-LD `sameAs` alike."""
    if not page.ok:
        return frozenset()
    links = _normalized(registry, [link.href for link in page_links(page.text, page.url)])
    for item in jsonld_objects(page.text):
        links |= _normalized(registry, item.get("sameAs"))
    return frozenset(links)


def site_checks(
    page: Fetched, names: tuple[str, ...], profiles: Mapping[str, str], registry: Registry
) -> tuple[SiteCheck, ...]:
    """Every check of DESIGN.md section 5. Raises nothing; call only when the page was fetched (`page.ok`)."""
    soup = BeautifulSoup(page.text, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    description_tag = soup.select_one('meta[name="description" i][content]')
    description = str(description_tag.get("content", "")) if description_tag else ""
    robots_meta = " ".join(str(t.get("content", "")) for t in soup.select('meta[name="robots" i][content]'))
    header = " ".join(v for k, v in page.headers.items() if k.lower() == "x-robots-tag")  # any header case
    robots = f"{robots_meta} {header}".lower()
    canonical = soup.select_one('link[rel~="canonical"][href]')
    # Compared as same-page keys: a profile linked as github.com/ETremblay is the configured github.com/etremblay.
    wanted = {key: registry.same_page_key(url) for key, url in profiles.items()}
    me_links = [link.href for link in page_links(page.text, page.url) if "me" in link.rel]
    rel_me = _normalized(registry, me_links, key=True)
    same_as: set[str] = set()
    for item in jsonld_objects(page.text):
        kind = item.get("@type")
        if kind == "Person" or (isinstance(kind, list) and "Person" in kind):
            same_as |= _normalized(registry, item.get("sameAs"), key=True)
    missing_rel_me = sorted(key for key, url in wanted.items() if url not in rel_me)
    missing_same_as = sorted(key for key, url in wanted.items() if url not in same_as)
    noindex = "noindex" in robots
    href = str(canonical.get("href")) if canonical else ""
    return (
        SiteCheck(
            "https",
            page.url.startswith("https://"),
            f"served from {page.url}",
            "served_from",
            {"url": page.url},
        ),
        SiteCheck(
            "title_has_name",
            mentions_name(title, names),
            f"title: {title[:200]!r}",
            "title" if title else "no_title",
            {"text": title[:200]},
        ),
        SiteCheck(
            "description_has_name",
            mentions_name(description, names),
            f"description: {description[:200]!r}",
            "description" if description else "no_description",
            {"text": description[:200]},
        ),
        SiteCheck(
            "not_noindex",
            not noindex,
            "noindex found" if noindex else "indexable",
            "noindex" if noindex else "indexable",
        ),
        SiteCheck(
            "canonical",
            canonical is not None,
            href or "no canonical link",
            "canonical" if canonical else "no_canonical",
            {"url": href} if canonical else {},
        ),
        SiteCheck(
            "rel_me",
            not missing_rel_me,
            "missing for: " + ", ".join(missing_rel_me) if missing_rel_me else 'every profile linked with rel="me"',
            "rel_me_missing" if missing_rel_me else "rel_me_all",
            {"networks": ",".join(missing_rel_me)} if missing_rel_me else {},
        ),
        SiteCheck(
            "jsonld_sameas",
            not missing_same_as,
            "missing for: " + ", ".join(missing_same_as)
            if missing_same_as
            else "a schema.org Person lists every profile in sameAs",
            "sameas_missing" if missing_same_as else "sameas_all",
            {"networks": ",".join(missing_same_as)} if missing_same_as else {},
        ),
    )


def site_unreachable(page: Fetched) -> tuple[SiteCheck, ...]:
    """The one thing known of a site that could not be fetched: it was not reachable over https, and why.

    The caller keeps the site score unmeasured (a site that did not answer once is not scored as failing
    every check: DESIGN.md section 1, a failure is data, never a zero); the reason still reaches the report.
    """
    if page.error:
        why = f"your site did not answer: {page.error}"
        return (SiteCheck("https", False, why, "site_error", {"detail": page.error}),)
    where = page.url or page.requested_url
    why = f"your site answered HTTP {page.status_code} at {where}"
    return (SiteCheck("https", False, why, "site_status", {"status": str(page.status_code), "url": where}),)
