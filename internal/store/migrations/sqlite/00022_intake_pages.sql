-- +goose Up
-- Fewer pages per intake (issue 10, docs/benchmarks.md "Intake against the raw insert"). A
-- commit appends every page it changed to the log, one b-tree page at least per table and
-- index written, and an intake wrote twenty-two.
--
-- The daily sequence, the control slip and the history become WITHOUT ROWID tables keyed
-- by what every query reads them by (agency and day; dossier and seq): one b-tree each
-- where there were two or three (the rowid table, the key's index, the UNIQUE's index).
-- Nothing reads a control-slip row or an event by its id: the column stays, unindexed.
CREATE TABLE dossier_sequences_clustered (
    agency_code TEXT NOT NULL,
    day         TEXT NOT NULL,
    last        INTEGER NOT NULL,
    PRIMARY KEY (agency_code, day)
) WITHOUT ROWID;
INSERT INTO dossier_sequences_clustered (agency_code, day, last) SELECT agency_code, day, last FROM dossier_sequences;
DROP TABLE dossier_sequences;
ALTER TABLE dossier_sequences_clustered RENAME TO dossier_sequences;

CREATE TABLE dossier_steps_clustered (
    id           TEXT NOT NULL,
    dossier_id   TEXT NOT NULL REFERENCES dossiers (id),
    seq          INTEGER NOT NULL,
    step_index   INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    role         TEXT NOT NULL,
    unit_id      TEXT NOT NULL REFERENCES units (id),
    assignee_id  TEXT,
    from_user_id TEXT,
    started_at   TIMESTAMP NOT NULL,
    due_at       TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    finished_by  TEXT,
    outcome      TEXT NOT NULL,
    timeliness   TEXT NOT NULL,
    note         TEXT NOT NULL,
    PRIMARY KEY (dossier_id, seq)
) WITHOUT ROWID;
INSERT INTO dossier_steps_clustered (id, dossier_id, seq, step_index, kind, role, unit_id, assignee_id, from_user_id,
    started_at, due_at, finished_at, finished_by, outcome, timeliness, note)
SELECT id, dossier_id, seq, step_index, kind, role, unit_id, assignee_id, from_user_id,
    started_at, due_at, finished_at, finished_by, outcome, timeliness, note FROM dossier_steps;
DROP TABLE dossier_steps;
ALTER TABLE dossier_steps_clustered RENAME TO dossier_steps;
CREATE INDEX dossier_steps_assignee ON dossier_steps (assignee_id, finished_at);

CREATE TABLE dossier_events_clustered (
    id         TEXT NOT NULL,
    dossier_id TEXT NOT NULL REFERENCES dossiers (id),
    unit_id    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    at         TIMESTAMP NOT NULL,
    actor_id   TEXT,
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    PRIMARY KEY (dossier_id, seq)
) WITHOUT ROWID;
INSERT INTO dossier_events_clustered (id, dossier_id, unit_id, seq, at, actor_id, action, from_state, to_state, detail,
    prev_hash, hash)
SELECT id, dossier_id, unit_id, seq, at, actor_id, action, from_state, to_state, detail, prev_hash, hash
FROM dossier_events;
DROP TABLE dossier_events;
ALTER TABLE dossier_events_clustered RENAME TO dossier_events;

-- No query reads dossiers by their current unit (the work queue and the monitoring go
-- through the open control-slip rows), nor by resolution time alone (the late dossiers
-- raised as nonconformities by resolution month are read through dossiers_unit_late).
DROP INDEX dossiers_current_state;
DROP INDEX dossiers_unit_resolved;

-- The index of late dossiers holds only those (an intake is not late, so writes nothing
-- to it): the dashboards' late dossiers by receipt, the nonconformities' by agency. The
-- queries name 'late' literally so that both databases match it to the index's condition.
DROP INDEX dossiers_unit_timeliness;
CREATE INDEX dossiers_unit_late ON dossiers (unit_id, received_at) WHERE timeliness = 'late';

-- +goose Down
-- The clustered tables hold the same rows and columns; only the dossier indexes are put back.
DROP INDEX dossiers_unit_late;
CREATE INDEX dossiers_unit_timeliness ON dossiers (unit_id, timeliness, received_at);
CREATE INDEX dossiers_unit_resolved ON dossiers (unit_id, resolved_at);
CREATE INDEX dossiers_current_state ON dossiers (current_unit_id, state);
