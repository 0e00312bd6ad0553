"""`suffixes.split_host` answers what tldextract answers, over the whole Public Suffix List and arbitrary input.

The hand-written reader exists only so that a command can split a host without importing tldextract (and
`requests` with it); it is acceptable only while it agrees with the library on every host.
"""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache

import tldextract
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.identify import suffixes
from auditor.identify.links import _has_public_suffix
from auditor.identify.networks import default_registry
from auditor.identify.suffixes import HostParts, split_host
from auditor.identify.urls import domain_label, registrable_domain

_LIBRARY = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def library(text: str) -> HostParts:
    found = _LIBRARY(text)
    return HostParts(found.subdomain, found.domain, found.suffix)


@cache
def rules() -> tuple[str, ...]:
    """Every rule of the bundled list, both sections (private rules must split as the library splits them
    too: as ordinary names under an ICANN suffix)."""
    text = suffixes.snapshot_path().read_text(encoding="utf-8")
    return tuple(m.group(1) for m in re.finditer(r"^([.*!]*\w\S*)", text, re.MULTILINE))


def hosts_around(rule: str) -> list[str]:
    """The rule as a host, one and two labels above it, wildcards filled, exceptions bare, and in capitals."""
    bare = rule.removeprefix("!").replace("*", "wild")
    return [bare, f"name.{bare}", f"www.name.{bare}", f"a.b.c.{bare}", f"Name.{bare.upper()}", f"{bare}."]


def test_every_rule_of_the_list_splits_as_the_library_splits_it() -> None:
    assert len(rules()) > 5000  # the real list, not an empty file
    mismatches = [
        (host, split_host(host), library(host))
        for rule in rules()
        for host in hosts_around(rule)
        if split_host(host) != library(host)
    ]
    assert mismatches == []


def test_the_data_is_the_list_tldextract_bundles() -> None:
    assert suffixes.snapshot_path().parent == __import__("pathlib").Path(tldextract.__file__).parent


EDGE_CASES = [
    "",
    ".",
    "..",
    "com",
    "localhost",
    "fr.linkedin.com",
    "forums.bbc.co.uk",
    "www.ck",
    "a.www.ck",
    "x.y.ck",
    "city.kawasaki.jp",
    "a.b.kawasaki.jp",
    "192.168.0.1",
    "256.1.1.1",
    "1.2.3",
    "[::1]",
    "[2001:db8::1]:8080",
    "[not-ipv6]",
    "http://user:pass@www.example.co.uk:8080/path?q=1#f",
    "//example.com/x",
    "mailto:someone@example.com",
    "xn--fiqs8s",
    "www.xn--fiqs8s",
    "sub.xn--55qx5d.cn",
    "xn--bad-punycode-.com",
    "xn--.com",
    "例子。中国",
    "例子．中国",
    "www.例子｡中国",
    "éxample.québec",
    "EXAMPLE.COM",
    "example.com.",
    "example.com...",
    "a..b.com",
    " example.com ",
    "emilie.substack.com",
    "scholar.google.co.uk",
    "github.io",
    "me.github.io",
    "blogspot.com",
    "x.blogspot.com",
]


def test_edge_cases_split_as_the_library_splits_them() -> None:
    assert [split_host(h) for h in EDGE_CASES] == [library(h) for h in EDGE_CASES]


def test_the_hosts_of_the_network_registry_split_as_the_library_splits_them() -> None:
    hosts = [h for n in default_registry().networks for h in (*n.hosts, *n.aliases)]
    assert len(hosts) > 40
    assert [split_host(f"fr.{h}") for h in hosts] == [library(f"fr.{h}") for h in hosts]


_IDEOGRAPHIC_DOTS = ["\u3002", "\uff0e", "\uff61"]
_LABEL_CHARS = st.sampled_from([*"abcxyz019-_.", "xn--", "ü", "é", "中", *_IDEOGRAPHIC_DOTS, "A", "Z"])
_labels = st.lists(st.lists(_LABEL_CHARS, max_size=8).map("".join), min_size=1, max_size=5)


@settings(max_examples=600, deadline=None)
@given(prefix=_labels, rule=st.integers(min_value=0))
def test_random_names_under_real_suffixes_split_as_the_library_splits_them(prefix: list[str], rule: int) -> None:
    suffix = rules()[rule % len(rules())].removeprefix("!").replace("*", "w")
    host = ".".join([*prefix, suffix])
    assert split_host(host) == library(host)


_URL_BITS = st.sampled_from([*"ab1.:/@[]?#-_ü中 ", *_IDEOGRAPHIC_DOTS, "xn--", "http://", "co.uk", "::1"])


@settings(max_examples=600, deadline=None)
@given(st.lists(_URL_BITS, max_size=20).map("".join))
def test_arbitrary_text_splits_as_the_library_splits_it(text: str) -> None:
    assert split_host(text) == library(text)


@settings(max_examples=300, deadline=None)
@given(st.ip_addresses())
def test_ip_addresses_split_as_the_library_splits_them(address: object) -> None:
    for text in (str(address), f"[{address}]", f"http://[{address}]:81/"):
        assert split_host(text) == library(text)


def test_the_helpers_built_on_it_agree_with_the_library() -> None:
    for host in ("fr.linkedin.com", "a.b.bbc.co.uk", "localhost", "10.0.0.1", "emilietremblayrh.ca", "node.js"):
        parts = _LIBRARY(host)
        expected_domain = f"{parts.domain}.{parts.suffix}" if parts.domain and parts.suffix else host
        assert registrable_domain(host) == expected_domain
        assert domain_label(host) == (parts.domain if parts.suffix else "")
        assert _has_public_suffix(host) == bool(parts.domain and parts.suffix)


def test_splitting_a_host_imports_neither_tldextract_nor_requests() -> None:
    probe = (
        "import sys\nfrom auditor.identify.urls import registrable_domain\n"
        "assert registrable_domain('fr.linkedin.com') == 'linkedin.com'\n"
        "print(sorted(m for m in ('tldextract', 'requests', 'filelock') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_rules_read_one_top_level_label_at_a_time_are_the_whole_lists() -> None:
    # A command reads the rules of the first few top-level labels it meets one by one, then the whole list:
    # both must give the same trie, for every top-level label of the list and for labels it does not have.
    whole = suffixes._trie()
    assert len(whole) > 1000
    for label in [*whole, "example", "localhost", "1", "xn--p1ai", "co", "k"]:
        assert suffixes._rules_ending_in(label) == whole.get(label), label


def test_a_command_meeting_few_top_level_domains_does_not_read_the_whole_list() -> None:
    probe = (
        "from auditor.identify import suffixes\n"
        "hosts = ['fr.linkedin.com', 'emilie.example', 'forums.bbc.co.uk', 'x.y.ck', 'city.kawasaki.jp']\n"
        "print([suffixes.split_host(h).suffix for h in hosts], suffixes._trie.cache_info().currsize)\n"
        "for n in range(suffixes.READ_ONE_BY_ONE + 1):\n"
        "    suffixes.split_host(f'name.made-up-{n}')\n"
        "print(suffixes._trie.cache_info().currsize)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["['com', '', 'co.uk', 'y.ck', 'kawasaki.jp'] 0", "1"]
