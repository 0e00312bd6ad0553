"""Walled profiles: networks that hide a profile from a logged-out client behind a login or JavaScript.

LinkedIn: HTTP 999 or a redirect to /authwall. X: a JavaScript shell whose static HTML holds no anchor; the
script inserts a t.co link, and t.co answers a 301 to the real target. Facebook: only og: tags.
"""

from __future__ import annotations

import hashlib
from html import escape

from auditor.sandbox.scenario import Month, Page
from auditor.sandbox.wire import HTML, Request, Response, display, html, redirect, script_json

# ---------------------------------------------------------------------------------------------------------
# LinkedIn


def linkedin_999() -> Response:
    """LinkedIn's answer to logged-out clients: status 999 and a script that sends browsers to /authwall."""
    body = """<html><head>
<script type="text/javascript">
window.onload = function() {
  var trk = "bf";
  location.href = "https://www.linkedin.com/authwall?trk=" + trk + "&sessionRedirect=" +
    encodeURIComponent(location.href);
};
</script>
</head></html>
"""
    return Response(999, body.encode("utf-8"), HTML, reason="Request denied")


def linkedin_authwall() -> Response:
    return html("""<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>S’inscrire | LinkedIn</title></head>
<body class="authwall">
  <main>
    <h1>Rejoignez votre réseau professionnel</h1>
    <form class="join-form" action="/signup/cold-join" method="post">
      <input type="email" name="email-address" autocomplete="username">
      <input type="password" name="password" autocomplete="new-password">
      <button type="submit">Accepter et s’inscrire</button>
    </form>
    <p>Déjà inscrit·e sur LinkedIn ? <a href="/login">S’identifier</a></p>
  </main>
</body>
</html>
""")


def linkedin_public(page: Page) -> str:
    """A LinkedIn profile without a login wall (what crawlers sometimes get): og: tags and the website."""
    website = (
        (
            f'\n    <a class="top-card-link" href="{escape(page.website)}" rel="nofollow">'
            f"{escape(display(page.website))}</a>"
        )
        if page.website
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <title>{escape(page.title or page.name + " | LinkedIn")}</title>
  <meta property="og:title" content="{escape(page.name)}">
  <meta property="og:description" content="{escape(page.description)}">
  <meta property="og:url" content="{escape(page.url)}">
</head>
<body>
  <section class="top-card-layout">
    <h1 class="top-card-layout__title">{escape(page.name)}</h1>
    <h2 class="top-card-layout__headline">{escape(page.description)}</h2>{website}
  </section>
</body>
</html>
"""


# ---------------------------------------------------------------------------------------------------------
# X and t.co


def tco_link(url: str) -> str:
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    number, code = int(hashlib.sha256(url.encode("utf-8")).hexdigest(), 16) % 10**17, ""
    for _ in range(10):
        number, digit = divmod(number, len(alphabet))
        code += alphabet[digit]
    return f"https://t.co/{code}"


def x_shell(page: Page) -> str:
    """No anchor in the static HTML: the profile and its t.co link exist only once the script has run."""
    data = {
        "name": page.name,
        "screen_name": page.handle,
        "description": page.description,
        "location": page.location,
        "url": tco_link(page.website) if page.website else None,
        "display_url": display(page.website) if page.website else None,
    }
    return f"""<!DOCTYPE html>
<html dir="ltr" lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width,initial-scale=1,maximum-scale=1,user-scalable=0">
  <title>X</title>
</head>
<body>
  <noscript><div>JavaScript is not available. We’ve detected that JavaScript is disabled in this browser.
  Please enable JavaScript or switch to a supported browser to continue using x.com.</div></noscript>
  <div id="react-root"></div>
  <script type="application/json" id="profile-data">{script_json(data)}</script>
  <script>
  (function () {{
    var user = JSON.parse(document.getElementById("profile-data").textContent);
    var root = document.getElementById("react-root");
    document.title = user.name + " (@" + user.screen_name + ") / X";
    var header = document.createElement("div");
    header.setAttribute("data-testid", "UserName");
    header.textContent = user.name + " @" + user.screen_name;
    root.appendChild(header);
    var bio = document.createElement("div");
    bio.setAttribute("data-testid", "UserDescription");
    bio.textContent = user.description;
    root.appendChild(bio);
    if (user.url) {{
      var link = document.createElement("a");
      link.setAttribute("data-testid", "UserUrl");
      link.href = user.url;
      link.rel = "noopener noreferrer nofollow";
      link.target = "_blank";
      link.textContent = user.display_url;
      root.appendChild(link);
    }}
  }})();
  </script>
</body>
</html>
"""


def tco(request: Request, month: Month) -> Response:
    """t.co answers a 301 to the expanded URL of a link some X profile of this month holds."""
    wanted = f"https://t.co{request.path}"
    for page in month.pages.values():
        if page.kind == "x" and page.website and tco_link(page.website) == wanted:
            return redirect(page.website, 301)
    return html("<html><body>Not Found</body></html>", 404)


# ---------------------------------------------------------------------------------------------------------
# Facebook


def facebook_page(page: Page) -> str:
    """og: metadata, as served to link-preview clients; the rest is behind a login."""
    return f"""<!DOCTYPE html>
<html lang="fr" id="facebook">
<head>
  <meta charset="utf-8">
  <title>{escape(page.title or page.name + " | Facebook")}</title>
  <meta property="og:title" content="{escape(page.name)}">
  <meta property="og:description" content="{escape(page.description)}">
  <meta property="og:url" content="{escape(page.url)}">
  <meta property="og:type" content="profile">
  <meta property="og:site_name" content="Facebook">
</head>
<body class="UIPage_LoggedOut">
  <div id="login_popup_cta_form">
    <h2>Voir plus de contenu de {escape(page.name)} sur Facebook</h2>
    <a href="/login/" role="button">Se connecter</a> ou <a href="/reg/" role="button">Créer un compte</a>
  </div>
</body>
</html>
"""


# ---------------------------------------------------------------------------------------------------------
# Instagram


def instagram_page(page: Page) -> str:
    """What a logged-out client gets when Instagram shows anything at all: og: tags and a login prompt."""
    return f"""<!DOCTYPE html>
<html lang="fr" class="no-js not-logged-in">
<head>
  <meta charset="utf-8">
  <title>{escape(page.title or page.name + " • Photos et vidéos Instagram")}</title>
  <meta property="og:title" content="{escape(page.name)} (@{escape(page.handle)}) • Instagram">
  <meta property="og:description" content="{escape(page.description)}">
  <meta property="og:url" content="{escape(page.url)}">
</head>
<body>
  <div id="react-root"><a href="/accounts/login/">Se connecter</a></div>
</body>
</html>
"""


def login_page() -> Response:
    """The login form a wall redirects to (Instagram's /accounts/login/)."""
    return html("""<!DOCTYPE html>
<html lang="fr" class="not-logged-in">
<head><meta charset="utf-8"><title>Connexion • Instagram</title></head>
<body>
  <form id="loginForm" method="post" action="/accounts/login/ajax/">
    <input name="username" autocomplete="username"><input name="password" type="password">
    <button type="submit">Se connecter</button>
  </form>
</body>
</html>
""")
