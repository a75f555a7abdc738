"""Who may read what: the viewer's scope, enforced by the cursor every query runs on.

Each role sees a subset of rows (see `RULES`). Rather than trusting every query function to
remember a filter, `apply_scope` shadows the sensitive tables *inside one cursor* with
temporary views of the same name that keep only the rows in scope. DuckDB resolves unqualified
names in the temporary catalog first, and the views of migration 002 bind at query time, so
every query on that cursor — page, callback, export or pre-aggregate — reads only what the
viewer may see, and a query function cannot forget. The viewer's ministries, region and goals
enter as bound parameters into a one-row temporary table, never as SQL text. Temporary objects live
per cursor, so two requests on two threads never see each other's scope.

Why this shape (instead of a WHERE clause in each function): a missing filter in one of fifty
queries would leak unvalidated figures through a crafted callback request; shadowing makes the
safe state the default and costs ~1–3 ms per request (measured on the demo).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from weakref import WeakKeyDictionary

import duckdb

from warehouse.db import compose, ident, one, scalar

PRESIDENCIA = "presidencia"
MINISTERIO = "ministerio"
REGION = "region"
ANALISTA = "analista"
ADMIN = "admin"
GERENTE = "gerente"
PUBLICO = "publico"
# Not an account role: the login layer reading accounts, and command-line tools.
SISTEMA = "sistema"
ROLES = (PRESIDENCIA, MINISTERIO, REGION, ANALISTA, ADMIN, GERENTE)
ROLE_LABELS = {
    PRESIDENCIA: "Presidencia",
    MINISTERIO: "Coordinación ministerial",
    REGION: "Gobierno regional",
    ANALISTA: "Analista",
    ADMIN: "Administración de cuentas",
    GERENTE: "Gerencia de meta",
    PUBLICO: "Ciudadanía",
}


@dataclass(frozen=True)
class Scope:
    """The viewer: a role, and the ministries, region or goals the role is limited to."""

    role: str
    ministries: tuple[str, ...] = ()
    region: str | None = None
    user: str | None = None
    goals: tuple[str, ...] = ()  # codigo_meta of the goals a gerente manages

    @classmethod
    def public(cls) -> Scope:
        return cls(PUBLICO)

    @classmethod
    def system(cls) -> Scope:
        """Every table, accounts included: only for the login layer, never for a page."""
        return cls(SISTEMA)

    @classmethod
    def everything(cls, user: str | None = None) -> Scope:
        """The whole warehouse: command-line tools and presidential staff."""
        return cls(PRESIDENCIA, user=user)

    @property
    def key(self) -> tuple[str, tuple[str, ...], str | None, tuple[str, ...]]:
        """What decides the rows in scope (caches of query results are keyed by it)."""
        return (self.role, tuple(sorted(self.ministries)), self.region, tuple(sorted(self.goals)))

    @property
    def is_public(self) -> bool:
        return self.role == PUBLICO

    @property
    def sees_unvalidated(self) -> bool:
        """Whether some unvalidated figures are in scope (all of them only for presidencia)."""
        return self.role in (PRESIDENCIA, MINISTERIO, REGION, GERENTE)

    @property
    def sees_bottlenecks(self) -> bool:
        return self.role in (PRESIDENCIA, MINISTERIO, REGION, GERENTE)

    @property
    def sees_territory(self) -> bool:
        return self.role != PUBLICO

    @property
    def can_validate(self) -> bool:
        return self.role == MINISTERIO

    @property
    def manages_accounts(self) -> bool:
        return self.role == ADMIN

    @property
    def sees_loads(self) -> bool:
        """The load log and quarantine hold whole original rows, unvalidated values included."""
        return self.role in (PRESIDENCIA, ADMIN)


# Conditions on the shadowed table's own columns. `alcance` is the one-row scope table;
# `{db}` the warehouse's own catalog, so a view reads the real table and not itself.
_IN_MINISTRY_GOALS = (
    "codigo_meta IN (SELECT codigo_meta FROM {db}.main.metas"
    " WHERE valid_to IS NULL AND list_contains((SELECT ministerios FROM alcance), ministerio))"
)
_REGION_IS = "{column} = (SELECT region FROM alcance)"
# The region's own goals: every bottleneck of them, whatever region it names.
_REGIONAL_GOALS = (
    "codigo_meta IN (SELECT codigo_meta FROM {db}.main.metas"
    " WHERE valid_to IS NULL AND ambito = (SELECT region FROM alcance))"
)
# A goal manager's own goals: every row of them (figures, bottlenecks, validations).
_OWN_GOALS = "list_contains((SELECT metas FROM alcance), codigo_meta)"
_VALIDATED = "estado = 'validado'"
# Who validated an official figure, and when, is part of its provenance (its seal of quality);
# returned figures, and who returned them, stay with those who read the unvalidated figure.
_VALIDATION = "accion = 'validar'"
# A decision of the Grupo de Estrategia is read where its bottleneck is (warehouse.decisions).
_DECISIONS_IN_REGION = (
    "codigo_restriccion IN (SELECT codigo_restriccion FROM {db}.main.restricciones"
    " WHERE valid_to IS NULL AND region = (SELECT region FROM alcance)) OR " + _REGIONAL_GOALS
)


@dataclass(frozen=True)
class Masked:
    """Keep every row, but blank the reported figure (and who reported it, and their comment)
    where `visible` is false. Used for monthly progress: the programmed values are the goal's
    published plan and stay, so expected progress and lights use the same plan for everyone;
    an unvalidated actual reads as "not reported yet", which is what it is for that viewer."""

    visible: str
    columns: tuple[str, ...] = ("valor_real", "reportado_por", "comentario", "pronostico")


Rule = str | Masked
_NOTHING = "FALSE"

# A regional account reads the rows and comunas of its region only. The totals per region
# (agg_entregas_region_mes, agg_entregas_region_servicio_mes: beneficiaries and spending of each
# region, no comuna, no row) are every staff role's, so that an intendente compares the region
# with the true national figure and with the other regions (see REGION_TOTALS below).
_TERRITORY_IN_REGION = {
    "entregas": "left(territorio, 2) = (SELECT region FROM alcance)",  # CUT: comuna 05101 → 05
    "agg_entregas_comuna_mes": _REGION_IS.format(column="codigo_region"),
    "agg_entregas_comuna_area_mes": _REGION_IS.format(column="codigo_region"),
    "agg_servicios_activos_anio": _REGION_IS.format(column="codigo_region"),
    "compromisos": _REGION_IS.format(column="region"),
    # A follow-up goes with its commitment: read by whoever reads the commitment.
    "seguimientos": "codigo_compromiso IN (SELECT codigo_compromiso FROM {db}.main.compromisos"
    " WHERE valid_to IS NULL AND region = (SELECT region FROM alcance))",
}
REGION_TOTALS = ("agg_entregas_region_mes", "agg_entregas_region_servicio_mes")
_NO_TERRITORY = dict.fromkeys([*_TERRITORY_IN_REGION, *REGION_TOTALS], _NOTHING)
# API token hashes, the audit of writes (values before → after, unvalidated ones included)
# and what was mailed to whom (which goals turned red, in whose inbox) are read by the system
# alone; accounts and their audit by the system and admin.
_SYSTEM_ONLY = {
    "tokens_api": _NOTHING,
    "auditoria": _NOTHING,
    "envios_informe": _NOTHING,
    "alertas": _NOTHING,
}
_NO_ADMIN_TABLES = {"cuentas": _NOTHING, "auditoria_cuentas": _NOTHING, **_SYSTEM_ONLY}
_NO_LOAD_DETAIL = {"cuarentena": _NOTHING}

# Table → condition for each role. A table absent from a role's map is read in full.
RULES: Mapping[str, Mapping[str, Rule]] = {
    SISTEMA: {},
    PRESIDENCIA: {**_NO_ADMIN_TABLES},
    MINISTERIO: {
        "notas": _IN_MINISTRY_GOALS,  # notes: who reads the goal in full
        "avance_mensual": Masked(f"{_VALIDATED} OR {_IN_MINISTRY_GOALS}"),
        "restricciones": _IN_MINISTRY_GOALS,
        "validaciones": _IN_MINISTRY_GOALS,
        "decisiones": _IN_MINISTRY_GOALS,
        **_NO_LOAD_DETAIL,
        **_NO_ADMIN_TABLES,
    },
    REGION: {
        "notas": _REGIONAL_GOALS,
        "avance_mensual": Masked(f"{_VALIDATED} OR " + _REGION_IS.format(column="region")),
        "restricciones": f"{_REGION_IS.format(column='region')} OR {_REGIONAL_GOALS}",
        "validaciones": f"{_VALIDATION} OR " + _REGION_IS.format(column="region"),
        "decisiones": _DECISIONS_IN_REGION,
        **_TERRITORY_IN_REGION,
        **_NO_LOAD_DETAIL,
        **_NO_ADMIN_TABLES,
    },
    ANALISTA: {
        "notas": _NOTHING,
        "avance_mensual": Masked(_VALIDATED),
        "restricciones": _NOTHING,
        "validaciones": _VALIDATION,
        "decisiones": _NOTHING,
        **_NO_LOAD_DETAIL,
        **_NO_ADMIN_TABLES,
    },
    ADMIN: {
        "notas": _NOTHING,
        "avance_mensual": Masked(_VALIDATED),
        "restricciones": _NOTHING,
        "validaciones": _VALIDATION,
        "decisiones": _NOTHING,
        **_SYSTEM_ONLY,
    },
    # Its goals in full; everything else as ANALISTA.
    GERENTE: {
        "notas": _OWN_GOALS,
        "avance_mensual": Masked(f"{_VALIDATED} OR {_OWN_GOALS}"),
        "restricciones": _OWN_GOALS,
        "validaciones": f"{_VALIDATION} OR {_OWN_GOALS}",
        "decisiones": _OWN_GOALS,
        **_NO_LOAD_DETAIL,
        **_NO_ADMIN_TABLES,
    },
    PUBLICO: {
        "notas": _NOTHING,
        "avance_mensual": Masked(_VALIDATED),
        # The load log dates every screen; who sent an entry on the web or the API is staff's.
        "ingestas": Masked(_NOTHING, ("usuario",)),
        "restricciones": _NOTHING,
        "validaciones": _NOTHING,
        "decisiones": _NOTHING,
        **_NO_TERRITORY,
        **_NO_LOAD_DETAIL,
        **_NO_ADMIN_TABLES,
    },
}


# Tables every viewer reads in full: reference geography and census, the goal catalogue and its
# milestones (public commitments of the government), institutions, products and PMG stages (the
# load log, whose times date every screen, is the public's too, without who sent each entry).
# Any other table must have a rule for the public
# role above: tests/warehouse/test_scope.py fails when a migration adds a table to neither, so a
# new table can never be read unfiltered by accident.
UNRESTRICTED = frozenset(
    {
        "metadata",
        "schema_migrations",
        "territorios",
        "censo_2017_region",
        "poblacion",
        "instituciones",
        "productos",
        "metas",
        "metas_intermedias",
        "etapas_pmg",
    }
)


def apply_scope(cur: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    """Shadow the tables `scope` may not read in full, inside this cursor only.

    Call once on a fresh cursor, before any query. An unknown role reads nothing sensitive:
    it gets the public rules."""
    rules = RULES.get(scope.role, RULES[PUBLICO])
    catalog = ident(str(scalar(cur, "SELECT current_database()")))
    role = scope.role if scope.role in RULES else PUBLICO
    ministries, goals = sorted(scope.ministries), sorted(scope.goals)
    cur.execute(
        "CREATE TEMP TABLE alcance AS SELECT ?::VARCHAR AS rol, ?::VARCHAR[] AS ministerios,"
        " ?::VARCHAR AS region, ?::VARCHAR[] AS metas",
        [role, ministries, scope.region, goals],
    )
    # One round trip for all the views: ~3× faster than one execute per view.
    cur.execute(";\n".join(_view(table, rule, catalog) for table, rule in rules.items()))
    _SCOPE_KEYS[cur] = (role, tuple(ministries), scope.region, tuple(goals))


def _view(table: str, rule: Rule, catalog: str) -> str:
    """The temporary view shadowing `table` for one rule (SQL of constant fragments only)."""
    if isinstance(rule, Masked):
        visible = compose(rule.visible, db=catalog)
        replaced = ", ".join(
            compose(
                "CASE WHEN {visible} THEN {column} END AS {column}",
                visible=visible,
                column=ident(c),
            )
            for c in rule.columns
        )
        return compose(
            "CREATE TEMP VIEW {name} AS SELECT * REPLACE ({replaced}) FROM {db}.main.{name}",
            name=ident(table),
            replaced=replaced,
            db=catalog,
        )
    return compose(
        "CREATE TEMP VIEW {name} AS SELECT * FROM {db}.main.{name} WHERE {condition}",
        name=ident(table),
        db=catalog,
        condition=compose(rule, db=catalog),
    )


# The key of each cursor `apply_scope` limited, remembered without a query: every render asks
# for it (cache keys), and reading it back from `alcance` cost two queries (~1.5 ms).
_SCOPE_KEYS: WeakKeyDictionary[duckdb.DuckDBPyConnection, tuple[object, ...]] = WeakKeyDictionary()


def cursor_scope_key(cur: duckdb.DuckDBPyConnection) -> tuple[object, ...]:
    """The scope a cursor was limited to, for cache keys of results read through it
    (the whole warehouse when `apply_scope` was never called: command-line tools, tests)."""
    known = _SCOPE_KEYS.get(cur)
    if known is not None:
        return known
    found = one(
        cur,
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = 'alcance'",
    )
    if not found or not found[0]:
        key: tuple[object, ...] = ("todo",)
    else:
        row = one(cur, "SELECT rol, ministerios, region, metas FROM temp.main.alcance")
        assert row is not None
        key = (row[0], tuple(row[1]), row[2], tuple(row[3]))
    _SCOPE_KEYS[cur] = key  # apply_scope on this cursor later replaces it
    return key
