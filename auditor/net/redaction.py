"""Secrets out of URLs: key-bearing query parameters blanked before a URL is logged, stored or shown."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

SECRET_PARAMS = ("api_key", "key", "token", "apikey", "access_token")
REDACTED = "REDACTED"
MIN_SECRET_LENGTH = 6
"""Shorter values are not searched for: replacing every `abc` in a body would corrupt it, and no key is that short."""


_SECRET_PARAM_TEXT = re.compile(r"(?i)([?&;](?:" + "|".join(SECRET_PARAMS) + r")=)[^&;#]*")


def redact(url: str) -> str:
    """The URL with secret-bearing parameters blanked, for logs and error messages. Never raises: a URL
    httpx cannot parse (a hostile Location) is redacted as text."""
    import httpx  # here, not at the top: the log's secret filter needs the rest of this module at start-up

    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return _SECRET_PARAM_TEXT.sub(r"\1REDACTED", url)
    if not parsed.query:
        return url
    params = [(k, "REDACTED" if k.lower() in SECRET_PARAMS else v) for k, v in parsed.params.multi_items()]
    return str(parsed.copy_with(params=params))


def secret_forms(secrets: Iterable[str]) -> list[str]:
    """Every spelling of each secret worth searching for, longest first: as given and stripped (a key is
    sent stripped, so an echo carries that form), percent-encoded both ways, and JSON-escaped."""
    forms: set[str] = set()
    for secret in secrets:
        for value in (secret, secret.strip()):
            if len(value) >= MIN_SECRET_LENGTH:
                escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("/", "\\/")
                forms.update((value, quote(value, safe=""), quote_plus(value), quote(value), escaped))
    return sorted(forms, key=len, reverse=True)


def scrub_text(text: str, secrets: Iterable[str]) -> str:
    """`text` with every spelling of every known secret replaced by REDACTED."""
    for form in secret_forms(secrets):
        text = text.replace(form, REDACTED)
    return text


def scrub_body(body: bytes, secrets: Iterable[str]) -> bytes:
    for form in secret_forms(secrets):
        body = body.replace(form.encode(), REDACTED.encode())
    return body
