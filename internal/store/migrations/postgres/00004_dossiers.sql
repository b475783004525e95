-- +goose Up
-- The dossier engine (issue 5): dossiers, the per-agency daily code sequence, the control
-- slip (one row per hand-over) and the hash-chained history.
CREATE TABLE dossier_sequences (
    agency_code TEXT NOT NULL,
    day         TEXT NOT NULL,
    last        INTEGER NOT NULL,
    PRIMARY KEY (agency_code, day)
);

CREATE TABLE dossiers (
    id                   TEXT PRIMARY KEY,
    code                 TEXT UNIQUE,
    unit_id              TEXT NOT NULL REFERENCES units (id),
    current_unit_id      TEXT NOT NULL REFERENCES units (id),
    version              INTEGER NOT NULL,
    state                TEXT NOT NULL,
    step_index           INTEGER NOT NULL,
    workflow             TEXT NOT NULL,
    channel              TEXT NOT NULL,
    regime               TEXT NOT NULL,
    procedure_version_id TEXT NOT NULL REFERENCES procedure_versions (id),
    procedure_code       TEXT NOT NULL,
    procedure_name       TEXT NOT NULL,
    time_limit           TEXT NOT NULL,
    applicant_kind       TEXT NOT NULL,
    applicant_name       TEXT NOT NULL,
    applicant_id_number  TEXT NOT NULL,
    applicant_phone      TEXT NOT NULL,
    applicant_email      TEXT NOT NULL,
    applicant_address    TEXT NOT NULL,
    representative       TEXT NOT NULL,
    search_text          TEXT NOT NULL,
    components           TEXT NOT NULL,
    fee_total            BIGINT NOT NULL,
    payment              TEXT NOT NULL,
    note                 TEXT NOT NULL,
    received_at          TIMESTAMPTZ,
    received_by          TEXT,
    clock_start          TIMESTAMPTZ,
    due_at               TIMESTAMPTZ,
    due_rule             TEXT NOT NULL,
    extended_due_at      TIMESTAMPTZ,
    paused_at            TIMESTAMPTZ,
    missing              TEXT NOT NULL,
    supplements          INTEGER NOT NULL,
    apologies            INTEGER NOT NULL,
    transfers            INTEGER NOT NULL,
    resolved_at          TIMESTAMPTZ,
    timeliness           TEXT NOT NULL,
    returned_at          TIMESTAMPTZ,
    return_channel       TEXT NOT NULL,
    electronic_result    BOOLEAN NOT NULL,
    closing_reason       TEXT NOT NULL,
    lookup_secret        TEXT NOT NULL,
    idempotency_key      TEXT,
    last_progress_at     TIMESTAMPTZ NOT NULL,
    history_hash         TEXT NOT NULL,
    created_by           TEXT,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    UNIQUE (unit_id, idempotency_key)
);
CREATE INDEX dossiers_unit_received ON dossiers (unit_id, received_at);
CREATE INDEX dossiers_current_state ON dossiers (current_unit_id, state);
CREATE INDEX dossiers_state_due ON dossiers (state, due_at);

CREATE TABLE dossier_steps (
    id           TEXT PRIMARY KEY,
    dossier_id   TEXT NOT NULL REFERENCES dossiers (id),
    seq          INTEGER NOT NULL,
    step_index   INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    role         TEXT NOT NULL,
    unit_id      TEXT NOT NULL REFERENCES units (id),
    assignee_id  TEXT,
    from_user_id TEXT,
    started_at   TIMESTAMPTZ NOT NULL,
    due_at       TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    finished_by  TEXT,
    outcome      TEXT NOT NULL,
    timeliness   TEXT NOT NULL,
    note         TEXT NOT NULL,
    UNIQUE (dossier_id, seq)
);
CREATE INDEX dossier_steps_assignee ON dossier_steps (assignee_id, finished_at);

CREATE TABLE dossier_events (
    id         TEXT PRIMARY KEY,
    dossier_id TEXT NOT NULL REFERENCES dossiers (id),
    unit_id    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    actor_id   TEXT,
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    UNIQUE (dossier_id, seq)
);

-- +goose Down
DROP TABLE dossier_events;
DROP TABLE dossier_steps;
DROP TABLE dossiers;
DROP TABLE dossier_sequences;
