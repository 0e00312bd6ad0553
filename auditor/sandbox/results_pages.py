"""Google's and Bing's own results pages, for the browser engines, with the real structure (DESIGN.md section 4).

Google: organic `div.g` blocks under `div#search > #rso`, an `h3` inside each link, links wrapped as
`/url?q=<target>&sa=U...`, ads apart in `#tads`, a `#pnnext` link to the next page. Its two ways of saying no:
the consent wall (a 302 to consent.google.com) and the `/sorry/` redirect to an "unusual traffic" CAPTCHA
answered with HTTP 429. Bing: `li.b_algo` items of `ol#b_results` with `h2 a` links wrapped as
`/ck/a?...&u=a1<base64url>`, `.b_caption p` snippets, `li.b_ad` ads, `a.sb_pagN`; its bot challenge page.
Fault modes `consent`, `sorry`, `challenge`, `empty` and `malformed` (a redesigned page) are rendered here.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Sequence
from html import escape
from urllib.parse import quote, urlencode, urlsplit

from auditor.sandbox.scenario import NO_EXTRAS, Extras, Result
from auditor.sandbox.search_apis import crumbs, marked
from auditor.sandbox.serp_extras import ExtrasFor, bing_blocks, bing_side, google_blocks, google_side
from auditor.sandbox.wire import Request, Response, html, redirect

Ranking = Callable[[str], Sequence[Result]]
Answer = tuple[Response, str | None]

ENDPOINTS = {("www.google.com", "/search"): "browser_google", ("www.bing.com", "/search"): "browser_bing"}
HOSTS = frozenset({"www.google.com", "consent.google.com", "www.bing.com"})
HANDLED = frozenset({"consent", "sorry", "challenge", "empty", "malformed"})
PAGE = 10
AD = Result("ad", "https://www.pigistes-ti.example/", "Trouvez un pigiste TI en 48 h", "Devis gratuit.")


def engine_for(host: str, path: str) -> str | None:
    return ENDPOINTS.get((host, path))


def serve(
    engine: str, request: Request, ranking: Ranking, mode: str | None, *, extras: ExtrasFor = lambda query: NO_EXTRAS
) -> Answer:
    query = request.param("q")
    results = () if mode == "empty" else ranking(query)
    shown = extras(query) if results else NO_EXTRAS
    if engine == "browser_google":
        response = _google(request, query, results, mode, shown)
    else:
        response = _bing(request, query, results, mode, shown)
    return response, None if mode in HANDLED else mode


def side_page(request: Request) -> Response | None:
    """The pages a block leads to: Google's consent wall and its /sorry/ CAPTCHA."""
    if request.host == "consent.google.com":
        return html(_CONSENT.format(back=escape(request.query.get("continue", "https://www.google.com/"))))
    if request.host == "www.google.com" and request.path.startswith("/sorry/"):
        back = request.query.get("continue", "https://www.google.com/")
        return html(_SORRY.format(back=escape(back), token=_token(back)), 429)
    return None


# ---------------------------------------------------------------------------------------------------------
# Google


def _google(request: Request, query: str, ranking: Sequence[Result], mode: str | None, extras: Extras) -> Response:
    if mode == "consent":
        back = quote(request.url, safe="")
        return redirect(f"https://consent.google.com/ml?continue={back}&gl=CA&m=0&pc=srp&hl=fr&src=1", 302)
    if mode == "sorry":
        back = quote(request.url, safe="")
        return redirect(f"https://www.google.com/sorry/index?continue={back}&q={_token(request.url)}", 302)
    if mode == "malformed":
        return html(
            _google_document(
                query,
                '<div id="search"><section class="results-v3"><article><p>'
                "Résultats en cours de chargement…</p></article></section></div>",
            )
        )
    start = _int(request.param("start"), 0)
    page = ranking[start : start + PAGE]
    if not page:
        body = (
            f'<div id="topstuff"><div class="card-section"><p>Aucun document ne correspond aux termes de '
            f"recherche spécifiés (<em>{escape(query)}</em>).</p></div></div>"
        )
        return html(_google_document(query, body))
    ads = _google_ad() if start == 0 else ""
    blocks = "\n".join(_google_block(r, query, start + i) for i, r in enumerate(page))
    side = ""
    if start == 0:
        blocks = f"{google_blocks(extras)}\n{blocks}"
        side = google_side(extras)
    nav = ""
    if start + PAGE < len(ranking):
        href = escape("/search?" + urlencode({"q": query, "start": start + PAGE}))
        link = f'<a id="pnnext" href="{href}"><span>Suivant</span></a>'
        nav = f'<div id="botstuff"><div role="navigation">{link}</div></div>'
    body = f"""<div id="taw">{ads}</div>
<div id="res" role="main"><div id="search"><div data-async-context="query:{escape(quote(query))}"><div id="rso">
{blocks}
</div></div></div></div>
{side}
{nav}"""
    return html(_google_document(query, body))


