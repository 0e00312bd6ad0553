"""A workspace run's summary and notification cover everyone: one digest per run through the shared [notify]
(not one per person), who failed, who moved most, each person's status, score and change, the agency page;
a failed notification never changes the run's exit code (the worst person's)."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.audit import agency
from auditor.audit.agency import audit_workspace
from auditor.audit.demo_people import generate, person_name
from auditor.audit.workspace import load_workspace
from auditor.cli.workspace import report_run
from auditor.sandbox import Sandbox, load_scenario
from tests.e2e.conftest import auditor
from tests.notify.receivers import PASSWORD, USER, http_receiver, smtp_server
from tests.notify.wording import english_left

TOKEN = "wsT0kenInTheUrl"
AS_OF = dt.date(2026, 6, 1)


@pytest.fixture
def three_people(tmp_path: Path) -> Iterator[tuple[Sandbox, Path]]:
    scenario, workspace = generate(3)
    (tmp_path / "people.scenario.toml").write_text(scenario, encoding="utf-8")
    (tmp_path / "workspace.toml").write_text(workspace, encoding="utf-8")
    with Sandbox(load_scenario(tmp_path / "people.scenario.toml")) as running:
        yield running, tmp_path / "workspace.toml"


def _notify(path: Path, base: str, port: int) -> None:
    section = (
        f'[notify]\nenabled = true\n\n[[notify.webhooks]]\nurl = "{base}/fail/{TOKEN}"\n\n'
        f'[[notify.webhooks]]\nurl = "{base}/ok/{TOKEN}"\n\n'
        f'[[notify.webhooks]]\nurl = "{base}/ok/slack-{TOKEN}"\nformat = "slack"\n\n'
        f'[notify.email]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nuser = "{USER}"\n'
        'password_env = "TEST_SMTP_PW"\nsender = "agence@example.org"\nto = ["agence@example.org"]\ntimeout = 5\n'
    )
    path.write_text(path.read_text(encoding="utf-8") + "\n" + section, encoding="utf-8")


def _env(**values: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if k != "TEST_SMTP_PW"}, **values}


def test_a_workspace_run_sends_one_digest_for_everyone(three_people: tuple[Sandbox, Path]) -> None:
    sandbox, path = three_people
    with smtp_server() as (port, mailbox), http_receiver() as (base, received):
        _notify(path, base, port)
        run = auditor(
            "audit", "-c", str(path), "--sandbox", sandbox.url, "--as-of", "2026-06-01", "-q",
            env=_env(TEST_SMTP_PW=PASSWORD),
        )  # fmt: skip
    assert run.code == 0, run.stderr  # everyone complete: a failed webhook does not change it
    # One notification per channel for the whole run, not one per person.
    assert [r.path for r in received] == [f"/fail/{TOKEN}", f"/ok/{TOKEN}", f"/ok/slack-{TOKEN}"]
    assert "Notification failed: webhook generic (127.0.0.1): HTTP 500" in run.stderr
    assert run.stderr.count("Notified: ") == 3
    generic = received[1].body
    assert generic["workspace"] is True and generic["lang"] == "fr"
    assert [p["person"] for p in generic["people"]] == ["p001", "p002", "p003"]
    assert {p["status"] for p in generic["people"]} == {"complete"}
    assert all(p["summary"]["lang"] == "fr" and p["summary"]["report"] for p in generic["people"])
    assert generic["agency_page"] == str(path.parent / "reports" / "agency.html")
    slack = received[2].body["text"]
    assert "Espace de travail, audit du 1er juin 2026 : 3 personnes" in slack
    for index in range(3):
        assert person_name(index) in slack
    assert english_left(slack) == []
    [message] = mailbox.messages
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "agency.html"
    assert "<table>" in message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    # The run printed the same digest, in French, with the agency page's path.
    assert "Tout le monde :" in run.stdout
    assert f"Toutes les personnes : {path.parent / 'reports' / 'agency.html'}" in run.stdout
    assert TOKEN not in run.stdout + run.stderr

    # Again on demand: `summary` and `notify` without --person cover everyone's latest audit.
    text = auditor("summary", "-c", str(path))
    assert text.code == 0 and "Espace de travail, audit du 1er juin 2026 : 3 personnes" in text.stdout
    data = json.loads(auditor("summary", "--json", "-c", str(path)).stdout)
    assert [p["person"] for p in data["people"]] == ["p001", "p002", "p003"]
    one = json.loads(auditor("summary", "--json", "-c", str(path), "--person", "p002").stdout)
    assert one["person"] == person_name(1) and one == data["people"][1]["summary"]
    refused = auditor("summary", "1", "-c", str(path))
    assert refused.code == 2 and "add --person SLUG" in refused.stderr
    with smtp_server() as (port, mailbox), http_receiver() as (base, received):
        path.write_text(path.read_text(encoding="utf-8").split("\n[notify]")[0], encoding="utf-8")
        _notify(path, base, port)
        again = auditor("notify", "-c", str(path), env=_env(TEST_SMTP_PW=PASSWORD))
        sample = auditor("notify", "--test", "-c", str(path), "--lang", "en", env=_env(TEST_SMTP_PW=PASSWORD))
    assert again.code == 2 and sample.code == 2  # the webhook answering 500 fails both: exit 2, as for one person
    digests = [r.body for r in received if r.path == f"/ok/{TOKEN}"]
    assert [d["workspace"] for d in digests] == [True, True] and len(mailbox.messages) == 2
    assert [p["status"] for p in digests[0]["people"]] == ["complete"] * 3 and digests[0]["test"] is False
    assert digests[1]["test"] is True and digests[1]["lang"] == "en"
    assert "This is a test notification" in received[-1].body["text"]


def test_who_failed_is_in_the_digest_and_the_exit_code_stays_the_runs(
    three_people: tuple[Sandbox, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox, path = three_people
    real = agency.run_audit

    async def failing_for_the_second(config, fetcher, **kwargs):  # type: ignore[no-untyped-def]
        if config.person.name == person_name(1):
            raise RuntimeError("boom")
        return await real(config, fetcher, **kwargs)

    monkeypatch.setattr(agency, "run_audit", failing_for_the_second)
    with http_receiver() as (base, received):
        path.write_text(
            path.read_text(encoding="utf-8")
            + f'\n[notify]\nenabled = true\n[[notify.webhooks]]\nurl = "{base}/ok/x"\n',
            encoding="utf-8",
        )
        workspace = load_workspace(path)
        run = audit_workspace(workspace, list(workspace.people), as_of=AS_OF, sandbox_url=sandbox.url)
        report_run(workspace, run, "en")
    assert run.exit_code == 4
    [post] = received
    assert post.body["failed"] == ["p002"] and post.body["lang"] == "en"
    assert post.body["people"][1]["error"] == "RuntimeError: boom" and post.body["people"][1]["summary"] is None
    printed = capsys.readouterr()
    assert "Failed:" in printed.out and f"  {person_name(1)} (p002) - RuntimeError: boom" in printed.out
