"""Secrets out of URLs: key-bearing query parameters blanked before a URL is logged, stored or shown."""

from __future__ import annotations

import re

import httpx

SECRET_PARAMS = ("api_key", "key", "token", "apikey", "access_token")


_SECRET_PARAM_TEXT = re.compile(r"(?i)([?&;](?:" + "|".join(SECRET_PARAMS) + r")=)[^&;#]*")


def redact(url: str) -> str:
    """The URL with secret-bearing parameters blanked, for logs and error messages. Never raises: a URL
    httpx cannot parse (a hostile Location) is redacted as text."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return _SECRET_PARAM_TEXT.sub(r"\1REDACTED", url)
    if not parsed.query:
        return url
    params = [(k, "REDACTED" if k.lower() in SECRET_PARAMS else v) for k, v in parsed.params.multi_items()]
    return str(parsed.copy_with(params=params))
