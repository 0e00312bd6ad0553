"""`[notify]` for real: after an audit, and `auditor notify --test`, against local SMTP and HTTP receivers."""

from __future__ import annotations

import json
import os
from pathlib import Path

from auditor.sandbox import Sandbox
from tests.e2e.conftest import AS_OF, SLUG, auditor
from tests.notify.receivers import PASSWORD, USER, http_receiver, smtp_server
from tests.notify.wording import english_left

TOKEN = "tok3nInTheUrl42"


def _with_notify(config_file: Path, section: str) -> Path:
    config_file.write_text(config_file.read_text(encoding="utf-8") + "\n" + section, encoding="utf-8")
    return config_file


def _email(port: int) -> str:
    return (
        f'[notify.email]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nuser = "{USER}"\n'
        'password_env = "TEST_SMTP_PW"\nsender = "auditor@example.org"\nto = ["me@example.org"]\ntimeout = 5\n'
    )


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TEST_SMTP_PW"}
    return {**env, **values}


def test_a_failed_notification_keeps_the_audit_and_its_exit_code(sandbox: Sandbox, config_file: Path) -> None:
    log = config_file.parent / "audit.log"
    with smtp_server() as (port, mailbox), http_receiver() as (base, received):
        _with_notify(
            config_file,
            f'[notify]\nenabled = true\n\n[[notify.webhooks]]\nurl = "{base}/fail/{TOKEN}"\n\n'
            f'[[notify.webhooks]]\nurl = "{base}/ok/{TOKEN}"\nformat = "generic"\n\n' + _email(port),
        )
        run = auditor(
            "--log-level",
            "debug",
            "--log-file",
            str(log),
            "audit",
            "-q",
            "-c",
            str(config_file),
            "--sandbox",
            sandbox.url,
            "--as-of",
            AS_OF,
            env=_env(TEST_SMTP_PW="not-the-password"),
        )
    assert run.code == 0, run.stderr  # the audit's own code: complete
    failures = [line for line in run.stderr.splitlines() if line.startswith("Notification failed: ")]
    assert failures == [
        f"Notification failed: email: 127.0.0.1:{port} refused the login of {USER} (535)",
        "Notification failed: webhook generic (127.0.0.1): HTTP 500",
    ]
    assert "Notified: webhook generic (127.0.0.1)" in run.stderr
    assert mailbox.messages == []
    sent = next(r.body for r in received if r.path.startswith("/ok/"))
    assert sent["status"] == "complete" and sent["as_of"] == AS_OF and sent["report"].endswith(f"{AS_OF}.html")
    # The config's report is French: so is the summary's wording, its JSON keys and codes staying English.
    assert sent["lang"] == "fr" and sent["summary"].startswith("Carl-Frédéric de Celles, audit du 1er janvier 2026")
    assert english_left(sent["summary"]) == []
    history = json.loads(auditor("history", "--json", "-c", str(config_file)).stdout)
    assert [(r["as_of"], r["status"]) for r in history] == [(AS_OF, "complete")]
    # Secrets never reach the output, the log, the database or the report.
    report = config_file.parent / "reports" / SLUG / f"{AS_OF}.html"
    for text in (run.stdout, run.stderr, log.read_text(encoding="utf-8"), report.read_text(encoding="utf-8")):
        assert TOKEN not in text and "not-the-password" not in text
    stored = (config_file.parent / "auditor.db").read_bytes()
    assert TOKEN.encode() not in stored and b"not-the-password" not in stored


def test_notify_test_sends_a_sample_and_exits_0(config_file: Path) -> None:
    with smtp_server() as (port, mailbox), http_receiver() as (base, received):
        _with_notify(config_file, f'[[notify.webhooks]]\nurl = "{base}/ok/x"\nformat = "ntfy"\n\n' + _email(port))
        run = auditor("notify", "--test", "-c", str(config_file), env=_env(TEST_SMTP_PW=PASSWORD))
    assert run.code == 0, run.stderr
    assert "Notified: email" in run.stderr and "Notified: webhook ntfy (127.0.0.1)" in run.stderr
    [message] = mailbox.messages
    # In the report's language (the config's is French).
    assert "notification d’essai" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    [post] = received
    assert post.body["topic"] == "x" and "notification d’essai" in post.body["message"]


def test_notify_test_exits_2_on_a_failure_or_with_nothing_configured(config_file: Path) -> None:
    nothing = auditor("notify", "--test", "-c", str(config_file))
    assert nothing.code == 2 and "nothing to notify" in nothing.stderr
    with http_receiver() as (base, _received):
        _with_notify(config_file, f'[[notify.webhooks]]\nurl = "{base}/slow/{TOKEN}"\ntimeout = 0.5\n\n' + _email(1))
        run = auditor("notify", "--test", "-c", str(config_file), env=_env())
    assert run.code == 2
    lines = [line for line in run.stderr.splitlines() if line.startswith("Notification failed: ")]
    assert lines == [
        "Notification failed: email: TEST_SMTP_PW is not set: the SMTP password is read from it",
        "Notification failed: webhook generic (127.0.0.1): no answer within 0.5 s",
    ]
    assert TOKEN not in run.stderr + run.stdout and "Traceback" not in run.stderr
