"""URL normalisation and unwrapping: one canonical form per page; idempotent."""

from __future__ import annotations

import base64
import string
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.identify.networks import default_registry
from auditor.identify.urls import http_url_problem, is_http_url, normalize, registrable_domain, unwrap

REGISTRY = default_registry()

CASES = [
    # scheme and host case, default ports, fragments
    ("HTTPS://Example.COM/Path", "https://example.com/Path"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("https://example.com:8443/a", "https://example.com:8443/a"),
    ("http://example.com:443/a", "http://example.com:443/a"),
    ("https://example.com/a#section", "https://example.com/a"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com.", "https://example.com/"),
    # mobile and www prefixes
    ("https://www.example.com/a", "https://example.com/a"),
    ("https://m.facebook.com/emilie.tremblay", "https://facebook.com/emilie.tremblay"),
    ("https://mobile.twitter.com/emilie_tremblay", "https://x.com/emilie_tremblay"),
    ("https://www.m.example.com/", "https://example.com/"),
    # country subdomains of LinkedIn, and aliases
    ("https://fr.linkedin.com/in/emilietremblay", "https://linkedin.com/in/emilietremblay"),
    ("https://ca.linkedin.com/in/emilietremblay/", "https://linkedin.com/in/emilietremblay"),
    ("https://twitter.com/emilie_tremblay", "https://x.com/emilie_tremblay"),
    ("https://www.twitter.com/emilie_tremblay", "https://x.com/emilie_tremblay"),
    # trailing slash, repeated slashes, percent-encoding
    ("https://example.com/a/b/", "https://example.com/a/b"),
    ("https://example.com//a///b", "https://example.com/a/b"),
    ("https://example.com/%7Eemilie", "https://example.com/~emilie"),
    ("https://example.com/caf%C3%A9", "https://example.com/caf%C3%A9"),
    ("https://example.com/café", "https://example.com/caf%C3%A9"),
    ("https://example.com/a/%2Fb", "https://example.com/a/b"),
    # tracking parameters stripped, others kept and sorted
    ("https://example.com/?utm_source=x&utm_medium=y&utm_campaign=z", "https://example.com/"),
    ("https://example.com/p?fbclid=IwAR0&gclid=Cj0&b=2&a=1", "https://example.com/p?a=1&b=2"),
    ("https://www.linkedin.com/in/emilietremblay?originalSubdomain=ca", "https://linkedin.com/in/emilietremblay"),
    ("https://example.com/p?UTM_Source=x&id=7", "https://example.com/p?id=7"),
    ("https://example.com/p?q=a+b", "https://example.com/p?q=a+b"),
    # wrappers
    (
        "//duckduckgo.com/l/?uddg=https%3A%2F%2Femilietremblay.ca%2Fblog%2F&rut=abc123",
        "https://emilietremblay.ca/blog",
    ),
    ("https://www.google.com/url?q=https://github.com/etremblay&sa=U&ved=2ah", "https://github.com/etremblay"),
    ("https://www.google.ca/url?q=https://github.com/etremblay", "https://github.com/etremblay"),  # any country
    ("https://www.google.co.uk/url?url=https://github.com/etremblay", "https://github.com/etremblay"),
    (
        "https://google.evil.example/url?q=https://github.com/etremblay",
        "https://google.evil.example/url?q=https%3A%2F%2Fgithub.com%2Fetremblay",
    ),
    ("https://l.facebook.com/l.php?u=https%3A%2F%2Femilietremblay.ca%2F&h=AT0xyz", "https://emilietremblay.ca/"),
    # IDN and IPv6
    ("http://xn--cole-9oa.ca/", "http://école.ca/"),
    ("http://[2001:db8::1]:8080/a/", "http://[2001:db8::1]:8080/a"),
    ("http://[2001:DB8::1]/", "http://[2001:db8::1]/"),
]


@pytest.mark.parametrize(("url", "expected"), CASES)
def test_normalize(url: str, expected: str) -> None:
    assert REGISTRY.normalize(url) == expected


def test_plain_normalize_does_not_alias_or_fold_countries() -> None:
    assert normalize("https://twitter.com/a") == "https://twitter.com/a"
    assert normalize("https://fr.linkedin.com/in/a") == "https://fr.linkedin.com/in/a"
    folded = normalize("https://fr.linkedin.com/in/a", fold_country=frozenset({"linkedin.com"}))
    assert folded == "https://linkedin.com/in/a"


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "mailto:emilie@example.com",
        "ftp://example.com/file",
        "data:text/html,<b>x</b>",
        "/relative/path",
        "",
        "https://",
        "http://./",
        "http://[::1]@]/",
    ],
)
def test_non_http_input_raises_value_error(value: str) -> None:
    with pytest.raises(ValueError):
        normalize(value)


