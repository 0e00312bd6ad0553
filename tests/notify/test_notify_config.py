"""`[notify]` in the config: off by default, checked like every other table, a webhook URL never echoed."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.config import parse_config
from auditor.errors import ConfigError

PERSON = '[person]\nname = "Émilie Tremblay"\nsite = "https://emilietremblay.ca"\n'


def _parse(text: str):  # type: ignore[no-untyped-def]
    return parse_config(PERSON + text, source="auditor.toml", base_dir=Path("."))


def test_notify_is_off_by_default() -> None:
    config = _parse("")
    assert config.notify.enabled is False and config.notify.email is None and config.notify.webhooks == ()


def test_enabled_with_nowhere_to_send_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"auditor.toml: notify: .*neither \[notify.email\]"):
        _parse("[notify]\nenabled = true\n")


def test_email_and_webhooks_read_as_tables() -> None:
    config = _parse(
        '[notify]\nenabled = true\n[notify.email]\nhost = "smtp.example.org"\nsecurity = "tls"\nport = 465\n'
        'sender = "a@example.org"\nto = ["b@example.org"]\n'
        '[[notify.webhooks]]\nurl = "https://ntfy.sh/topic"\nformat = "ntfy"\n'
    )
    assert config.notify.email is not None and config.notify.email.security == "tls"
    assert config.notify.email.password_env == "AUDITOR_SMTP_PASSWORD"
    assert [(w.format, w.timeout) for w in config.notify.webhooks] == [("ntfy", 10.0)]


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (
            '[[notify.webhooks]]\nurl = "ftp://hooks.example.org/s3cretToken"\n',
            "notify.webhooks.0.url: not an http(s) URL",
        ),
        ('[[notify.webhooks]]\nurl = "https://x.example"\nformat = "teams"\n', "notify.webhooks.0.format"),
        ('[notify.email]\nhost = "h"\nsender = "a@b.c"\nto = ["x@y.z"]\nsecurity = "ssl"\n', "notify.email.security"),
        ('[notify.email]\nhost = "h"\nsender = "a@b.c"\n', "notify.email.to: required key is missing"),
    ],
)
def test_a_mistake_is_one_line_and_never_shows_the_url(section: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _parse(section)
    assert expected in str(caught.value) and "s3cretToken" not in str(caught.value)
