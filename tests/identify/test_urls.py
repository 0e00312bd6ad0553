"""URL normalisation and unwrapping: one canonical form per page; idempotent."""

from __future__ import annotations

import string
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.identify.networks import default_registry
from auditor.identify.urls import is_http_url, normalize, registrable_domain, same_site, unwrap

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
    (
        "https://www.google.ca/url?q=https://github.com/etremblay",
        "https://google.ca/url?q=https%3A%2F%2Fgithub.com%2Fetremblay",
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


def test_same_site_compares_normalised_hosts() -> None:
    assert same_site("https://www.emilietremblay.ca/a", "http://emilietremblay.ca:80/b")
    assert same_site("https://EmilieTremblay.ca", "https://m.emilietremblay.ca/")
    assert not same_site("https://emilietremblay.ca", "https://blog.emilietremblay.ca")
    assert not same_site("https://emilietremblay.ca", "https://emilietremblay.com")


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
