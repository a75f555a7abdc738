-- Three aggregates derived from those of migration 002, small enough that a map render reads a
-- few thousand rows instead of hundreds of thousands (measured at 10 million deliveries:
-- 923,576 rows in agg_entregas_region_mes, 532,066 in agg_entregas_comuna_mes).
--
-- 1. Region × area × service × month, without the product: every region view that does not
--    pick a single product (the product table grows with the catalogue; this one does not).
CREATE VIEW v_agg_entregas_region_servicio_mes AS
SELECT
    codigo_region,
    area_tematica,
    servicio,
    mes,
    CAST(sum(beneficiarios) AS BIGINT) AS beneficiarios,
    CAST(sum(beneficiarios_sin_comuna) AS BIGINT) AS beneficiarios_sin_comuna,
    sum(gasto_corriente) AS gasto_corriente,
    sum(gasto_inversion) AS gasto_inversion,
    CAST(sum(filas) AS BIGINT) AS filas
FROM agg_entregas_region_mes
GROUP BY codigo_region, area_tematica, servicio, mes;

CREATE TABLE agg_entregas_region_servicio_mes (
    codigo_region            VARCHAR NOT NULL,
    area_tematica            VARCHAR,
    servicio                 VARCHAR NOT NULL,
    mes                      DATE NOT NULL,
    beneficiarios            BIGINT NOT NULL,
    beneficiarios_sin_comuna BIGINT NOT NULL,
    gasto_corriente          DOUBLE,
    gasto_inversion          DOUBLE,
    filas                    BIGINT NOT NULL
);

-- 2. Comuna × area × month, without the service: comuna views that do not pick a service or a
--    product (~8 times fewer rows than agg_entregas_comuna_mes at 10 million deliveries).
CREATE VIEW v_agg_entregas_comuna_area_mes AS
SELECT
    codigo_comuna,
    codigo_region,
    area_tematica,
    mes,
    CAST(sum(beneficiarios) AS BIGINT) AS beneficiarios,
    sum(gasto_corriente) AS gasto_corriente,
    sum(gasto_inversion) AS gasto_inversion,
    CAST(sum(filas) AS BIGINT) AS filas
FROM agg_entregas_comuna_mes
GROUP BY codigo_comuna, codigo_region, area_tematica, mes;

CREATE TABLE agg_entregas_comuna_area_mes (
    codigo_comuna   VARCHAR NOT NULL,
    codigo_region   VARCHAR NOT NULL,
    area_tematica   VARCHAR,
    mes             DATE NOT NULL,
    beneficiarios   BIGINT NOT NULL,
    gasto_corriente DOUBLE,
    gasto_inversion DOUBLE,
    filas           BIGINT NOT NULL
);

-- 3. Which services deliver where, per year: for each (comuna, area, service, year) the months
--    with beneficiaries > 0 as a 12-bit mask (bit 0 = January). Service convergence asks
--    "does this service have beneficiaries in this comuna in the period?"; beneficiaries are
--    never negative (data contract), so the period's sum is > 0 exactly when some month of it
--    is, and the answer is `meses & <bits of the period's months in that year> <> 0` — one row
--    per year instead of one per month.
CREATE VIEW v_agg_servicios_activos_anio AS
SELECT
    codigo_comuna,
    codigo_region,
    area_tematica,
    servicio,
    CAST(year(mes) AS INTEGER) AS anio,
    CAST(bit_or(CAST(1 AS INTEGER) << (month(mes) - 1)) AS INTEGER) AS meses
FROM agg_entregas_comuna_mes
WHERE beneficiarios > 0 AND area_tematica IS NOT NULL
GROUP BY codigo_comuna, codigo_region, area_tematica, servicio, year(mes);

CREATE TABLE agg_servicios_activos_anio (
    codigo_comuna VARCHAR NOT NULL,
    codigo_region VARCHAR NOT NULL,
    area_tematica VARCHAR NOT NULL,
    servicio      VARCHAR NOT NULL,
    anio          INTEGER NOT NULL,
    meses         INTEGER NOT NULL
);

INSERT INTO agg_entregas_region_servicio_mes
SELECT * FROM v_agg_entregas_region_servicio_mes ORDER BY mes, servicio, codigo_region;

INSERT INTO agg_entregas_comuna_area_mes
SELECT * FROM v_agg_entregas_comuna_area_mes ORDER BY mes, codigo_region, codigo_comuna;

INSERT INTO agg_servicios_activos_anio
SELECT * FROM v_agg_servicios_activos_anio ORDER BY anio, area_tematica, codigo_comuna, servicio;
