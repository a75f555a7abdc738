-- Pre-aggregated deliveries, version 2 (architecture.md: pre-aggregate at load time).
--
-- The territory screens read these tables, never the 10-million-row `entregas`, except for a
-- single-product view at comuna level (see warehouse/territory.py).
-- * Only CURRENT rows (valid_to IS NULL) are aggregated: the weekly review replays goals, not
--   deliveries, so deliveries need no "as known at" view.
-- * A row of `entregas` whose territorio is a comuna counts for that comuna and, through
--   territorios.codigo_region, for its region. A row reported at region level (or any
--   non-comuna code) counts for its region only; `beneficiarios_sin_comuna` keeps that part
--   so comuna views can say how much could not be placed in a comuna.
-- * area_tematica comes from the CURRENT product catalogue (NULL for a product missing from
--   it), so a `productos` load rebuilds these tables too.
-- * Amounts: SUM ignores unknown (NULL) amounts; a group with no known amount stays NULL.
-- The views hold the aggregation logic once; warehouse/aggregates.py refreshes the tables
-- from them after each load.

CREATE VIEW v_entregas_actuales AS
SELECT
    e.servicio,
    e.producto,
    e.territorio,
    e.mes,
    e.beneficiarios,
    e.gasto_corriente,
    e.gasto_inversion,
    t.codigo_region,
    t.nivel = 'comuna' AS es_comuna,
    p.area_tematica
FROM entregas AS e
JOIN territorios AS t ON t.codigo = e.territorio
LEFT JOIN (
    SELECT servicio, producto, any_value(area_tematica) AS area_tematica
    FROM productos
    WHERE valid_to IS NULL
    GROUP BY servicio, producto
) AS p ON p.servicio = e.servicio AND p.producto = e.producto
WHERE e.valid_to IS NULL;

CREATE VIEW v_agg_entregas_region_mes AS
SELECT
    codigo_region,
    area_tematica,
    servicio,
    producto,
    mes,
    CAST(sum(beneficiarios) AS BIGINT) AS beneficiarios,
    CAST(sum(CASE WHEN es_comuna THEN 0 ELSE beneficiarios END) AS BIGINT)
        AS beneficiarios_sin_comuna,
    sum(gasto_corriente) AS gasto_corriente,
    sum(gasto_inversion) AS gasto_inversion,
    count(*) AS filas
FROM v_entregas_actuales
GROUP BY codigo_region, area_tematica, servicio, producto, mes;

CREATE VIEW v_agg_entregas_comuna_mes AS
SELECT
    territorio AS codigo_comuna,
    codigo_region,
    area_tematica,
    servicio,
    mes,
    CAST(sum(beneficiarios) AS BIGINT) AS beneficiarios,
    sum(gasto_corriente) AS gasto_corriente,
    sum(gasto_inversion) AS gasto_inversion,
    count(*) AS filas
FROM v_entregas_actuales
WHERE es_comuna
GROUP BY territorio, codigo_region, area_tematica, servicio, mes;

-- Region × service × product × month: region views for any selection, down to one product.
CREATE TABLE agg_entregas_region_mes (
    codigo_region            VARCHAR NOT NULL,
    area_tematica            VARCHAR,
    servicio                 VARCHAR NOT NULL,
    producto                 VARCHAR NOT NULL,
    mes                      DATE NOT NULL,
    beneficiarios            BIGINT NOT NULL,
    beneficiarios_sin_comuna BIGINT NOT NULL,
    gasto_corriente          DOUBLE,
    gasto_inversion          DOUBLE,
    filas                    BIGINT NOT NULL
);

-- Comuna × area × service × month: comuna views by area or service, and service convergence.
CREATE TABLE agg_entregas_comuna_mes (
    codigo_comuna   VARCHAR NOT NULL,
    codigo_region   VARCHAR NOT NULL,
    area_tematica   VARCHAR,
    servicio        VARCHAR NOT NULL,
    mes             DATE NOT NULL,
    beneficiarios   BIGINT NOT NULL,
    gasto_corriente DOUBLE,
    gasto_inversion DOUBLE,
    filas           BIGINT NOT NULL
);

-- Sorted by (mes, servicio) so DuckDB's min/max block statistics skip what a filter excludes.
INSERT INTO agg_entregas_region_mes
SELECT * FROM v_agg_entregas_region_mes ORDER BY mes, servicio, codigo_region;

INSERT INTO agg_entregas_comuna_mes
SELECT * FROM v_agg_entregas_comuna_mes ORDER BY mes, servicio, codigo_comuna;
