"""A host split at its public suffix (`fr.linkedin.com` -> `fr`, `linkedin`, `com`), as tldextract splits it.

The data is tldextract's own bundled snapshot of the Public Suffix List (never fetched), read here with
tldextract's rules (ICANN section only, its trie walk, its IP and punycode handling), so every answer is the
library's: `tests/identify/test_suffixes.py` compares the two over many hosts. The library itself is not
imported because its module imports `requests` and `filelock` (about 0.13 s) and its first call parses the
list again: a price every command that validates a config would pay before doing anything.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any
from urllib.parse import scheme_chars

SNAPSHOT = ".tld_set_snapshot"
"""The file tldextract ships its Public Suffix List in."""

_RULE = re.compile(r"^(?P<suffix>[.*!]*\w[\S]*)", re.UNICODE | re.MULTILINE)
_PRIVATE_SECTION = "// ===BEGIN PRIVATE DOMAINS==="
_IPV4 = re.compile(
    r"^(?:(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.)"
    r"{3}(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])$",
    re.ASCII,
)
_SCHEME_CHARS = frozenset(scheme_chars)
_IDEOGRAPHIC_DOTS = ("\u3002", "\uff0e", "\uff61")

_Node = dict[str | None, Any]
"""A trie node: each next label (the list's labels read from the right) to its node; the key None (never a
label) marks the end of a rule."""


@dataclass(frozen=True)
class HostParts:
    """The three parts tldextract names: `subdomain.domain.suffix`, each "" when absent. Casing is the input's."""

    subdomain: str
    domain: str
    suffix: str


def snapshot_path() -> Path:
    """The bundled list, found without importing tldextract (a spec lookup does not run the package)."""
    spec = find_spec("tldextract")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("tldextract is not installed: its bundled Public Suffix List is needed")
    return Path(next(iter(spec.submodule_search_locations))) / SNAPSHOT


@cache
def _public_rules_text() -> str:
    """The list's ICANN section (tldextract's default: private domains are names like any other)."""
    return snapshot_path().read_text(encoding="utf-8").partition(_PRIVATE_SECTION)[0]


READ_ONE_BY_ONE = 16
"""Top-level labels whose rules are read one label at a time; past that many the whole list is read once."""
_asked: set[str] = set()


def _top_level(label: str) -> _Node | None:
    """The trie below one top-level label (`com`, `jp`, `рф`); None when no rule ends in it.

    A command meets a few top-level domains: reading the rules of each on first use takes a quarter of the
    time building the whole trie takes (about 10 ms, a command's start-up). A long audit, or a page with links
    to many made-up domains, meets more, and then the whole list is read once rather than scanned again."""
    if label in _asked or len(_asked) < READ_ONE_BY_ONE:
        _asked.add(label)
        return _rules_ending_in(label)
    return _trie().get(label)


@cache
def _rules_ending_in(label: str) -> _Node | None:
    ending_in_label = re.compile(rf"^(?:\S*\.)?{re.escape(label)}(?=\s|$)", re.MULTILINE)
    node: _Node | None = None
    for line in ending_in_label.finditer(_public_rules_text()):
        found = _RULE.match(line.group())  # a rule as the whole list is read (a comment is none)
        if found is None:
            continue
        node = {} if node is None else node
        _add_rule(node, reversed(found.group("suffix").split(".")[:-1]))
    return node


@cache
def _trie() -> _Node:
    root: _Node = {}
    for found in _RULE.finditer(_public_rules_text()):
        _add_rule(root, reversed(found.group("suffix").split(".")))
    return root


def _add_rule(node: _Node, labels: Iterable[str]) -> None:
    """One rule into the trie at `node`, its labels given from the right."""
    for label in labels:
        node = node.setdefault(label, {})
    node[None] = True


def split_host(url_or_host: str) -> HostParts:
    """What `tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)(url_or_host)` answers."""
    netloc = _lenient_netloc(url_or_host)
    for dot in _IDEOGRAPHIC_DOTS:
        netloc = netloc.replace(dot, ".")
    if len(netloc) >= 4 and netloc[0] == "[" and netloc[-1] == "]" and _is_ipv6(netloc[1:-1]):
        return HostParts("", netloc, "")
    labels = netloc.split(".")
    index = _suffix_index(labels)
    if index is None:
        if len(labels) == 4 and netloc[0].isdecimal() and _IPV4.fullmatch(netloc):
            return HostParts("", netloc, "")
        return HostParts(".".join(labels[:-1]), labels[-1], "")
    subdomain = ".".join(labels[: index - 1]) if index >= 2 else ""
    domain = labels[index - 1] if index > 0 else ""
    return HostParts(subdomain, domain, ".".join(labels[index:]))


def _suffix_index(labels: list[str]) -> int | None:
    """Index of the first label of the public suffix; None when the host ends in none (tldextract's walk)."""
    node: _Node | None = None  # the root: its children are read per top-level label (the list has no rule `*`)
    suffix_index = label_index = len(labels)
    for label in reversed(labels):
        decoded = _decode_punycode(label)
        child = _top_level(decoded) if node is None else node.get(decoded)
        if child is not None:
            label_index -= 1
            node = child
            if None in node:
                suffix_index = label_index
            continue
        if node is not None and "*" in node:
            return label_index if "!" + decoded in node else label_index - 1
        break
    return None if suffix_index == len(labels) else suffix_index


def _decode_punycode(label: str) -> str:
    lowered = label.lower()
    if lowered.startswith("xn--"):
        import idna  # only for punycode labels; tldextract decodes them with it too

        try:
            return str(idna.decode(lowered))
        except (UnicodeError, IndexError):
            pass
    return lowered


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ipaddress.AddressValueError:
        return False
    return True


def _lenient_netloc(url: str) -> str:
    authority = _schemeless(url).partition("/")[0].partition("?")[0].partition("#")[0]
    after_userinfo = authority.rpartition("@")[-1]
    if after_userinfo and after_userinfo[0] == "[":
        bracketed = after_userinfo.partition("]")
        if bracketed[1] == "]":
            return f"{bracketed[0]}]"
    return after_userinfo.partition(":")[0].strip().rstrip(".\u3002\uff0e\uff61")


def _schemeless(url: str) -> str:
    slashes = url.find("//")
    if slashes == 0:
        return url[2:]
    if slashes < 2 or url[slashes - 1] != ":" or set(url[: slashes - 1]) - _SCHEME_CHARS:
        return url
    return url[slashes + 2 :]
