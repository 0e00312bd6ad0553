"""Notifications: the summary of an audit, or the digest of a workspace run (one for everyone), sent by email
and to webhooks once the audits are stored, in the report's language.

A notification never changes the audit: each channel's failure becomes one line (logged and returned for
the command to print), never an exception, and the command's exit code stays the audit's. Secrets (the
SMTP password, a token in a webhook's URL) are never logged, printed or stored: a webhook is named by its
format and host only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

from auditor.config import NotifySettings, WebhookSettings
from auditor.net.logs import remember_secrets
from auditor.notify.email import send_email
from auditor.notify.failure import NotificationFailed
from auditor.notify.message import Message, message_of
from auditor.notify.webhook import post_webhook, webhook_name, webhook_secrets
from auditor.report.digest import Digest
from auditor.report.summary import Summary

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """What became of one channel's notification."""

    channel: str
    """`email` or `webhook <format> (<host>)`: never the URL, which may carry a token."""
    ok: bool
    detail: str = ""


def notify(
    settings: NotifySettings, content: Summary | Digest, attachment: Path | None, environ: Mapping[str, str]
) -> list[Delivery]:
    """Send `content` through every configured channel, `attachment` (the report, or the agency page) with the
    email; one `Delivery` each, in the config's order."""
    secrets = [s for hook in settings.webhooks for s in webhook_secrets(hook.url)]
    if settings.email is not None and environ.get(settings.email.password_env):
        secrets.append(environ[settings.email.password_env])
    remember_secrets(secrets)  # blanked from every log record, whatever logs them
    # Worded once, inside each channel's attempt: a bug in the wording is that channel's failure, not the audit's.
    message = cache(partial(message_of, content))
    email, deliveries = settings.email, []
    if email is not None:
        deliveries.append(_attempt("email", lambda: send_email(email, message(), attachment, environ)))
    for hook in settings.webhooks:
        deliveries.append(_attempt(webhook_name(hook), partial(_post, hook, message)))
    return deliveries


def _post(hook: WebhookSettings, message: Callable[[], Message]) -> None:
    post_webhook(hook, message())


def _attempt(channel: str, send: Callable[[], None]) -> Delivery:
    try:
        send()
    except NotificationFailed as exc:
        log.warning("notification by %s failed: %s", channel, exc)
        return Delivery(channel, False, str(exc))
    except Exception as exc:  # a notifier's own bug must not lose the audit either
        log.exception("notification by %s failed unexpectedly", channel)
        return Delivery(channel, False, f"unexpected error ({type(exc).__name__})")
    log.info("notification sent by %s", channel)
    return Delivery(channel, True)


__all__ = ["Delivery", "NotificationFailed", "notify"]
