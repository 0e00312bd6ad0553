"""`auditor classify` and `auditor label`: whose a URL is for this config, and the user's word on it."""

from __future__ import annotations

import json
import sys
import unicodedata
from typing import TYPE_CHECKING, Annotated, Any

import typer

from auditor.cli.common import (
    DEFAULT_CONFIG,
    ConfigOption,
    PersonOption,
    app,
    check_one_mode,
    err,
    invocation,
    out,
    print_table,
)
from auditor.errors import AuditorError, UsageError

if TYPE_CHECKING:
    from auditor.config import Config
    from auditor.identify.classify import Identity
    from auditor.identify.labels import Decision
    from auditor.identify.networks import Registry
    from auditor.models import ClassifiedResult
    from auditor.store import Store

MAX_LABEL_URL = 8192
"""Characters: no search result's URL is that long; a longer argument is a paste gone wrong, refused clearly."""
SHOWN_MAX = 300
"""Characters of a URL printed in text output (JSON output has it whole)."""
# Printed escaped: controls, invisible formatting (bidi overrides, zero-width), separators other than space.
_ESCAPED = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})


def shown(text: str, limit: int = SHOWN_MAX) -> str:
    """`text` safe for a terminal: invisible and control characters as \\u escapes, cut at `limit`."""
    safe = "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in _ESCAPED else c for c in text)
    return safe if len(safe) <= limit else f"{safe[:limit]}… ({len(text)} characters)"


def _stored_labels(cfg: Config) -> dict[str, Decision]:
    """The labels of the config's person, read-only; none when there is no history yet."""
    from auditor.store import Store
    from auditor.store.labels import load_labels

    if not cfg.database_path.exists():
        return {}
    try:
        with Store.open(cfg.database_path, write=False) as store:
            return load_labels(store, cfg.person.name)
    except AuditorError as exc:  # a damaged or newer database: classify still answers, without labels
        err.print(f"Warning: labels not read: {exc}", highlight=False, markup=False)
        return {}


def _classified(url: str, title: str, registry: Registry, who: Identity) -> tuple[ClassifiedResult, str | None]:
    from auditor.identify.classify import classify
    from auditor.models import SearchResult

    result = classify(SearchResult(0, url, title, ""), engine="", query="", registry=registry, who=who)
    try:
        found = registry.match(url)
    except ValueError:
        found = None
    return result, found.handle if found else None


@app.command("classify", short_help="Say whose each URL is, for this config (offline).")
def classify_command(
    urls: Annotated[list[str], typer.Argument(metavar="URL...", help="One or more URLs, as an engine lists them.")],
    config: ConfigOption = DEFAULT_CONFIG,
    person: PersonOption = None,
    title: Annotated[
        str, typer.Option("--title", help="The result's title, as an engine shows it (the name is looked for in it).")
    ] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON instead of text.")] = False,
) -> None:
    """Each URL's normalised form, network, handle and ownership for this config (offline; labels applied).

    A string that is not an http(s) URL is classified `other` with that reason, as an audit does with such a
    result, so a list with one bad line still gets an answer for every line.
    """
    from auditor.audit.identity import identity_for
    from auditor.audit.workspace import person_config
    from auditor.identify.networks import default_registry

    cfg = person_config(config, person, engines=False)  # offline: no engine is asked
    registry = default_registry()
    who = identity_for(cfg, registry, labels=_stored_labels(cfg))
    rows: list[dict[str, Any]] = []
    for url in urls:
        result, handle = _classified(url, title, registry, who)
        rows.append(
            {
                "input": url,
                "normalized_url": result.normalized_url or None,
                "network": result.network,
                "network_label": registry.by_key[result.network].label if result.network else None,
                "handle": handle,
                "ownership": result.ownership.value,
                "reason": result.reason,
                "label": result.label,
            }
        )
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    for row in rows:
        out.print(shown(row["input"]), highlight=False, markup=False)
        out.print(f"  normalised: {shown(row['normalized_url'] or '-')}", highlight=False, markup=False)
        network = f"{row['network_label']} ({row['network']})" if row["network"] else "- (an ordinary web page)"
        handle = f", handle {shown(row['handle'], 80)}" if row["handle"] else ""
        out.print(f"  network:    {network}{handle}", highlight=False, markup=False)
        labelled = f" [labelled {row['label']} by you]" if row["label"] else ""
        out.print(f"  ownership:  {row['ownership']}: {shown(row['reason'])}{labelled}", highlight=False, markup=False)


def _normalized_for_label(url: str, registry: Registry) -> str:
    if len(url) > MAX_LABEL_URL:
        raise UsageError(f"URL: {len(url)} characters long (at most {MAX_LABEL_URL}); copy the result's URL again")
    try:
        return registry.normalize(url)
    except ValueError:
        raise UsageError(f"URL: {shown(url, 200)!r} is not an http(s) URL") from None


