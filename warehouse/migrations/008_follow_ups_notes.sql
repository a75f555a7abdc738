-- The weekly meeting, version 8: commitment follow-ups and notes on a goal.
--
-- * `seguimientos`: the follow-ups of a regional cabinet commitment ("informe del seguimiento de
--   los compromisos", PMG stage 1), a loaded kind like the others (files, the region page's
--   form): versioned rows keyed by (codigo_compromiso, fecha). The latest follow-up by date is
--   the commitment's current state on every screen (a read-time rule, warehouse.commitments).
-- * `notas`: a thread of notes on a goal (or one of its bottlenecks), each addressed to an
--   account name or a role, with an optional "revisar el" date; the addressee closes it
--   (`cerrada_en`, `cerrada_por`). Written by warehouse.notes, audited; never read by the public.

CREATE TABLE seguimientos (
    codigo_compromiso VARCHAR NOT NULL,
    fecha             DATE NOT NULL,
    estado            VARCHAR NOT NULL,
    nota              VARCHAR,
    valid_from TIMESTAMP NOT NULL, valid_to TIMESTAMP, ingestion_id INTEGER NOT NULL, source_line BIGINT NOT NULL
);

CREATE SEQUENCE nota_id_seq START 1;
CREATE TABLE notas (
    id                 INTEGER PRIMARY KEY DEFAULT nextval('nota_id_seq'),
    codigo_meta        VARCHAR NOT NULL,
    codigo_restriccion VARCHAR,            -- NULL: a note on the goal itself
    texto              VARCHAR NOT NULL,
    autor              VARCHAR NOT NULL,   -- account name of who wrote it
    para               VARCHAR NOT NULL,   -- an account name, or a role ('presidencia', …)
    revisar_el         DATE,
    creada_en          TIMESTAMP NOT NULL,
    cerrada_en         TIMESTAMP,          -- NULL while pending for the addressee
    cerrada_por        VARCHAR
);
