-- +goose Up
-- Fewer index entries per intake (issue 10, docs/benchmarks.md "Intake against the raw
-- insert"); the SQLite migration of the same number also clusters three tables.
--
-- The control slip and the history are keyed by what every query reads them by (dossier
-- and seq); nothing reads a row by its id, which stays as an unindexed column.
ALTER TABLE dossier_steps DROP CONSTRAINT dossier_steps_pkey,
    DROP CONSTRAINT dossier_steps_dossier_id_seq_key, ADD PRIMARY KEY (dossier_id, seq);
ALTER TABLE dossier_events DROP CONSTRAINT dossier_events_pkey,
    DROP CONSTRAINT dossier_events_dossier_id_seq_key, ADD PRIMARY KEY (dossier_id, seq);

-- No query reads dossiers by their current unit (the work queue and the monitoring go
-- through the open control-slip rows), nor by resolution time alone (the late dossiers
-- raised as nonconformities by resolution month are read through dossiers_unit_late).
DROP INDEX dossiers_current_state;
DROP INDEX dossiers_unit_resolved;

-- Indexes of what an intake leaves empty hold only the dossiers that have it: the late
-- ones (the dashboards' late dossiers by receipt, the nonconformities' by agency; the
-- queries name 'late' literally so that the planner matches it to the index's condition)
-- and the requests sent with an idempotency key. (SQLite keeps the key's UNIQUE
-- constraint: dropping it there means rebuilding the dossiers table.)
DROP INDEX dossiers_unit_timeliness;
CREATE INDEX dossiers_unit_late ON dossiers (unit_id, received_at) WHERE timeliness = 'late';
ALTER TABLE dossiers DROP CONSTRAINT dossiers_unit_id_idempotency_key_key;
CREATE UNIQUE INDEX dossiers_idempotency ON dossiers (unit_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- +goose Down
DROP INDEX dossiers_idempotency;
ALTER TABLE dossiers ADD UNIQUE (unit_id, idempotency_key);
DROP INDEX dossiers_unit_late;
CREATE INDEX dossiers_unit_timeliness ON dossiers (unit_id, timeliness, received_at);
CREATE INDEX dossiers_unit_resolved ON dossiers (unit_id, resolved_at);
CREATE INDEX dossiers_current_state ON dossiers (current_unit_id, state);
ALTER TABLE dossier_events DROP CONSTRAINT dossier_events_pkey, ADD UNIQUE (dossier_id, seq), ADD PRIMARY KEY (id);
ALTER TABLE dossier_steps DROP CONSTRAINT dossier_steps_pkey, ADD UNIQUE (dossier_id, seq), ADD PRIMARY KEY (id);
