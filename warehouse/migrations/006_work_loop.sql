-- The goals work loop, version 6: goal managers, API tokens, one audit table for every write,
-- the manager's forecast, and the channel of each entry.
--
-- * `cuentas` gains the role 'gerente' (gerente de meta) and `metas`, the goal codes a manager
--   manages (at least one). DuckDB cannot alter a CHECK constraint, so the table is rebuilt:
--   every row is copied back with its own id, and the sequence `cuenta_id_seq` is left as it
--   was, so the next account gets the next id and old session cookies keep naming their account.
-- * `tokens_api`: tokens that ministries' systems send to the write API. Only the SHA-256 of a
--   token is stored (it is shown once, when created); `prefijo` is its first characters, enough
--   to tell tokens apart in a listing and useless to log in. No foreign key to `cuentas`, so a
--   later rebuild of `cuentas` (as this one) stays possible; ids are never reused.
-- * `auditoria`: every write to the figures (form, file, API, console, validation): who, when,
--   what (table and key, as JSON), the values before → after (JSON), and a comment.
-- * `avance_mensual.pronostico`: the manager's forecast of the next month's value, given with
--   the report of a month.
-- * `ingestas.canal` and `ingestas.usuario`: an entry made on the web or through the API is an
--   ingestion too, so its rows' lineage reads "formulario web · usuario · time" where a file's
--   reads "file, line". Files loaded before this migration are 'archivo'.

CREATE TEMP TABLE cuentas_antes_006 AS SELECT * FROM cuentas;
DROP TABLE cuentas;
CREATE TABLE cuentas (
    id             INTEGER PRIMARY KEY DEFAULT nextval('cuenta_id_seq'),
    usuario        VARCHAR NOT NULL UNIQUE,
    nombre         VARCHAR NOT NULL,
    rol            VARCHAR NOT NULL
                   CHECK (rol IN ('presidencia', 'ministerio', 'region', 'analista', 'admin',
                                  'gerente')),
    ministerios    VARCHAR[] NOT NULL DEFAULT [],
    region         VARCHAR,
    metas          VARCHAR[] NOT NULL DEFAULT [],   -- codigo_meta of the goals a gerente manages
    hash_clave     VARCHAR NOT NULL,
    activa         BOOLEAN NOT NULL DEFAULT TRUE,
    sesion_epoca   INTEGER NOT NULL DEFAULT 0,
    es_demo        BOOLEAN NOT NULL DEFAULT FALSE,
    creada_en      TIMESTAMP NOT NULL,
    actualizada_en TIMESTAMP NOT NULL,
    CHECK (rol <> 'region' OR region IS NOT NULL),
    CHECK (rol <> 'ministerio' OR len(ministerios) > 0),
    CHECK (rol <> 'gerente' OR len(metas) > 0)
);
INSERT INTO cuentas (id, usuario, nombre, rol, ministerios, region, hash_clave, activa,
                     sesion_epoca, es_demo, creada_en, actualizada_en)
SELECT id, usuario, nombre, rol, ministerios, region, hash_clave, activa,
       sesion_epoca, es_demo, creada_en, actualizada_en
FROM cuentas_antes_006;
DROP TABLE cuentas_antes_006;

CREATE SEQUENCE token_api_id_seq START 1;
CREATE TABLE tokens_api (
    id          INTEGER PRIMARY KEY DEFAULT nextval('token_api_id_seq'),
    cuenta_id   INTEGER NOT NULL,
    hash_token  VARCHAR NOT NULL UNIQUE,   -- sha256 of the token, hex
    prefijo     VARCHAR NOT NULL,          -- first characters, for listings
    creado_en   TIMESTAMP NOT NULL,
    revocado_en TIMESTAMP,                 -- NULL while the token works
    ultimo_uso  TIMESTAMP
);

CREATE SEQUENCE auditoria_id_seq START 1;
CREATE TABLE auditoria (
    id         BIGINT PRIMARY KEY DEFAULT nextval('auditoria_id_seq'),
    en         TIMESTAMP NOT NULL,
    usuario    VARCHAR NOT NULL,           -- account name, or 'consola' for the command line
    canal      VARCHAR NOT NULL
               CHECK (canal IN ('formulario', 'archivo', 'api', 'consola', 'validacion')),
    accion     VARCHAR NOT NULL,
    tabla      VARCHAR NOT NULL,
    clave      JSON,                       -- the row's key, e.g. {"codigo_meta", "mes", "region"}
    antes      JSON,                       -- NULL for a new row
    despues    JSON,                       -- NULL for a removed row
    comentario VARCHAR
);

ALTER TABLE avance_mensual ADD COLUMN pronostico DOUBLE;

ALTER TABLE ingestas ADD COLUMN canal VARCHAR DEFAULT 'archivo';
ALTER TABLE ingestas ADD COLUMN usuario VARCHAR;