def test_unwrap_nested_wrappers() -> None:
    inner = "https://l.facebook.com/l.php?u=" + quote("https://emilietremblay.ca/contact", safe="")
    outer = "//duckduckgo.com/l/?uddg=" + quote(inner, safe="") + "&rut=ff"
    assert unwrap(outer) == "https://emilietremblay.ca/contact"


def test_unwrap_leaves_ordinary_urls_alone() -> None:
    assert unwrap("https://example.com/l/?uddg=https%3A%2F%2Fx.ca") == "https://example.com/l/?uddg=https%3A%2F%2Fx.ca"
    assert unwrap("https://duckduckgo.com/l/?rut=abc") == "https://duckduckgo.com/l/?rut=abc"


def test_a_wrapped_javascript_target_comes_out_as_what_it_is_and_never_normalises() -> None:
    wrapped_js = "//duckduckgo.com/l/?uddg=javascript%3Aalert(document.cookie)&rut=ab"
    assert unwrap(wrapped_js) == "javascript:alert(document.cookie)"
    with pytest.raises(ValueError):
        REGISTRY.normalize(wrapped_js)


def test_registrable_domain_uses_the_public_suffix_list() -> None:
    assert registrable_domain("fr.linkedin.com") == "linkedin.com"
    assert registrable_domain("news.bbc.co.uk") == "bbc.co.uk"
    assert registrable_domain("localhost") == "localhost"


def test_is_http_url() -> None:
    assert is_http_url(" https://emilietremblay.ca ")
    assert is_http_url("http://example.com/x")
    assert not is_http_url("emilietremblay.ca")
    assert not is_http_url("javascript:alert(1)")
    assert not is_http_url("https://")


# -- idempotence ----------------------------------------------------------------------------------------

_LABEL = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=10)
_UNICODE_LABEL = st.text(alphabet="abcdeéèçàüñß東京ыж", min_size=1, max_size=6)
_HOST = st.one_of(
    st.builds(
        lambda prefix, labels, tld: prefix + ".".join(labels) + "." + tld,
        st.sampled_from(["", "www.", "WWW.", "m.", "mobile.", "fr.", "ca.", "l."]),
        st.lists(st.one_of(_LABEL, _UNICODE_LABEL), min_size=1, max_size=3),
        st.sampled_from(["com", "ca", "org", "co.uk", "io", "fr", "social"]),
    ),
    st.builds(
        lambda prefix, known: prefix + known,
        st.sampled_from(["", "www.", "m.", "fr.", "ca."]),
        st.sampled_from(
            ["linkedin.com", "twitter.com", "x.com", "github.com", "facebook.com", "duckduckgo.com", "google.com"]
        ),
    ),
    st.sampled_from(["[2001:db8::1]", "127.0.0.1", "xn--cole-9oa.ca"]),
)
_SEGMENT = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="?#\x00"), max_size=8),
    st.sampled_from(["%2F", "%2f", "%25", "%7E", "~", "", "%", "a%2Fb", "%252F", ".", "..", "caf%C3%A9"]),
)
_QUERY_KEY = st.one_of(
    st.sampled_from(["utm_source", "UTM_medium", "fbclid", "gclid", "q", "a", "uddg", "u", "url", "page"]),
    st.text(max_size=5),
)