def _google_block(result: Result, query: str, index: int) -> str:
    ved = _token(f"{result.url}|{index}")[:20]
    href = escape(f"/url?q={quote(result.url, safe='')}&sa=U&ved={ved}&usg=AOvVaw{ved[:12]}")
    return f"""<div class="MjjYud"><div class="g Ww4FFb vt6azd tF2Cxc asEBEc" data-hveid="CA{index}QAA">
<div class="N54PNb BToiNc"><div class="kb0PBd A9Y9g jGGQ5e" data-snf="x5WNvb"><div class="yuRUbf"><div><span>
<a jsname="UWckNb" href="{href}"><br><h3 class="LC20lb MBeuO DKV0Md">{escape(result.title)}</h3>
<div class="notranslate"><cite class="qLRx3b tjvcx GvPZzd" role="text">{escape(crumbs(result.url))}</cite></div></a>
</span></div></div></div>
<div class="kb0PBd A9Y9g" data-sncf="1"><div class="VwiC3b yXK7lf p4wth r025kc">
<span>{marked(result.snippet, query, "em")}</span></div></div>
</div></div></div>"""


def _google_ad() -> str:
    target = quote(AD.url, safe="")
    return f"""<div id="tvcap"><div id="tads" aria-label="Annonces"><div data-text-ad="1" class="uEierd">
<a href="https://www.googleadservices.com/pagead/aclk?sa=L&amp;adurl={target}">
<div role="heading"><span>{escape(AD.title)}</span></div></a>
<span class="U3A9Ac">Sponsorisé</span><div class="MUxGbd">{escape(AD.snippet)}</div></div></div></div>"""


