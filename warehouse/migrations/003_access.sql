-- Accounts, roles and the validation of figures (sello de calidad), version 3.
--
-- * `cuentas`: people who log in. Passwords are argon2 hashes, never stored in clear. A role and
--   its territory or ministries decide what the account may read (see warehouse/scope.py).
--   `sesion_epoca` grows when the password is reset or the account disabled: older session
--   cookies then stop working on their next request.
-- * `auditoria_cuentas`: every change to an account, who did it and when.
-- * `validaciones`: every validation action on a monthly figure (who, when, what, state and value
--   before → after, comment). The figure itself is never overwritten: the action closes the row
--   version that was shown and opens a new one with the new `estado` and the action's id in
--   `avance_mensual.validacion_id`, keeping the file and line the number came from.

CREATE SEQUENCE cuenta_id_seq START 1;
CREATE TABLE cuentas (
    id             INTEGER PRIMARY KEY DEFAULT nextval('cuenta_id_seq'),
    usuario        VARCHAR NOT NULL UNIQUE,
    nombre         VARCHAR NOT NULL,
    rol            VARCHAR NOT NULL
                   CHECK (rol IN ('presidencia', 'ministerio', 'region', 'analista', 'admin')),
    ministerios    VARCHAR[] NOT NULL DEFAULT [],
    region         VARCHAR,
    hash_clave     VARCHAR NOT NULL,
    activa         BOOLEAN NOT NULL DEFAULT TRUE,
    sesion_epoca   INTEGER NOT NULL DEFAULT 0,
    es_demo        BOOLEAN NOT NULL DEFAULT FALSE,
    creada_en      TIMESTAMP NOT NULL,
    actualizada_en TIMESTAMP NOT NULL,
    CHECK (rol <> 'region' OR region IS NOT NULL),
    CHECK (rol <> 'ministerio' OR len(ministerios) > 0)
);

CREATE TABLE auditoria_cuentas (
    en      TIMESTAMP NOT NULL,
    actor   VARCHAR NOT NULL,   -- account name, or 'consola' for the command line
    usuario VARCHAR NOT NULL,
    accion  VARCHAR NOT NULL,   -- crear | desactivar | cambiar_clave
    detalle VARCHAR
);

CREATE SEQUENCE validacion_id_seq START 1;
CREATE TABLE validaciones (
    id             INTEGER PRIMARY KEY DEFAULT nextval('validacion_id_seq'),
    en             TIMESTAMP NOT NULL,
    usuario        VARCHAR NOT NULL,
    accion         VARCHAR NOT NULL CHECK (accion IN ('validar', 'devolver')),
    codigo_meta    VARCHAR NOT NULL,
    mes            DATE NOT NULL,
    region         VARCHAR,            -- NULL = the national figure
    valor_real     DOUBLE,
    estado_antes   VARCHAR NOT NULL,
    estado_despues VARCHAR NOT NULL,
    comentario     VARCHAR
);

ALTER TABLE avance_mensual ADD COLUMN validacion_id INTEGER;
