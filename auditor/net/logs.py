"""Diagnostic logging (`--log-level`, `AUDITOR_LOG_LEVEL`; `--log-file`, `AUDITOR_LOG_FILE`), secrets kept out.

Off unless asked for. Every record that reaches our handler passes `SecretFilter` first, whatever logger made
it: known key values (`remember_secrets`, fed from the config's `*_env` variables) and secret-bearing URL
parameters (`api_key=`, `key=` ...) are replaced by REDACTED. httpx and httpcore stay at WARNING even at
DEBUG, because httpx logs every URL at INFO and httpcore traces every exchange; what they would say, the
HTTP layer logs itself with the URL redacted (DESIGN.md section 8).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path

from auditor.net.redaction import secret_forms

LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
QUIET_LOGGERS = ("httpx", "httpcore", "hpack", "asyncio", "urllib3", "markdown_it", "PIL")
"""Third-party loggers held at WARNING: too chatty to help, and httpx's and httpcore's lines carry full URLs."""
REDACTED = "REDACTED"
MIN_SECRET_LENGTH = 6
_SECRET_PARAM = re.compile(
    r"(?i)(?P<name>[?&;](?:api_key|apikey|key|token|access_token|x-api-key|x-subscription-token)=)[^&;#\s\"'<>]*"
)
_SECRET_HEADER = re.compile(
    r"(?i)(?P<name>(?:x-subscription-token|x-api-key|authorization)['\"]?\s*[:=,]\s*['\"]?)[^'\"\s,}]+"
)
_secrets: set[str] = set()


def remember_secrets(values: Iterable[str]) -> None:
    """Key values to blank from every log record from now on (short values are ignored: see store.raw)."""
    _secrets.update(v for v in values if len(v.strip()) >= MIN_SECRET_LENGTH)


def scrub(text: str) -> str:
    """`text` with known secrets and secret-bearing URL parameters and headers replaced by REDACTED."""
    for form in secret_forms(_secrets):
        text = text.replace(form, REDACTED)
    text = _SECRET_PARAM.sub(lambda m: m.group("name") + REDACTED, text)
    return _SECRET_HEADER.sub(lambda m: m.group("name") + REDACTED, text)


class SecretFilter(logging.Filter):
    """Rewrites each record's message (arguments merged) and its exception text through `scrub`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: log it as it was given, still scrubbed
            message = f"{record.msg} {record.args}"
        record.msg = scrub(message)
        record.args = None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = scrub(text)
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def parse_level(value: str | None) -> int | None:
    """`debug`, `INFO` ... -> the logging level; None for unset or empty; ValueError for anything else."""
    if value is None or not value.strip():
        return None
    name = value.strip().upper()
    if name not in LEVELS:
        raise ValueError(f"{value!r} is not a log level (use one of {', '.join(LEVELS).lower()})")
    return int(logging.getLevelName(name))


def configure(level: int | None, file: Path | None = None) -> logging.Handler | None:
    """Send records at `level` and above to stderr, or to `file` (appended), through `SecretFilter`.

    None (the default) leaves logging off: only warnings reach stderr, through Python's last-resort handler.
    """
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    if level is None:
        return None
    handler: logging.Handler
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(file, encoding="utf-8")
    else:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    return handler
