-- The weekly meeting, version 7: decisions of the Grupo de Estrategia.
--
-- * `decisiones`: what presidencia decided about an escalated bottleneck: the text, who answers
--   for it (an account name or a ministry, `tipo_responsable` says which) and the due date.
--   A decision is never rewritten: closing it fills `cerrada_en`, `cerrada_por` and `resultado`
--   (all NULL while it is open). "As known at instant K" is `creada_en <= K`, closed when
--   `cerrada_en <= K`, so the weekly review of a past date shows the decisions open then.
--   `codigo_meta` is the bottleneck's goal when the decision was recorded: scopes read it
--   (warehouse.scope). Written by warehouse.decisions only, audited in `auditoria`.

CREATE SEQUENCE decision_id_seq START 1;
CREATE TABLE decisiones (
    id                 INTEGER PRIMARY KEY DEFAULT nextval('decision_id_seq'),
    codigo_restriccion VARCHAR NOT NULL,
    codigo_meta        VARCHAR NOT NULL,
    texto              VARCHAR NOT NULL,
    responsable        VARCHAR NOT NULL,   -- an account name, or a ministry's name
    tipo_responsable   VARCHAR NOT NULL CHECK (tipo_responsable IN ('cuenta', 'ministerio')),
    vence              DATE NOT NULL,
    creada_en          TIMESTAMP NOT NULL,
    creada_por         VARCHAR NOT NULL,
    cerrada_en         TIMESTAMP,          -- NULL while the decision is open
    cerrada_por        VARCHAR,
    resultado          VARCHAR,
    CHECK ((cerrada_en IS NULL) = (cerrada_por IS NULL)),
    CHECK ((cerrada_en IS NULL) = (resultado IS NULL)),
    CHECK (cerrada_en IS NULL OR cerrada_en >= creada_en)
);
