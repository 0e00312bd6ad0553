"""Ready-made recipes that run the monthly audit unattended: a crontab line, a systemd service and timer,
a GitHub Actions workflow, for one person's config or for a workspace (everyone in one run). Pure: a config
and where things are in, file names and texts out.

Every path in the cron and systemd recipes is absolute (cron and systemd start in another directory with
another PATH); the workflow's paths are relative to the repository it runs in.
"""

from __future__ import annotations

import math
import shlex
from dataclasses import dataclass
from pathlib import Path
from string import Template

from auditor.audit.workspace import Workspace
from auditor.config import Config
from auditor.report.agency import AGENCY_PAGE
from auditor.report.html import slugify

KINDS = ("cron", "systemd", "github-actions")
HOUR = 7
"""Local time of the run on the 1st of each month: early, before the day's work, when engines are quiet."""
MAX_ACTIONS_MINUTES = 360
"""The longest a job may run on GitHub's hosted runners."""


@dataclass(frozen=True)
class Recipe:
    """One file of a recipe: where it goes (a suggestion) and what it holds."""

    path: str
    text: str


@dataclass(frozen=True)
class Scheduled:
    """What a recipe runs every month: one person's config, or every person of a workspace in one run."""

    who: str
    """How the recipe's comments name it: the person, or "the N people of FILE"."""
    slug: str
    """The systemd units' name: auditor-SLUG."""
    config: Config
    """Whose settings name the notification's address and the secrets: a workspace's people share them."""
    config_path: Path
    history: Path
    """The database, or a workspace's history folder (one database per person): what the workflow keeps."""
    reports: Path
    hours: int = 1
    """How long one run may take: the pacing of a workspace of many people needs more than an hour."""
    workspace: bool = False


def recipes(kind: str, config: Config, config_path: Path, command: tuple[str, ...]) -> list[Recipe]:
    """The files of recipe `kind` for this config; `command` runs auditor (absolute)."""
    config_path = config_path.resolve()
    target = Scheduled(
        config.person.name, slugify(config.person.name), config, config_path, config.database_path, config.reports_path
    )
    return _recipes(kind, target, command)


def workspace_recipes(kind: str, workspace: Workspace, command: tuple[str, ...]) -> list[Recipe]:
    """The files of recipe `kind` that audit every person of `workspace` in one run, once a month."""
    first = next(iter(workspace.people.values()))
    path = workspace.path.resolve()
    people = len(workspace.people)
    target = Scheduled(
        f"the {people} {'person' if people == 1 else 'people'} of {path.name}",
        f"{slugify(path.stem)}-workspace",
        first,
        path,
        workspace.history_dir,
        first.reports_path,
        _hours(workspace),
        workspace=True,
    )
    return _recipes(kind, target, command)


def _recipes(kind: str, target: Scheduled, command: tuple[str, ...]) -> list[Recipe]:
    if kind == "cron":
        return [_cron(target, command)]
    if kind == "systemd":
        return _systemd(target, command)
    if kind == "github-actions":
        return [_github(target)]
    raise ValueError(kind)


def _hours(workspace: Workspace) -> int:
    """Whole hours for one run of everyone: twice the politeness bound of its engines (every page of every query
    of every person at the engine's interval; the slowest engine sets it), at least one."""
    from auditor.audit.plan import build_engines, plan_queries

    slowest = 0.0
    configs = list(workspace.people.values())
    for engine in build_engines(configs[0], env={}):
        interval = engine.min_interval if engine.min_interval is not None else configs[0].http.html_interval
        requests = sum(len(plan_queries(c)) * engine.requests_for(c.audit.depth) for c in configs)
        slowest = max(slowest, requests * interval)
    return max(1, math.ceil(2 * slowest / 3600))


def _audit_args(config_path: Path, log: Path) -> list[str]:
    return ["--log-level", "info", "--log-file", str(log), "audit", "-q", "-c", str(config_path)]


_CRON = Template("""\
# auditor: the monthly audit of $person, at $hour:00 on the 1st of each month.
# Install: `crontab -e` and paste these lines. Cron mails what the job prints when MAILTO is set: the
# summary (status, score and its change, what moved, the top three actions) and any notification failure.
# Exit codes: 0 complete, 3 partial (stored, the report names what failed), 4 nothing answered.
# API keys and the SMTP password are read from the environment: set them in $env_file (mode 600).
MAILTO=$mailto
0 $hour 1 * * $line
""")


def _cron(target: Scheduled, command: tuple[str, ...]) -> Recipe:
    directory = target.config_path.parent
    run = shlex.join([*command, *_audit_args(target.config_path, directory / "audit.log")])
    config = target.config
    mailto = config.notify.email.to[0] if config.notify.email is not None else '""'
    # In a crontab an unescaped % ends the command: every one in a path is escaped.
    env_file = shlex.quote(str(directory / "auditor.env"))
    last_run = shlex.quote(str(directory / "last-run.txt"))
    line = (
        f"cd {shlex.quote(str(directory))} && {{ [ ! -f {env_file} ] || {{ set -a; . {env_file}; set +a; }}; }}"
        f" && {run} > {last_run} 2>&1; cat {last_run}"
    )
    text = _CRON.substitute(
        person=target.who, hour=HOUR, env_file=env_file, mailto=mailto, line=line.replace("%", "\\%")
    )
    return Recipe("crontab", text)


