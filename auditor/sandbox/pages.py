"""Ordinary web pages: the person's site, a namesake's site, articles, directories; robots.txt; 404s.

One template serves every `kind = "html"` page; what differs between months (rel=me links, JSON-LD sameAs,
canonical, noindex) comes from the page's fields, so the site checks of DESIGN.md section 5 each have
something to find or to miss.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape
from urllib.parse import quote

from auditor.sandbox import profile_apis, profiles, walled
from auditor.sandbox.scenario import Month, Page
from auditor.sandbox.wire import Request, Response, display, html, json_response, redirect, script_json, text


def serve(request: Request, page: Page, month: Month) -> Response:
    """The answer for a page the scenario defines, before any fault."""
    if page.login_wall == "http_999":
        return walled.linkedin_999()
    if page.login_wall == "authwall":
        target = (
            f"https://www.linkedin.com/authwall?trk=public_profile&trkInfo=AQG_sandbox"
            f"&original_referer=&sessionRedirect={quote(request.url, safe='')}"
        )
        return redirect(target, 302)
    if page.login_wall == "login":
        return redirect(f"https://{request.host}/accounts/login/?next={quote(request.path, safe='')}", 302)
    if page.redirect:
        return redirect(request.absolute(page.redirect), page.status)
    if page.kind == "github":
        body = profiles.github_page(page)
    elif page.kind == "mastodon":
        body = profiles.mastodon_page(page, month.as_of)
    elif page.kind == "x":
        body = walled.x_shell(page)
    elif page.kind == "facebook":
        body = walled.facebook_page(page)
    elif page.kind == "linkedin":
        body = walled.linkedin_public(page)
    elif page.kind == "stackoverflow":
        body = profile_apis.stackoverflow_page(page)
    elif page.kind == "bluesky":
        body = profile_apis.bluesky_page(page)
    elif page.kind == "instagram":
        body = walled.instagram_page(page)
    elif page.kind == "atproto_did":
        # The DID the sandbox's Bluesky API gives the handle that is this host, unless the page says another.
        return text(page.text or profile_apis.did_for(request.host), page.status)
    elif page.kind == "wikidata":
        return json_response(profile_apis.wikidata_entity(page), page.status)
    else:
        body = html_page(page)
    if page.encoding:
        return encoded(body, page.encoding, page.status)
    return html(body, page.status)


def encoded(body: str, encoding: str, status: int) -> Response:
    """The page in `encoding`, declared only by its `<meta charset>`: the header names no charset, as on old
    servers, so a client that trusts the header alone reads it wrong."""
    declared = re.sub(r'<meta charset="utf-8"\s*/?>', f'<meta charset="{encoding}">', body, count=1)
    return Response(status, declared.encode(encoding, errors="xmlcharrefreplace"), "text/html")


def html_page(page: Page) -> str:
    head = [f"  <title>{escape(page.title)}</title>"]
    if page.description:
        head.append(f'  <meta name="description" content="{escape(page.description)}" />')
    if page.canonical:
        head.append(f'  <link rel="canonical" href="{escape(page.canonical)}" />')
    if page.noindex:
        head.append('  <meta name="robots" content="noindex, follow" />')
    if page.person or page.same_as:
        head.append(f'  <script type="application/ld+json">\n{json_ld_person(page)}\n  </script>')
    body = [f"    <h1>{escape(page.name or page.title)}</h1>"]
    body.extend(f"    <p>{escape(' '.join(p.split()))}</p>" for p in paragraphs(page.text))
    if page.links:
        body.append('    <ul class="links">')
        for link in page.links:
            rel = f' rel="{escape(link.rel)}"' if link.rel else ""
            body.append(f'      <li><a href="{escape(link.href)}"{rel}>{escape(link.text or link.href)}</a></li>')
        body.append("    </ul>")
    footer = ""
    if page.me:
        items = "\n".join(
            f'      <li><a rel="me" href="{escape(url)}">{escape(display(url))}</a></li>' for url in page.me
        )
        footer = f'  <footer>\n    <ul class="elsewhere">\n{items}\n    </ul>\n  </footer>\n'
    newline = "\n"
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
{newline.join(head)}
</head>
<body>
  <main>
{newline.join(body)}
  </main>
{footer}</body>
</html>
"""


def json_ld_person(page: Page) -> str:
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": page.person or page.name,
        "url": page.canonical or page.url,
    }
    if page.same_as:
        data["sameAs"] = list(page.same_as)
    return script_json(data)


def robots(disallow: Sequence[str]) -> Response:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallow), ""]
    return text("\n".join(lines))


def not_found(request: Request) -> Response:
    return html(
        f"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>"
        f"<p>{escape(request.url)}</p></body></html>\n",
        404,
    )


def paragraphs(value: str) -> Iterable[str]:
    return (p for p in value.split("\n\n") if p.strip())
