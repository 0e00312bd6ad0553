"""Notifications against a local SMTP server and a local HTTP receiver: sent, or one line saying why."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from auditor.config import EmailSettings, NotifySettings, WebhookSettings
from auditor.net import logs
from auditor.notify import notify
from auditor.report.summary import summarize
from tests.notify.receivers import PASSWORD, USER, free_port, http_receiver, self_signed, smtp_server
from tests.report.factories import DATES, make_history

TOKEN = "s3cr3tT0kenXYZ"


@contextmanager
def debug_log(path: Path) -> Iterator[Path]:
    """The auditor's own debug log (as `--log-level debug --log-file` sets it up), into `path`."""
    root = logging.getLogger()
    level = root.level
    handler = logs.configure(logging.DEBUG, path)
    assert handler is not None
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        handler.close()


def _summary(report: str | None = None):  # type: ignore[no-untyped-def]
    _first, second, third = make_history()
    return summarize(third, second, [(DATES[0], 41.2), (DATES[1], 55.0)], report=report)


def _email(port: int, **overrides: object) -> EmailSettings:
    values = {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "user": USER,
        "password_env": "TEST_SMTP_PW",
        "sender": "auditor@example.org",
        "to": ("emilie@example.org",),
        "timeout": 5,
    }
    return EmailSettings.model_validate({**values, **overrides})


def test_email_carries_text_html_and_the_report(tmp_path: Path) -> None:
    report = tmp_path / "2026-05-01.html"
    report.write_text("<html><body>the report</body></html>", encoding="utf-8")
    with smtp_server() as (port, mailbox):
        [delivery] = notify(NotifySettings(email=_email(port)), _summary(), report, {"TEST_SMTP_PW": PASSWORD})
    assert delivery.ok, delivery.detail
    [message] = mailbox.messages
    assert message["To"] == "emilie@example.org"
    assert "Émilie Tremblay, audit of May 1, 2026: complete" in message["Subject"]
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    page = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Change: +13.9 since April 1, 2026 (55.0)" in text and "Top actions:" in text
    assert "<p>Change: +13.9 since April 1, 2026 (55.0)</p>" in page
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "2026-05-01.html" and "the report" in attachment.get_content()


def test_a_refused_login_and_a_missing_password_are_one_line_each(tmp_path: Path) -> None:
    with debug_log(tmp_path / "debug.log") as log_file, smtp_server() as (port, mailbox):
        [refused] = notify(NotifySettings(email=_email(port)), _summary(), None, {"TEST_SMTP_PW": "wrong-password"})
        [unset] = notify(NotifySettings(email=_email(port)), _summary(), None, {})
    assert not refused.ok and "refused the login of emilie@example.org (535)" in refused.detail
    assert not unset.ok and unset.detail.startswith("TEST_SMTP_PW is not set")
    assert mailbox.messages == []
    logged = log_file.read_text(encoding="utf-8")
    assert "notification by email failed" in logged
    assert "wrong-password" not in logged and "wrong-password" not in refused.detail


def test_an_smtp_server_that_is_not_there_is_one_line() -> None:
    [delivery] = notify(NotifySettings(email=_email(free_port())), _summary(), None, {"TEST_SMTP_PW": PASSWORD})
    assert not delivery.ok and delivery.detail.startswith("127.0.0.1:")
    assert "\n" not in delivery.detail


@pytest.mark.parametrize("fmt", ["generic", "slack", "ntfy"])
def test_each_webhook_format_posts_the_summary_as_json(fmt: str) -> None:
    with http_receiver() as (base, received):
        hook = WebhookSettings(url=f"{base}/ok/topic-{TOKEN}", format=fmt)  # type: ignore[arg-type]
        [delivery] = notify(NotifySettings(webhooks=(hook,)), _summary(), None, {})
    assert delivery.ok, delivery.detail
    assert delivery.channel == f"webhook {fmt} (127.0.0.1)"
    [post] = received
    if fmt == "generic":
        assert post.path == f"/ok/topic-{TOKEN}"
        assert post.body["status"] == "complete" and post.body["best"]["overall"] == 68.9
        assert post.body["summary"].startswith("Émilie Tremblay, audit of May 1, 2026")
    elif fmt == "slack":
        assert post.path == f"/ok/topic-{TOKEN}" and "Change: +13.9" in post.body["text"]
    else:  # ntfy's JSON publishing: the server's root, the topic in the body
        assert post.path == "/ok/" and post.body["topic"] == f"topic-{TOKEN}"
        assert "Change: +13.9" in post.body["message"] and post.body["priority"] == 3


def test_a_webhook_answering_500_or_hanging_fails_in_one_line_without_its_token(tmp_path: Path) -> None:
    with debug_log(tmp_path / "debug.log") as log_file, http_receiver() as (base, received):
        hooks = (
            WebhookSettings(url=f"{base}/fail/{TOKEN}?token={TOKEN}x"),
            WebhookSettings(url=f"{base}/slow/{TOKEN}", timeout=0.5),
            WebhookSettings(url=f"http://127.0.0.1:{free_port()}/{TOKEN}"),
        )
        deliveries = notify(NotifySettings(webhooks=hooks), _summary(), None, {})
    assert [d.ok for d in deliveries] == [False, False, False]
    assert [d.channel for d in deliveries] == ["webhook generic (127.0.0.1)"] * 3
    assert deliveries[0].detail == "HTTP 500"
    assert deliveries[1].detail == "no answer within 0.5 s"
    assert deliveries[2].detail == "cannot connect"
    assert len(received) == 2  # one request each, no retry
    logged = log_file.read_text(encoding="utf-8")
    assert "HTTP Request: POST" in logged or "notification by webhook generic" in logged  # the log did run
    for text in [d.detail for d in deliveries] + [logged]:
        assert TOKEN not in text


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_email_over_starttls_or_tls_checks_the_servers_certificate(
    security: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make the test server's certificate")
    certificate = self_signed(tmp_path)
    with smtp_server(security, certificate) as (port, mailbox):
        settings = NotifySettings(email=_email(port, security=security))
        [untrusted] = notify(settings, _summary(), None, {"TEST_SMTP_PW": PASSWORD})
        # The same server once its certificate is trusted (as a company's own CA would be, system-wide).
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
        [trusted] = notify(settings, _summary(), None, {"TEST_SMTP_PW": PASSWORD})
    assert not untrusted.ok
    assert untrusted.detail == f"127.0.0.1:{port}: the server's certificate cannot be trusted (self-signed certificate)"
    assert trusted.ok, trusted.detail
    assert len(mailbox.messages) == 1
