"""Who gets mail and what was mailed: accounts' addresses and subscriptions, the weekly packs
sent and the alert episodes (migration 009).

An alert is mailed once per episode: it opens when its condition starts to hold for an account
and closes when it stops, so a goal that leaves red and turns red again is news again, while a
goal that stays red is mailed once. Every change to an address or a subscription is a line of
`auditoria_cuentas`, like any other change to an account.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from warehouse.accounts import (
    Account,
    AccountError,
    audit,
    find_account,
    now_utc,
    require_account,
)

MAX_EMAIL_LENGTH = 254  # RFC 5321's limit for a path
# One '@', something on each side, a dot in the domain, no spaces: enough to catch a typo
# without refusing the unusual addresses the standard allows.
_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]+")


@dataclass(frozen=True)
class Recipient:
    account: Account
    email: str
    briefing: bool  # subscribed to the weekly meeting pack
    alerts: bool  # gets the alerts it is responsible for


@dataclass(frozen=True)
class AlertEpisode:
    subject: str  # the condition, e.g. 'meta_roja:SAL-01'
    kind: str
    goal: str | None
    title: str  # the mail's subject line


def check_email(value: str) -> str:
    """The address trimmed, or a Spanish refusal (nothing is changed)."""
    email = value.strip()
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(email):
        raise AccountError(
            "Correo no válido",
            f"«{email[:60]}» no es una dirección de correo (p. ej. nombre@servicio.gob.cl).",
        )
    return email


def set_mail(
    con: duckdb.DuckDBPyConnection,
    username: str,
    *,
    email: str | None = None,
    remove_email: bool = False,
    briefing: bool | None = None,
    alerts: bool | None = None,
    actor: str = "consola",
) -> Recipient | None:
    """Change an account's address and subscriptions (None: keep); run inside the caller's
    transaction. Returns the account's mail settings after the change (None: no address)."""
    account = require_account(con, username)
    before = _settings(con, account.username)
    after = (
        None if remove_email else (check_email(email) if email is not None else before[0]),
        before[1] if briefing is None else briefing,
        before[2] if alerts is None else alerts,
    )
    if after[0] is None and after[1]:
        raise AccountError(
            "Falta el correo",
            f"la cuenta {account.username} no tiene correo: indíquelo con --email para que"
            " reciba el informe semanal.",
        )
    if after != before:
        at = now_utc()
        con.execute(
            "UPDATE cuentas SET correo = ?, recibe_informe = ?, recibe_alertas = ?,"
            " actualizada_en = ? WHERE usuario = ?",
            [*after, at, account.username],
        )
        audit(con, actor, account.username, "cambiar_correo", _describe(before, after), at)
    return Recipient(account, after[0], after[1], after[2]) if after[0] else None


def _settings(con: duckdb.DuckDBPyConnection, username: str) -> tuple[str | None, bool, bool]:
    row = con.execute(
        "SELECT correo, recibe_informe, recibe_alertas FROM cuentas WHERE usuario = ?",
        [username],
    ).fetchone()
    assert row is not None  # require_account found it
    return row[0], bool(row[1]), bool(row[2])


def _describe(before: tuple, after: tuple) -> str:
    names = ("correo", "informe semanal", "alertas")
    parts = [
        f"{name}: {_shown(old)} → {_shown(new)}"
        for name, old, new in zip(names, before, after, strict=True)
        if old != new
    ]
    return "; ".join(parts)


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "sí" if value else "no"
    return "(ninguno)" if value is None else str(value)


def mail_settings(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str | None, bool, bool]]:
    """Every account's (address, weekly briefing, alerts), by user name."""
    rows = con.execute("SELECT usuario, correo, recibe_informe, recibe_alertas FROM cuentas")
    return {r[0]: (r[1], bool(r[2]), bool(r[3])) for r in rows.fetchall()}


def recipients(con: duckdb.DuckDBPyConnection) -> list[Recipient]:
    """Active accounts with an address, by user name."""
    rows = con.execute(
        "SELECT usuario, correo, recibe_informe, recibe_alertas FROM cuentas"
        " WHERE activa AND correo IS NOT NULL ORDER BY usuario"
    ).fetchall()
    found = []
    for username, email, briefing, alerts in rows:
        account = find_account(con, username)
        if account is not None:
            found.append(Recipient(account, email, bool(briefing), bool(alerts)))
    return found


def managed_goals(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Goals some active manager (gerente) account has, whether or not it has an address."""
    rows = con.execute(
        "SELECT DISTINCT unnest(metas) FROM cuentas WHERE activa AND rol = 'gerente' ORDER BY 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


def briefings_sent(con: duckdb.DuckDBPyConnection, review_date: date) -> set[str]:
    """Accounts already mailed the pack of this review date."""
    rows = con.execute(
        "SELECT usuario FROM envios_informe WHERE fecha_revision = ?", [review_date]
    ).fetchall()
    return {r[0] for r in rows}


def record_briefing(
    con: duckdb.DuckDBPyConnection, recipient: Recipient, review_date: date, size: int
) -> None:
    con.execute(
        "INSERT INTO envios_informe (usuario, correo, fecha_revision, enviado_en, bytes_pdf)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [recipient.account.username, recipient.email, review_date, now_utc(), size],
    )


def open_alerts(con: duckdb.DuckDBPyConnection, username: str) -> set[str]:
    """The subjects of the account's open episodes (already mailed, condition still holding)."""
    rows = con.execute(
        "SELECT sujeto FROM alertas WHERE usuario = ? AND cerrada_en IS NULL", [username]
    ).fetchall()
    return {r[0] for r in rows}


def record_alert(
    con: duckdb.DuckDBPyConnection, recipient: Recipient, episode: AlertEpisode, at: datetime
) -> None:
    """An episode mailed: open until its condition stops holding (`close_alerts`)."""
    con.execute(
        "INSERT INTO alertas (usuario, sujeto, tipo, codigo_meta, asunto, correo, abierta_en)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            recipient.account.username,
            episode.subject,
            episode.kind,
            episode.goal,
            episode.title,
            recipient.email,
            at,
        ],
    )


def close_alerts(
    con: duckdb.DuckDBPyConnection, username: str, subjects: Iterable[str], at: datetime
) -> None:
    for subject in subjects:
        con.execute(
            "UPDATE alertas SET cerrada_en = ? WHERE usuario = ? AND sujeto = ?"
            " AND cerrada_en IS NULL",
            [at, username, subject],
        )
