"""The summary (or a workspace run's digest) POSTed as JSON to the user's own endpoint: a generic document,
Slack's or ntfy's shape.

One request, a deadline, no retry: a notification is not worth a storm against a struggling server.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from auditor.config import WebhookSettings
from auditor.notify.failure import NotificationFailed
from auditor.notify.message import Message


def webhook_name(settings: WebhookSettings) -> str:
    """How a webhook is named in messages and logs: its format and host, never its path or query (tokens)."""
    return f"webhook {settings.format} ({urlsplit(settings.url).hostname})"


def webhook_secrets(url: str) -> list[str]:
    """The parts of a webhook URL that may be a token: each path segment, query value and the password."""
    parts = urlsplit(url)
    found = [segment for segment in parts.path.split("/") if segment]
    found += [value for _key, value in parse_qsl(parts.query)]
    if parts.password:
        found.append(parts.password)
    return found


def payload(settings: WebhookSettings, message: Message) -> tuple[str, dict[str, Any]]:
    """The URL to POST to and the JSON document, in the endpoint's format."""
    if settings.format == "slack":
        # Slack's incoming webhooks, and the many chat tools that accept the same shape (Mattermost, Rocket.Chat).
        return settings.url, {"text": message.text}
    if settings.format == "ntfy":
        # ntfy publishes JSON posted to the server's root, the topic named in the body.
        parts = urlsplit(settings.url)
        base, _, topic = parts.path.rstrip("/").rpartition("/")
        root = parts._replace(path=base + "/", query="", fragment="").geturl()
        return root, {
            "topic": topic,
            "title": message.title,
            "message": message.text,
            "tags": ["chart_with_downwards_trend" if message.fell else "chart_with_upwards_trend"],
            "priority": 4 if message.urgent else 3,
        }
    return settings.url, {"summary": message.headline, **message.data}


def post_webhook(settings: WebhookSettings, message: Message) -> None:
    """POST the message; raises NotificationFailed with one printable line (no URL in it: the caller names
    the webhook with `webhook_name`)."""
    url, document = payload(settings, message)
    try:
        response = httpx.post(url, json=document, timeout=settings.timeout, follow_redirects=False)
    except httpx.TimeoutException:
        raise NotificationFailed(f"no answer within {settings.timeout:g} s") from None
    except httpx.ConnectError:
        raise NotificationFailed("cannot connect") from None
    except httpx.HTTPError as exc:
        raise NotificationFailed(type(exc).__name__) from None
    if not response.is_success:
        raise NotificationFailed(f"HTTP {response.status_code}")
