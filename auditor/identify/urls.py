"""URL normalisation: one canonical form per page, so that two spellings of one profile compare equal.

Pure functions. The normalised form is for comparing, never for fetching (it drops `www.` and the scheme's
default port, and lower-cases the host).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import ipaddress
import re
import unicodedata
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from auditor.identify.suffixes import HostParts, split_host

# Query parameters that only track the click; removing them never changes the page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "igsh",
        "si",
        "ref_src",
        "ref_url",
        "originalsubdomain",
        "trk",
        "trkinfo",
        "lipi",
        "midtoken",
        "midsig",
        "_hsenc",
        "_hsmi",
        "spm",
        "s_cid",
        "cmpid",
        "mkt_tok",
        "_ga",
        "_gl",
        "ttclid",
        "twclid",
        "li_fat_id",
        "rcm",
        "ef_id",
        "s_kwcid",
        "_openstat",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "rb_clickid",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "hsa_")

# Host prefixes that serve the same page as the bare host.
MOBILE_PREFIXES = ("www.", "m.", "mobile.", "touch.")

# Redirect wrappers: (host suffix, path, query parameter holding the target). A host suffix of `google.*`
# stands for every Google country domain (google.ca, google.co.uk ...), which all serve the same `/url`.
WRAPPERS: tuple[tuple[str, str, str], ...] = (
    ("duckduckgo.com", "/l/", "uddg"),
    ("google.*", "/url", "q"),
    ("google.*", "/url", "url"),
    ("l.facebook.com", "/l.php", "u"),
    ("lm.facebook.com", "/l.php", "u"),
    ("l.instagram.com", "/", "u"),
    ("linkedin.com", "/redir/redirect", "url"),
    ("linkedin.com", "/safety/go", "url"),
    ("bing.com", "/ck/a", "u"),
    ("youtube.com", "/redirect", "q"),
    ("out.reddit.com", "/", "url"),
)
# Shorteners (lnkd.in, t.co, bit.ly) are not wrappers: their target is not in the URL and cannot be read
# offline, so they stay as they are here (verify follows them when a profile links through one).

MAX_UNWRAP = 5


def _extract(host: str) -> HostParts:
    return split_host(host)


@lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str:
    """`fr.linkedin.com` -> `linkedin.com`; uses tldextract's bundled suffix list (never fetched), read by
    `suffixes.split_host` with tldextract's own rules."""
    parts = _extract(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host


def domain_label(host: str) -> str:
    """`www.emilietremblayrh.ca` -> `emilietremblayrh`: the registrable domain without its public suffix;
    "" when the host has none (an IP address, `localhost`, an unknown top-level domain)."""
    parts = _extract(host)
    return parts.domain if parts.suffix else ""


def is_http_url(value: str) -> bool:
    """An absolute http(s) URL with a host and, when it names one, a port a connection can use (1-65535)."""
    return http_url_problem(value) is None


def http_url_problem(value: str) -> str | None:
    """Why `value` is not a usable http(s) URL, in a few words (the port named when it is the port), or None."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:  # an unclosed "[" in the host
        return "not an http(s) URL"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "not an http(s) URL"
    try:
        port = parts.port  # raises ValueError for "abc", "-1", 99999
    except ValueError:
        written = parts.netloc.rpartition(":")[2][:20]
        return f"port {written if written.isdigit() else repr(written)} is not a port number (1-65535)"
    if port is not None and not 0 < port < 65536:
        return f"port {port} is not a port number (1-65535)"
    return None


def unwrap(url: str) -> str:
    """Follow known redirect wrappers (DuckDuckGo `uddg`, Google `/url?q=`, l.facebook.com ...) offline."""
    for _ in range(MAX_UNWRAP):
        target = _unwrap_once(url)
        if target is None:
            return url
        url = target
    return url


def _unwrap_once(url: str) -> str | None:
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    for suffix, path, param in WRAPPERS:
        if _wrapper_host(host, suffix) and parts.path.startswith(path):
            for key, value in parse_qsl(parts.query, keep_blank_values=False):
                # The wrapped target is the real one even when it is not http (a `javascript:` result must
                # come out as what it is, so it is classified and rendered as inert text).
                if key == param and value:
                    return _bing_target(value) if suffix == "bing.com" else value
    return None


def _wrapper_host(host: str, suffix: str) -> bool:
    if suffix == "google.*":
        return _extract(host).domain == "google" and host.removeprefix("www.") == registrable_domain(host)
    return host == suffix or host.endswith("." + suffix)


def _bing_target(value: str) -> str | None:
    """Bing's `u` is `a1` + the target in URL-safe base64 without padding; one that does not decode is left
    wrapped (the wrapper is then the result's URL, as the engine gave it)."""
    if not value.startswith("a1"):
        return value
    encoded = value[2:]
    try:
        decoded = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return decoded or None


def _clean_host(host: str) -> str:
    # NFKC folds what a browser's IDNA mapping folds (full-width letters); lower-casing twice keeps it stable.
    host = unicodedata.normalize("NFKC", host.lower()).lower().rstrip(".")
    # IDN hosts compare in their Unicode form; undecodable labels stay as they are.
    with contextlib.suppress(UnicodeError):
        host = host.encode("ascii").decode("idna") if "xn--" in host else host
    changed = True
    while changed:
        changed = False
        for prefix in MOBILE_PREFIXES:
            if host.startswith(prefix) and host.count(".") >= 2:
                host = host[len(prefix) :]
                changed = True
    return host


_HOST_LABEL = re.compile(r"^[\w-]+$")


def _valid_host(host: str) -> bool:
    """Letters, digits and hyphens in non-empty dot-separated labels (Unicode letters included: IDN), or an
    IPv6 literal. Anything else (`exa mple.com`, `a..b`, `x<y`) is no host a page can live on."""
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    return all(_HOST_LABEL.match(label) for label in host.split("."))


_COUNTRY_LABEL = re.compile(r"^[a-z]{2}(?:-[a-z]{2})?\.")


def normalize(url: str, *, fold_country: frozenset[str] = frozenset(), aliases: dict[str, str] | None = None) -> str:
    """The canonical comparison form of `url`.

    `fold_country`: registrable domains whose two-letter subdomains (fr.linkedin.com) are the same page.
    `aliases`: domain -> canonical domain (twitter.com -> x.com).
    Raises ValueError for anything that is not an http(s) URL.
    """
    url = unwrap(url.strip()).strip()  # a wrapped target may carry the spaces a stripped input lost
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url[:200]!r}")
    host = _clean_host(parts.hostname)
    if not host or not _valid_host(host):
        # `http://./`, `http://[::1]@]/`, `http://exa mple.com/`: no usable host, and no stable normal form.
        raise ValueError(f"not an http(s) URL with a valid host: {url[:200]!r}")
    if aliases:
        domain = registrable_domain(host)
        if domain in aliases:
            host = aliases[domain] if host == domain else host[: -len(domain)] + aliases[domain]
            host = _clean_host(host)
    if registrable_domain(host) in fold_country:
        while _COUNTRY_LABEL.match(host) and host.count(".") >= 2:
            host = _COUNTRY_LABEL.sub("", host, count=1)
    port = parts.port
    bracketed = f"[{host}]" if ":" in host else host  # an IPv6 literal keeps its brackets
    netloc = bracketed if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{bracketed}:{port}"
    # Decode then re-encode, so `%7E`, `~` and `%7e` agree; idempotent because `%` itself is re-encoded.
    # Slashes are collapsed after decoding: `/a/%2Fb` decodes to `/a//b`, which a second pass would collapse.
    path = quote(re.sub(r"/{2,}", "/", unquote(parts.path)), safe="/:@!$&'()*+,;=-._~") or "/"
    if path != "/":
        path = path.rstrip("/") or "/"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    query.sort()
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))