def _google_document(query: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{escape(query)} - Recherche Google</title>
<style>body{{font-family:arial,sans-serif}} .g{{margin:0 0 28px}} cite{{color:#4d5156}}</style></head>
<body jsmodel="hspDDf"><div id="searchform"><form action="/search" role="search">
<textarea name="q" aria-label="Rech.">{escape(query)}</textarea></form></div>
<div id="main"><div id="cnt"><div id="center_col">
{body}
</div></div></div></body></html>
"""


_CONSENT = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Avant d'accéder à Google</title></head>
<body><div class="saveButtonContainer"><h1>Avant d'accéder à Google</h1>
<p>Google utilise des cookies et des données pour fournir ses services, mesurer l'audience et personnaliser
les annonces. Choisissez « Tout accepter » ou « Tout refuser ».</p>
<form action="https://consent.google.com/save" method="POST"><input type="hidden" name="continue" value="{back}">
<input type="hidden" name="set_eom" value="true"><button type="submit">Tout refuser</button></form>
<form action="https://consent.google.com/save" method="POST"><input type="hidden" name="continue" value="{back}">
<input type="hidden" name="set_eom" value="false"><button type="submit">Tout accepter</button></form>
</div></body></html>
"""

_SORRY = """<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"><title>{back}</title></head>
<body style="font-family: arial, sans-serif; padding: 20px"><div style="max-width: 400px">
<form id="captcha-form" action="index" method="post">
<div id="recaptcha" class="g-recaptcha" data-sitekey="sandbox"></div>
<input type="hidden" name="q" value="{token}"><input type="hidden" name="continue" value="{back}"></form>
<div style="font-size: 13px"><b>About this page</b><br><br>Our systems have detected unusual traffic from your
computer network. This page checks whether it is really you sending the requests, and not a robot.<br><br>
IP address: 203.0.113.7<br>URL: {back}</div></div></body></html>
"""


# ---------------------------------------------------------------------------------------------------------
# Bing


def _bing(request: Request, query: str, ranking: Sequence[Result], mode: str | None, extras: Extras) -> Response:
    if mode == "challenge":
        return html(_CHALLENGE)
    if mode == "malformed":
        return html(
            _bing_document(
                query,
                '<div id="b_content"><main class="serp-next"><section>'
                "<p>Chargement des résultats…</p></section></main></div>",
            )
        )
    start = max(_int(request.param("first"), 1), 1) - 1
    page = ranking[start : start + PAGE]
    if not page:
        items = (
            f'<li class="b_no"><h1>Il n’existe aucun résultat pour <strong>{escape(query)}</strong></h1>'
            "<ul><li><span>Vérifiez l’orthographe ou essayez d’autres mots-clés.</span></li></ul></li>"
        )
    else:
        ad = _bing_ad() + bing_blocks(extras) if start == 0 else ""
        items = ad + "\n".join(_bing_item(r, query, start + i) for i, r in enumerate(page))
        if start + PAGE < len(ranking):
            href = escape("/search?" + urlencode({"q": query, "first": start + PAGE + 1}))
            items += (
                f'\n<li class="b_pag"><nav role="navigation" aria-label="Plus de résultats"><ul class="sb_pagF">'
                f'<li><a class="sb_pagN sb_pagN_bp b_widePag sb_bp" title="Page suivante" href="{href}">'
                "Suivant</a></li></ul></nav></li>"
            )
    body = f'<main aria-label="Résultats de la recherche"><ol id="b_results" role="main">\n{items}\n</ol></main>'
    if start == 0:
        body += bing_side(extras)
    return html(_bing_document(query, body))


def _bing_item(result: Result, query: str, index: int) -> str:
    encoded = base64.urlsafe_b64encode(result.url.encode("utf-8")).decode("ascii").rstrip("=")
    href = escape(f"https://www.bing.com/ck/a?!&&p={_token(result.url)[:32]}&u=a1{encoded}&ntb=1")
    host = urlsplit(result.url).hostname or ""
    return f"""<li class="b_algo" data-tag="" data-partnertag="" data-id="" data-bm="{index + 6}">
<div class="b_tpcn"><a class="tilk" href="{href}" h="ID=SERP,{5080 + index}.1"><div class="tptxt">
<div class="tptt">{escape(host)}</div>
<div class="tpmeta"><div class="b_attribution"><cite>{escape(crumbs(result.url))}</cite></div></div>
</div></a></div>
<h2><a href="{href}" h="ID=SERP,{5081 + index}.1">{escape(result.title)}</a></h2>
<div class="b_caption" role="contentinfo">
<p class="b_lineclamp2">{marked(result.snippet, query, "strong")}</p></div></li>"""


def _bing_ad() -> str:
    return f"""<li class="b_ad b_adTop"><ul><li><div class="sb_add sb_adTA">
<h2><a href="https://www.bing.com/aclk?ld=sandbox&amp;u={quote(AD.url, safe="")}">{escape(AD.title)}</a></h2>
<div class="b_caption"><p>{escape(AD.snippet)}</p></div></div></li></ul></li>
"""


def _bing_document(query: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="fr" xml:lang="fr" xmlns="http://www.w3.org/1999/xhtml"><head>
<meta content="text/html; charset=utf-8" http-equiv="content-type"/><title>{escape(query)} - Recherche</title></head>
<body><header id="b_header"><form action="/search" id="sb_form"><input id="sb_form_q" name="q" value="{escape(query)}"/>
</form></header>
{body}
</body></html>
"""


_CHALLENGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Bing</title></head>
<body><div id="b_content"><div class="captcha"><h1>Dernière étape</h1>
<p>Please solve the challenge below to continue.</p>
<div id="turingCaptcha"><form action="/turing/captcha/challenge" method="post">
<input type="hidden" name="rid" value="sandbox"></form></div></div></div></body></html>
"""


# ---------------------------------------------------------------------------------------------------------


def _token(seed: str) -> str:
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def _int(value: str, default: int) -> int:
    return int(value) if value.strip().isdigit() else default