@app.command(short_help="Mark a result as yours (me) or not (not-me).")
def label(
    url: Annotated[str | None, typer.Argument(metavar="URL", help="A result's URL (any spelling of it).")] = None,
    decision: Annotated[str | None, typer.Argument(metavar="me|not-me", help="Yours, or someone else's.")] = None,
    config: ConfigOption = DEFAULT_CONFIG,
    person: PersonOption = None,
    list_all: Annotated[bool, typer.Option("--list", help="List the labels of this config's person.")] = False,
    remove: Annotated[str | None, typer.Option("--remove", metavar="URL", help="Forget the label on URL.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="With --list, print the labels as JSON.")] = False,
) -> None:
    """Remember that a result is yours (me) or someone else's (not-me); every later audit applies it.

    Give URL and me or not-me; or --list to see the labels; or --remove URL to forget one.

    `me` counts it as one of your profiles in the score; `not-me` counts it as a namesake (or as an ordinary
    page when it does not carry your name). `auditor rescore` applies labels to stored audits too.
    """
    from auditor.audit.identity import identity_for
    from auditor.audit.workspace import person_config
    from auditor.identify.labels import Decision, parse_decision
    from auditor.identify.networks import default_registry
    from auditor.models import Ownership
    from auditor.store import Store
    from auditor.store.labels import save_label

    check_one_mode("label", url, decision, listing=list_all, remove=remove, usage="me|not-me")
    cfg = person_config(config, person, engines=False)  # no engine is asked
    registry = default_registry()
    if list_all:
        _print_labels(cfg, as_json)
        return
    if remove is not None:
        target = _normalized_for_label(remove, registry)
        with Store.open(cfg.database_path) as store:
            removed = _forget_same_page(store, cfg.person.name, target, registry)
        for url, previous in removed:
            out.print(f"Removed the label on {shown(url)} (was: {previous.value}).", highlight=False, markup=False)
        if not removed:
            out.print(f"No label on {shown(target)}.", highlight=False, markup=False)
        return
    assert url is not None and decision is not None
    try:
        chosen = parse_decision(decision)
    except ValueError as exc:
        raise UsageError(f"decision: {exc}") from None
    target = _normalized_for_label(url, registry)
    current, _ = _classified(url, "", registry, identity_for(cfg, registry))
    if current.ownership is Ownership.SITE or (current.ownership is Ownership.PROFILE and current.profile):
        what = "a page of your site" if current.ownership is Ownership.SITE else f"your {current.profile} profile"
        raise UsageError(
            f"{shown(target)} is {what} in {config}: the config decides whose it is, not a label",
            tip="edit [person] or [profiles] in the config instead",
        )
    with Store.open(cfg.database_path) as store:
        # One decision per page: a label given to another spelling of it (github.com/ETremblay) is replaced.
        earlier = _forget_same_page(store, cfg.person.name, target, registry, keep=target)
        was = save_label(store, cfg.person.name, target, chosen) or next((d for _, d in earlier), None)
    whose = "yours" if chosen is Decision.ME else "not yours"
    replaced = f" (was: {was.value})" if was is not None and was is not chosen else ""
    out.print(f"Labelled {shown(target)} as {whose} ({chosen.value}){replaced}.", highlight=False, markup=False)
    effect = "one of your profiles" if chosen is Decision.ME else "someone else's (a namesake if it carries your name)"
    out.print(
        f"Later audits of {cfg.person.name} count it as {effect}; "
        f"`{invocation()} rescore -c {config}` applies it to the stored audits.",
        highlight=False,
        markup=False,
    )


def _forget_same_page(
    store: Store, person: str, target: str, registry: Registry, keep: str | None = None
) -> list[tuple[str, Decision]]:
    """Remove every label of `person` on the page `target` names (any spelling of it) but `keep`."""
    from auditor.store.labels import list_labels, remove_label

    key = registry.same_page_key(target)
    removed = []
    for item in list_labels(store, person):
        if item.normalized_url != keep and _page_key(item.normalized_url, registry) == key:
            remove_label(store, person, item.normalized_url)
            removed.append((item.normalized_url, item.decision))
    return removed


def _page_key(url: str, registry: Registry) -> str | None:
    try:
        return registry.same_page_key(url)
    except ValueError:
        return None


def _print_labels(cfg: Config, as_json: bool) -> None:
    from auditor.store import Store
    from auditor.store.labels import list_labels

    labels = []
    if cfg.database_path.exists():
        with Store.open(cfg.database_path, write=False) as store:
            labels = list_labels(store, cfg.person.name)
    if as_json:
        data = [{"url": x.normalized_url, "decision": x.decision.value, "created_at": x.created_at} for x in labels]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    if not labels:
        out.print(f"No label for {cfg.person.name} yet.", highlight=False, markup=False)
        return
    rows = [(item.decision.value, shown(item.normalized_url), item.created_at) for item in labels]
    print_table(("decision", "url", "since"), rows, title=f"Labels of {cfg.person.name}", whole=(1,))
