"""`auditor confirm`: the user's own check of a profile the auditor cannot see (a login wall)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from auditor.cli.common import (
    DEFAULT_CONFIG,
    ConfigOption,
    PersonOption,
    app,
    check_one_mode,
    invocation,
    out,
    print_table,
)
from auditor.cli.identify import MAX_LABEL_URL, shown
from auditor.errors import UsageError

if TYPE_CHECKING:  # the rest is imported when the command runs: --help stays quick
    from auditor.config import Config
    from auditor.identify.networks import Registry


def _profile_of(url: str, cfg: Config, registry: Registry) -> tuple[str, str]:
    """(profile key, normalised URL) of the configured profile `url` names (any spelling of it: the check is
    filed under the configured URL, one per profile); one line otherwise: only a profile of the config has a
    link-back to check."""
    if len(url) > MAX_LABEL_URL:
        raise UsageError(f"URL: {len(url)} characters long (at most {MAX_LABEL_URL}); copy the profile's URL again")
    try:
        given = registry.normalize(url)
        key = registry.same_page_key(url)
    except ValueError:
        raise UsageError(f"URL: {shown(url, 200)!r} is not an http(s) URL") from None
    for network, configured in cfg.profiles.items():
        try:
            if registry.same_page_key(configured) == key:
                return network, registry.normalize(configured)
        except ValueError:
            continue
    listed = ", ".join(cfg.profiles.values()) or "none"
    raise UsageError(
        f"{shown(given, 200)} is not one of {cfg.person.name}'s profiles in the config (profiles: {listed})"
    )


@app.command(short_help="Record your own check of a profile the auditor cannot see.")
def confirm(
    url: Annotated[str | None, typer.Argument(metavar="URL", help="One of your profiles (any spelling of it).")] = None,
    state: Annotated[
        str | None,
        typer.Argument(metavar="linked|not-linked", help="What you saw on it: a link to your site, or none."),
    ] = None,
    config: ConfigOption = DEFAULT_CONFIG,
    person: PersonOption = None,
    list_all: Annotated[bool, typer.Option("--list", help="List the checks of this config's person.")] = False,
    remove: Annotated[str | None, typer.Option("--remove", metavar="URL", help="Forget the check of URL.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="With --list: print JSON.")] = False,
) -> None:
    """Record that you checked a profile the auditor cannot see (LinkedIn's login wall): linked or not-linked.

    Audits count your check as the profile's link-back for `[report] manual_check_months` months (default 6)
    from today; then the report asks you to check again. `auditor rescore` applies it to stored audits.
    """
    from auditor.audit.workspace import person_config
    from auditor.identify.networks import default_registry
    from auditor.store import Store
    from auditor.store.manual_checks import remove_check, save_check
    from auditor.verify.manual import CheckState, ManualCheck, parse_state

    check_one_mode("confirm", url, state, listing=list_all, remove=remove, usage="linked|not-linked")
    cfg = person_config(config, person)
    registry = default_registry()
    if list_all:
        _print_checks(cfg, as_json)
        return
    if remove is not None:
        _, target = _profile_of(remove, cfg, registry)
        with Store.open(cfg.database_path) as store:
            removed = remove_check(store, cfg.person.name, target)
        if removed is None:
            out.print(f"No check of {shown(target)}.", highlight=False, markup=False)
        else:
            out.print(
                f"Removed your check of {shown(target)} (was: {removed.state.value}).", highlight=False, markup=False
            )
        return
    assert url is not None and state is not None
    try:
        chosen = parse_state(state)
    except ValueError as exc:
        raise UsageError(f"result: {exc}") from None
    network, target = _profile_of(url, cfg, registry)
    today = dt.date.today()
    with Store.open(cfg.database_path) as store:
        save_check(store, cfg.person.name, ManualCheck(target, chosen, today))
    what = "links to your site" if chosen is CheckState.LINKED else "does not link to your site"
    months = cfg.report.manual_check_months
    out.print(
        f"Recorded: your {registry.by_key[network].label if network in registry.by_key else network} profile "
        f"{shown(target)} {what} (checked by you on {today.isoformat()}).",
        highlight=False,
        markup=False,
    )
    out.print(
        f"Audits count it for {months} month(s) ([report] manual_check_months); "
        f"`{invocation()} rescore -c {config}` applies it to the stored audits.",
        highlight=False,
        markup=False,
    )


def _print_checks(cfg: Config, as_json: bool) -> None:
    from auditor.store import Store
    from auditor.store.manual_checks import list_checks

    checks = []
    if cfg.database_path.exists():
        with Store.open(cfg.database_path, write=False) as store:
            checks = list_checks(store, cfg.person.name)
    if as_json:
        data = [
            {"url": c.normalized_url, "state": c.state.value, "checked_on": c.checked_on.isoformat()} for c in checks
        ]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    if not checks:
        out.print(f"No check recorded for {cfg.person.name} yet.", highlight=False, markup=False)
        return
    rows = [(c.state.value, shown(c.normalized_url), c.checked_on.isoformat()) for c in checks]
    print_table(("result", "url", "checked on"), rows, title=f"Your checks of {cfg.person.name}'s profiles", whole=(1,))
