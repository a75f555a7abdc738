-- Briefings and alerts by e-mail, version 9.
--
-- * `cuentas.correo`: the account's e-mail address (NULL: it gets no mail);
--   `cuentas.recibe_informe`: subscribed to the weekly meeting pack; `cuentas.recibe_alertas`:
--   gets the alerts it is responsible for (on by default once it has an address).
-- * `envios_informe`: one row per account and review date whose pack was mailed, so that a
--   rerun of the weekly command (cron retrying after a failure) mails nobody twice.
-- * `alertas`: one row per account and alert episode. An episode opens (and is mailed, once)
--   when its condition starts to hold for that account — a goal turns red, a milestone passes
--   its date — and closes when it stops holding; only a later new episode is mailed again.
--   `sujeto` names the condition (e.g. 'meta_roja:SAL-01'); at most one open episode per
--   account and subject. Written by warehouse.mailing only; read by the system alone.

ALTER TABLE cuentas ADD COLUMN correo VARCHAR;
ALTER TABLE cuentas ADD COLUMN recibe_informe BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cuentas ADD COLUMN recibe_alertas BOOLEAN NOT NULL DEFAULT TRUE;

CREATE TABLE envios_informe (
    usuario        VARCHAR NOT NULL,
    correo         VARCHAR NOT NULL,
    fecha_revision DATE NOT NULL,
    enviado_en     TIMESTAMP NOT NULL,
    bytes_pdf      INTEGER NOT NULL,
    PRIMARY KEY (usuario, fecha_revision)
);

CREATE TABLE alertas (
    usuario     VARCHAR NOT NULL,
    sujeto      VARCHAR NOT NULL,
    tipo        VARCHAR NOT NULL,
    codigo_meta VARCHAR,
    asunto      VARCHAR NOT NULL,
    correo      VARCHAR NOT NULL,
    abierta_en  TIMESTAMP NOT NULL,   -- when it was mailed
    cerrada_en  TIMESTAMP             -- NULL while its condition holds
);
