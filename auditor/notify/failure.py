"""The one exception a channel raises: its message is safe to print and log (no secret in it)."""

from __future__ import annotations


class NotificationFailed(Exception):
    pass