@st.composite
def http_urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "Https"]))
    port = draw(st.sampled_from(["", ":80", ":443", ":8080"]))
    path = "/" + "/".join(draw(st.lists(_SEGMENT, max_size=4)))
    if draw(st.booleans()):
        path = quote(path, safe="/%")
    pairs = draw(st.lists(st.tuples(_QUERY_KEY, st.text(max_size=8)), max_size=4))
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)
    fragment = draw(st.sampled_from(["", "#top", "#é"]))
    return f"{scheme}://{draw(_HOST)}{port}{path}" + (f"?{query}" if query else "") + fragment


@settings(max_examples=400, deadline=None)
@given(http_urls())
def test_normalize_is_idempotent(url: str) -> None:
    once = normalize(url)
    assert normalize(once) == once
    registered = REGISTRY.normalize(url)
    assert REGISTRY.normalize(registered) == registered


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["http://", "https://", "https://Example.COM.", "http://ÉCOLE.ca", "http://[::1]"]), st.text())
def test_normalize_is_idempotent_or_refuses(head: str, tail: str) -> None:
    try:
        once = REGISTRY.normalize(head + tail)
    except ValueError:
        return
    assert REGISTRY.normalize(once) == once


# -- redirect wrappers, shorteners, hosts and odd input (issue 4) ----------------------------------------

WRAPPED = [
    (
        "https://www.linkedin.com/redir/redirect?url=https%3A%2F%2Femilietremblay%2Eca%2F&urlhash=Ab1&trk=public",
        "https://emilietremblay.ca/",
    ),
    (
        "https://www.linkedin.com/safety/go?url=https%3A%2F%2Femilietremblay.ca%2Fblog&trk=flagship",
        "https://emilietremblay.ca/blog",
    ),
    ("https://lm.facebook.com/l.php?u=https%3A%2F%2Femilietremblay.ca%2F&h=AT3", "https://emilietremblay.ca/"),
    ("https://l.instagram.com/?u=https%3A%2F%2Femilietremblay.ca%2F&e=AT1", "https://emilietremblay.ca/"),
    ("https://www.youtube.com/redirect?q=https%3A%2F%2Femilietremblay.ca%2F&v=x", "https://emilietremblay.ca/"),
    # Bing's `u` is "a1" + the target in URL-safe base64 without padding
    ("https://www.bing.com/ck/a?!&&p=9f&u=a1aHR0cHM6Ly9lbWlsaWV0cmVtYmxheS5jYS8&ntb=1", "https://emilietremblay.ca/"),
    ("https://out.reddit.com/t3_x?url=https%3A%2F%2Femilietremblay.ca%2F&token=y", "https://emilietremblay.ca/"),
]


@pytest.mark.parametrize(("url", "expected"), WRAPPED)
def test_redirect_wrappers_are_unwrapped(url: str, expected: str) -> None:
    assert REGISTRY.normalize(url) == expected


def test_a_bing_wrapper_that_does_not_decode_stays_wrapped() -> None:
    odd = "https://www.bing.com/ck/a?u=a1%%%notbase64"
    assert REGISTRY.normalize(odd).startswith("https://bing.com/ck/a?")


@pytest.mark.parametrize("url", ["https://lnkd.in/eAbC123", "https://t.co/AbC123", "https://bit.ly/3xYz"])
def test_shorteners_stay_as_they_are_offline(url: str) -> None:
    # Their target is not in the URL; verify follows them when a profile links through one.
    assert REGISTRY.normalize(url) == url
    assert REGISTRY.match(url) is None  # lnkd.in is LinkedIn's shortener, not LinkedIn


def test_unwrapping_stops_after_a_few_layers() -> None:
    url = "https://emilietremblay.ca/"
    for _ in range(8):
        url = "https://l.facebook.com/l.php?u=" + quote(url, safe="")
    assert unwrap(url).startswith("https://l.facebook.com/l.php?u=")  # at most MAX_UNWRAP layers, no loop


