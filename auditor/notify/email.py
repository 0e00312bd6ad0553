"""The summary (or a workspace run's digest) by email: plain SMTP from the standard library, text and HTML,
the report (or the agency page) attached."""

from __future__ import annotations

import html
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from auditor.config import EmailSettings
from auditor.notify.failure import NotificationFailed
from auditor.notify.message import Message


def build_message(settings: EmailSettings, message: Message, attachment: Path | None) -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = f"auditor: {message.headline}"[:200]
    email["From"] = settings.sender
    email["To"] = ", ".join(settings.to)
    email["Date"] = formatdate(localtime=True)
    email["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    email["Content-Language"] = message.lang
    email.set_content(message.text + "\n")
    email.add_alternative(as_html(message), subtype="html")
    if attachment is not None and attachment.is_file():
        email.add_attachment(
            attachment.read_bytes(),
            maintype="text",
            subtype="html",
            filename=attachment.name,
            params={"charset": "utf-8"},
        )
    return email


def as_html(message: Message) -> str:
    """The lines as a small HTML page: every line escaped, indented ones as list items, rows as one table,
    what an engine or a server said verbatim in `<code>` (it is not in the page's language)."""
    body: list[str] = []
    open_tag = ""
    for line in message.lines:
        tag = "table" if line.cells else "ul" if line.item else ""
        if tag != open_tag:
            body.append(f"</{open_tag}>" if open_tag else "")
            body.append(f"<{tag}>" if tag else "")
            open_tag = tag
        if line.cells:
            cell = "th" if line.header else "td"
            body.append("<tr>" + "".join(f"<{cell}>{html.escape(c)}</{cell}>" for c in line.cells) + "</tr>")
            continue
        text = html.escape(line.text)
        if line.technical:
            text += f' - <code class="tech" lang="en">{html.escape(line.technical)}</code>'
        body.append(f"<li>{text}</li>" if line.item else f"<p>{text}</p>")
    if open_tag:
        body.append(f"</{open_tag}>")
    title = html.escape(message.title)
    return (
        f'<!DOCTYPE html><html lang="{message.lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><h1>{title}</h1>{''.join(body)}</body></html>"
    )


def send_email(settings: EmailSettings, message: Message, attachment: Path | None, environ: Mapping[str, str]) -> None:
    """Send the message; raises NotificationFailed with one printable line."""
    password = ""
    if settings.user:
        password = environ.get(settings.password_env, "")
        if not password:
            raise NotificationFailed(f"{settings.password_env} is not set: the SMTP password is read from it")
    email = build_message(settings, message, attachment)
    where = f"{settings.host}:{settings.port}"
    try:
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if settings.security == "tls":
            smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with smtp:
            if settings.security == "starttls":
                smtp.starttls(context=context)
            if settings.user:
                smtp.login(settings.user, password)
            smtp.send_message(email)
    except smtplib.SMTPAuthenticationError as exc:
        raise NotificationFailed(f"{where} refused the login of {settings.user} ({exc.smtp_code})") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise NotificationFailed(f"{where}: {_reason(exc)} (check notify.email.security)") from None
    except smtplib.SMTPResponseException as exc:
        raise NotificationFailed(f"{where} refused the message ({exc.smtp_code} {_text(exc.smtp_error)})") from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise NotificationFailed(f"{where} refused every recipient ({', '.join(exc.recipients)})") from None
    except ssl.SSLCertVerificationError as exc:
        raise NotificationFailed(
            f"{where}: the server's certificate cannot be trusted ({exc.verify_message})"
        ) from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise NotificationFailed(f"{where}: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _text(value: bytes | str) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return " ".join(text.split())[:200]
