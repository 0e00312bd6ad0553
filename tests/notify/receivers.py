"""Local stand-ins for the user's servers: an SMTP server (aiosmtpd) and an HTTP receiver, on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

USER = "emilie@example.org"
PASSWORD = "correct horse battery staple"


@dataclass
class Mailbox:
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"


def _check_login(server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.login == USER.encode() and data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(security: str = "none", certificate: Path | None = None) -> Iterator[tuple[int, Mailbox]]:
    """An SMTP server that accepts USER / PASSWORD: plain (`none`), `starttls` (required before the login)
    or implicit `tls`, the last two with `certificate` (from `self_signed`)."""
    mailbox = Mailbox()
    port = free_port()
    options: dict[str, Any] = {"auth_require_tls": False}
    if security != "none":
        assert certificate is not None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(certificate, certificate.with_suffix(".key"))
        if security == "starttls":
            options = {"tls_context": context, "require_starttls": True, "auth_require_tls": True}
        else:
            options = {"ssl_context": context, "auth_require_tls": False}
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, authenticator=_check_login, **options)
    controller.start()
    try:
        yield port, mailbox
    finally:
        controller.stop()


def self_signed(directory: Path) -> Path:
    """A certificate for 127.0.0.1 (and its key beside it, `.key`), made by the openssl command."""
    certificate = directory / "server.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(certificate.with_suffix(".key")),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    return certificate


@dataclass
class Received:
    path: str
    body: Any


@contextmanager
def http_receiver() -> Iterator[tuple[str, list[Received]]]:
    """POSTs to /ok are kept and answered 200; /fail answers 500; /slow answers after 3 s."""
    received: list[Received] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"null")
            received.append(Received(self.path, body))
            if self.path.startswith("/slow"):
                time.sleep(3)
            status = 500 if self.path.startswith("/fail") else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