IDN_HOSTS = [
    ("https://xn--milietremblay-9gb.ca/", "https://émilietremblay.ca/"),
    ("https://ÉMILIETREMBLAY.ca/", "https://émilietremblay.ca/"),
    ("https://ｅｍｉｌｉｅｔｒｅｍｂｌａｙ.ca/", "https://emilietremblay.ca/"),  # full-width letters, as IDNA maps them
    ("https://www.xn--cole-9oa.ca/a/", "https://école.ca/a"),
    ("https://xn--zz.ca/", "https://xn--zz.ca/"),  # invalid punycode stays as it is
]


@pytest.mark.parametrize(("url", "expected"), IDN_HOSTS)
def test_idn_hosts(url: str, expected: str) -> None:
    assert REGISTRY.normalize(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://exa mple.com/",
        "http://a..b.com/",
        "http://exa<mple.com/",
        "http://[::1/",
        "http://a.com:99999/",
        "http://[zz::1]/",
    ],
)
def test_hosts_no_page_can_live_on_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        REGISTRY.normalize(url)


def test_a_url_of_several_kilobytes() -> None:
    long_path = "https://example.com/" + "a" * 6000 + "?utm_source=x&" + "&".join(f"k{i}=v" for i in range(300))
    normalized = REGISTRY.normalize(long_path)
    assert normalized.startswith("https://example.com/aaaa")
    assert "utm_source" not in normalized
    assert REGISTRY.normalize(normalized) == normalized
    with pytest.raises(ValueError) as refused:
        REGISTRY.normalize("ftp://" + "x" * 8000)
    assert len(str(refused.value)) < 300  # the message quotes a bounded part of the input


def test_odd_unicode_in_paths_normalises_and_is_stable() -> None:
    for url in (
        "https://x.com/e\u202etremblay",
        "https://github.com/e\u200btremblay",
        "https://example.com/\ufeff/\x7f",
    ):
        once = REGISTRY.normalize(url)
        assert REGISTRY.normalize(once) == once


_WRAPPERS = st.sampled_from(
    [
        lambda u: "//duckduckgo.com/l/?uddg=" + quote(u, safe="") + "&rut=abc",
        lambda u: "https://www.google.com/url?q=" + quote(u, safe="") + "&sa=U",
        lambda u: "https://www.google.fr/url?url=" + quote(u, safe=""),
        lambda u: "https://l.facebook.com/l.php?u=" + quote(u, safe="") + "&h=AT0",
        lambda u: "https://www.linkedin.com/redir/redirect?url=" + quote(u, safe="") + "&urlhash=x",
        lambda u: "https://www.bing.com/ck/a?!&&p=1&u=a1" + base64.urlsafe_b64encode(u.encode()).decode().rstrip("="),
    ]
)


@settings(max_examples=150, deadline=None)
@given(http_urls(), st.lists(_WRAPPERS, min_size=1, max_size=3))
def test_wrapped_urls_normalise_like_their_target_and_idempotently(url: str, wrappers: list) -> None:  # type: ignore[type-arg]
    try:
        expected = REGISTRY.normalize(url)
    except ValueError:
        return  # a target no page lives on is refused however it is wrapped
    wrapped = url
    for wrap in wrappers:
        wrapped = wrap(wrapped)
    assert REGISTRY.normalize(wrapped) == expected
    assert REGISTRY.normalize(REGISTRY.normalize(wrapped)) == expected


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://a.example:99999/", "port 99999 is not a port number (1-65535)"),
        ("https://a.example:0/", "port 0 is not a port number (1-65535)"),
        ("https://a.example:-1/", "port '-1' is not a port number (1-65535)"),
        ("https://a.example:abc/", "port 'abc' is not a port number (1-65535)"),
        ("a.example", "not an http(s) URL"),
        ("ftp://a.example/", "not an http(s) URL"),
        ("http://[::1", "not an http(s) URL"),
        ("https://a.example:8443/x", None),
    ],
)
def test_why_a_url_cannot_be_used_names_the_port(url: str, problem: str | None) -> None:
    assert http_url_problem(url) == problem
    assert is_http_url(url) is (problem is None)
