"""The summary by email: plain SMTP from the standard library, text and HTML, the report attached."""

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
from auditor.report.summary import Summary, as_text, one_line


def build_message(settings: EmailSettings, summary: Summary, report: Path | None) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"auditor: {one_line(summary)}"[:200]
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    lines = as_text(summary)
    message.set_content("\n".join(lines) + "\n")
    message.add_alternative(as_html(summary.person, lines), subtype="html")
    if report is not None and report.is_file():
        message.add_attachment(
            report.read_bytes(), maintype="text", subtype="html", filename=report.name, params={"charset": "utf-8"}
        )
    return message


def as_html(person: str, lines: list[str]) -> str:
    """The text lines as a small HTML page: every line escaped, indented ones as list items."""
    body: list[str] = []
    in_list = False
    for line in lines:
        item = line.startswith("  ")
        if item and not in_list:
            body.append("<ul>")
        if not item and in_list:
            body.append("</ul>")
        in_list = item
        body.append(f"<li>{html.escape(line.strip())}</li>" if item else f"<p>{html.escape(line)}</p>")
    if in_list:
        body.append("</ul>")
    title = html.escape(f"auditor: {person}")
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><h1>{title}</h1>{''.join(body)}</body></html>"
    )


def send_email(settings: EmailSettings, summary: Summary, report: Path | None, environ: Mapping[str, str]) -> None:
    """Send the summary; raises NotificationFailed with one printable line."""
    password = ""
    if settings.user:
        password = environ.get(settings.password_env, "")
        if not password:
            raise NotificationFailed(f"{settings.password_env} is not set: the SMTP password is read from it")
    message = build_message(settings, summary, report)
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
            smtp.send_message(message)
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
