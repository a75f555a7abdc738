"""One account per role in the demo, with published passwords, so every view can be tried.

The passwords are in the README on purpose: they open invented data only. `add_demo_accounts`
refuses a database that is not marked as demo, so a real warehouse never gets a default
password (issue 5: "outside demo mode there are no default passwords"). Each has an address at
example.org (a domain reserved for examples: nothing reaches a real person) and is subscribed
to the weekly briefing, so `python -m dashboard.briefings` can be tried against any local mail
server.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from warehouse import status
from warehouse.accounts import Account, add_account
from warehouse.db import WarehouseError
from warehouse.mailing import set_mail
from warehouse.scope import ADMIN, ANALISTA, GERENTE, MINISTERIO, PRESIDENCIA, REGION

DEMO_ACTOR = "demo"
# In the fixed goal catalogue (loaders/demo/goal_catalog.py), whatever the seed.
DEMO_MINISTRY = "Ministerio de Salud"
DEMO_REGION = "05"  # Valparaíso
DEMO_GOALS = ("SAL-01", "SAL-02")  # the first two goals of DEMO_MINISTRY
DEMO_MAIL_DOMAIN = "example.org"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    name: str
    role: str
    ministries: tuple[str, ...] = ()
    region: str | None = None
    goals: tuple[str, ...] = ()

    @property
    def email(self) -> str:
        return f"{self.username}@{DEMO_MAIL_DOMAIN}"


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("presidencia", "demo-presidencia", "Gabinete Presidencial (demo)", PRESIDENCIA),
    DemoAccount(
        "ministerio",
        "demo-ministerio",
        "Coordinación Ministerio de Salud (demo)",
        MINISTERIO,
        ministries=(DEMO_MINISTRY,),
    ),
    DemoAccount(
        "region",
        "demo-region",
        "Gobierno Regional de Valparaíso (demo)",
        REGION,
        region=DEMO_REGION,
    ),
    DemoAccount("analista", "demo-analista", "Analista (demo)", ANALISTA),
    DemoAccount("admin", "demo-admin", "Administración de cuentas (demo)", ADMIN),
    DemoAccount(
        "gerente",
        "demo-gerente",
        "Gerencia de metas de Salud (demo)",
        GERENTE,
        goals=DEMO_GOALS,
    ),
)


def add_demo_accounts(con: duckdb.DuckDBPyConnection) -> list[Account]:
    """Create the demo accounts; run inside the caller's transaction, on a demo database."""
    if not status.is_demo(con):
        raise WarehouseError(
            "Las cuentas de demostración solo van en la base de demostración",
            "una base con datos reales no lleva claves conocidas.",
        )
    accounts = []
    for demo in DEMO_ACCOUNTS:
        account = add_account(
            con,
            username=demo.username,
            name=demo.name,
            role=demo.role,
            password=demo.password,
            ministries=demo.ministries,
            region=demo.region,
            goals=demo.goals,
            actor=DEMO_ACTOR,
            is_demo=True,
        )
        set_mail(con, account.username, email=demo.email, briefing=True, actor=DEMO_ACTOR)
        accounts.append(account)
    return accounts
