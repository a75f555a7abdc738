"""The mail server, from TABLERO_SMTP_* variables, and one connection that sends many messages.

Security is STARTTLS by default (port 587), implicit TLS with `ssl` (465), or none (`no`, for a
relay on the same machine or a test server on loopback). A message the server refuses is
reported and not recorded as sent, so the next run tries it again.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import ssl
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from dashboard.server.settings import SettingsError

SECURITY = ("starttls", "ssl", "no")
_DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "no": 25}
PDF = ("application", "pdf")
TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    user: str | None
    password: str | None
    sender: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SmtpSettings:
        env = os.environ if environ is None else environ
        host = env.get("TABLERO_SMTP_HOST", "").strip()
        if not host:
            raise SettingsError(
                "Falta TABLERO_SMTP_HOST: el servidor de correo (p. ej. smtp.servicio.gob.cl);"
                " con --dry-run no se necesita."
            )
        security = env.get("TABLERO_SMTP_TLS", "").strip().lower() or "starttls"
        if security not in SECURITY:
            raise SettingsError(
                f"TABLERO_SMTP_TLS={security!r} no es válido: use starttls, ssl o no."
            )
        raw_port = env.get("TABLERO_SMTP_PORT", "").strip()
        if raw_port and (not raw_port.isdigit() or not 0 < int(raw_port) < 65536):
            raise SettingsError(
                f"TABLERO_SMTP_PORT={raw_port!r} no es válido: debe estar entre 1 y 65535."
            )
        user = env.get("TABLERO_SMTP_USER", "").strip() or None
        return cls(
            host=host,
            port=int(raw_port) if raw_port else _DEFAULT_PORTS[security],
            security=security,
            user=user,
            password=env.get("TABLERO_SMTP_PASSWORD") if user else None,
            sender=env.get("TABLERO_SMTP_FROM", "").strip()
            or formataddr(("Tablero de Metas y Territorio", f"tablero@{host}")),
        )


def message(
    settings: SmtpSettings,
    to: str,
    subject: str,
    body: str,
    attachment: tuple[str, bytes] | None = None,
) -> EmailMessage:
    """A plain-text message, with the pack as a PDF attachment when given."""
    mail = EmailMessage()
    mail["From"] = settings.sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain=settings.host)
    mail.set_content(body)
    if attachment is not None:
        name, data = attachment
        mail.add_attachment(data, maintype=PDF[0], subtype=PDF[1], filename=name)
    return mail


@contextlib.contextmanager
def connection(settings: SmtpSettings) -> Iterator[smtplib.SMTP]:
    """One logged-in connection for a run's messages."""
    context = ssl.create_default_context()
    if settings.security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=context
        )
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
    try:
        if settings.security == "starttls":
            server.starttls(context=context)
        if settings.user:
            server.login(settings.user, settings.password or "")
        yield server
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            server.quit()