_SERVICE = Template("""\
# auditor: the monthly audit of $person (started by $timer).
# Install as your user: copy this file and the timer to ~/.config/systemd/user/, then
#   systemctl --user daemon-reload && systemctl --user enable --now $timer
#   loginctl enable-linger "$$USER"   # so that it runs while you are logged out
[Unit]
Description=auditor: monthly audit of $person
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
WorkingDirectory=$directory
# API keys and the SMTP password, one VAR=value a line (mode 600); the leading "-" makes it optional.
EnvironmentFile=-$env_file
ExecStart=$run
# 3 is a partial audit: stored and reported, what failed is named in the report. Not a failed unit.
SuccessExitStatus=3
TimeoutStartSec=${hours}h
""")

_TIMER = Template("""\
# auditor: when to run $service. Persistent=true runs a missed month at the next boot.
[Unit]
Description=auditor: monthly audit of $person

[Timer]
OnCalendar=*-*-01 $hour:00:00
Persistent=true
RandomizedDelaySec=15min

[Install]
WantedBy=timers.target
""")


def _systemd(target: Scheduled, command: tuple[str, ...]) -> list[Recipe]:
    directory = target.config_path.parent
    name = f"auditor-{target.slug}"
    run = " ".join(
        _systemd_quote(part) for part in [*command, *_audit_args(target.config_path, directory / "audit.log")]
    )
    service = _SERVICE.substitute(
        person=target.who,
        timer=f"{name}.timer",
        # One path a setting: spaces stay as they are, only specifiers (%) are escaped.
        directory=str(directory).replace("%", "%%"),
        env_file=str(directory / "auditor.env").replace("%", "%%"),
        run=run,
        hours=target.hours,
    )
    timer = _TIMER.substitute(service=f"{name}.service", person=target.who, hour=f"{HOUR:02d}")
    return [Recipe(f"{name}.service", service), Recipe(f"{name}.timer", timer)]


def _systemd_quote(value: str) -> str:
    """A word of a unit's command line: systemd splits on spaces and expands `%` and `$`."""
    escaped = value.replace("%", "%%").replace("$", "$$")
    if any(c in escaped for c in " \t\"'\\;"):
        return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return escaped


_WORKFLOW = Template("""\
# auditor: the monthly audit of $person on GitHub Actions.
# Put this file in .github/workflows/ of the repository that holds $config (and auditor's source, which
# `pip install .` installs; change that line if auditor comes from elsewhere). Add each variable the
# Audit step reads from `secrets` as a repository secret of the same name. $kept is kept as an
# artifact of each run (90 days) and restored from the latest run that has one: a monthly run always finds
# the month before. $published as an artifact too.
name: auditor
"on":
  schedule:
    - cron: "0 $hour 1 * *"
  workflow_dispatch: {}
permissions:
  contents: read
  actions: read
concurrency:
  group: auditor
  cancel-in-progress: false
jobs:
  audit:
    runs-on: ubuntu-latest
    timeout-minutes: $minutes
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install auditor
        run: python -m pip install .
      - name: Restore the audit history
        env:
          GH_TOKEN: $${{ github.token }}
        run: |
          runs=$$(gh run list --workflow "$${{ github.workflow }}" --limit 30 --json databaseId --jq '.[].databaseId')
          for id in $$runs; do
            if gh run download "$$id" --name auditor-history --dir .history 2>/dev/null; then break; fi
          done
          $restore
      - name: Audit
        env:$secrets
        run: |
          code=0
          auditor audit -c $config || code=$$?
          if [ "$$code" = 3 ]; then echo "::warning::partial audit: the report names what failed"; exit 0; fi
          exit "$$code"
      - name: Save the audit history
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: auditor-history
          path: $history
          retention-days: 90
          if-no-files-found: ignore
      - name: Publish the report
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: auditor-report-$${{ github.run_number }}
          path: $reports
          if-no-files-found: ignore
""")


def _github(target: Scheduled) -> Recipe:
    root = _repository_root(target.config_path.parent)

    def relative(path: Path) -> str:
        try:
            return path.resolve().relative_to(root).as_posix()
        except ValueError:
            return path.name  # outside the repository: the workflow expects it at the top

    history = relative(target.history)
    if target.workspace:
        # The whole folder, one database per person: a person audited for the first time has none yet.
        folder = shlex.quote(history)
        restore = f"if [ -d .history ]; then mkdir -p {folder} && cp -R .history/. {folder}/; fi"
        kept = "The history folder (one database per person, inactive people's too)"
        published = f"Each run's reports, with the page of every person ({AGENCY_PAGE}), are published"
        history_path = history + "/"
    else:
        database, db_name = shlex.quote(history), shlex.quote(Path(history).name)
        restore = (
            f'if [ -f .history/{db_name} ]; then mkdir -p "$(dirname {database})" '
            f"&& cp .history/{db_name} {database}; fi"
        )
        kept = "The history database"
        published = "Each run's report is published"
        history_path = database
    text = _WORKFLOW.substitute(
        person=target.who,
        hour=HOUR,
        kept=kept,
        published=published,
        minutes=min(MAX_ACTIONS_MINUTES, 60 * target.hours),
        config=shlex.quote(relative(target.config_path)),
        restore=restore,
        history=history_path,
        reports=relative(target.reports) + "/",
        secrets="".join(f"\n          {name}: ${{{{ secrets.{name} }}}}" for name in secret_variables(target.config))
        or " {}",
    )
    return Recipe(".github/workflows/auditor.yml", text)


def secret_variables(config: Config) -> list[str]:
    """The environment variables this config reads secrets from: its engines' keys, the SMTP password."""
    names = []
    for engine in config.audit.engines:
        variable = getattr(getattr(config.engines, engine, None), "api_key_env", "")
        if isinstance(variable, str) and variable:
            names.append(variable)
    if config.notify.email is not None and config.notify.email.user:
        names.append(config.notify.email.password_env)
    return sorted(set(names))


def _repository_root(start: Path) -> Path:
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory.resolve()
    return start.resolve()
