-- +goose Up
-- The procedure catalog (issue 4): procedures and their announced versions, publication
-- per unit, refused intakes, review plans and internal workflows.
CREATE TABLE procedures (
    id              TEXT PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    field           TEXT NOT NULL,
    level           TEXT NOT NULL,
    search_text     TEXT NOT NULL,
    status          TEXT NOT NULL,
    status_from     TEXT,
    replaced_by     TEXT,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX procedures_field ON procedures (field);
CREATE INDEX procedures_replaced_by ON procedures (replaced_by);

CREATE TABLE procedure_versions (
    id                 TEXT PRIMARY KEY,
    procedure_id       TEXT NOT NULL REFERENCES procedures (id) ON DELETE CASCADE,
    code               TEXT NOT NULL,
    version            INTEGER NOT NULL,
    name               TEXT NOT NULL,
    field              TEXT NOT NULL,
    level              TEXT NOT NULL,
    agency_kinds       TEXT NOT NULL,
    time_limit         TEXT NOT NULL,
    fees               TEXT NOT NULL,
    components         TEXT NOT NULL,
    result             TEXT NOT NULL,
    legal_basis        TEXT NOT NULL,
    online_level       TEXT NOT NULL,
    decision_number    TEXT NOT NULL,
    decision_date      TEXT,
    decision_authority TEXT NOT NULL,
    effective_from     TEXT NOT NULL,
    effective_to       TEXT,
    note               TEXT NOT NULL,
    frozen             BOOLEAN NOT NULL,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    UNIQUE (code, version)
);
CREATE INDEX procedure_versions_procedure ON procedure_versions (procedure_id);

CREATE TABLE procedure_publications (
    id             TEXT PRIMARY KEY,
    unit_id        TEXT NOT NULL REFERENCES units (id),
    procedure_id   TEXT NOT NULL REFERENCES procedures (id),
    code           TEXT NOT NULL,
    published_on   TEXT NOT NULL,
    unpublished_on TEXT,
    actor_id       TEXT,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (unit_id, procedure_id)
);
CREATE INDEX procedure_publications_procedure ON procedure_publications (procedure_id);

CREATE TABLE procedure_refusals (
    id       TEXT PRIMARY KEY,
    unit_id  TEXT NOT NULL REFERENCES units (id),
    code     TEXT NOT NULL,
    reason   TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT '',
    actor_id TEXT,
    at       TIMESTAMP NOT NULL
);
CREATE INDEX procedure_refusals_unit_at ON procedure_refusals (unit_id, at);

CREATE TABLE review_plans (
    id         TEXT PRIMARY KEY,
    unit_id    TEXT NOT NULL REFERENCES units (id),
    year       INTEGER NOT NULL,
    title      TEXT NOT NULL,
    due_on     TEXT NOT NULL,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (unit_id, year)
);

CREATE TABLE review_tasks (
    id           TEXT PRIMARY KEY,
    plan_id      TEXT NOT NULL REFERENCES review_plans (id) ON DELETE CASCADE,
    unit_id      TEXT NOT NULL REFERENCES units (id),
    procedure_id TEXT NOT NULL REFERENCES procedures (id),
    code         TEXT NOT NULL,
    result       TEXT NOT NULL DEFAULT '',
    result_text  TEXT NOT NULL DEFAULT '',
    reviewed_by  TEXT,
    reviewed_at  TIMESTAMP,
    UNIQUE (plan_id, procedure_id)
);
CREATE INDEX review_tasks_unit ON review_tasks (unit_id);

CREATE TABLE workflows (
    id           TEXT PRIMARY KEY,
    unit_id      TEXT NOT NULL REFERENCES units (id),
    procedure_id TEXT NOT NULL REFERENCES procedures (id),
    code         TEXT NOT NULL,
    steps        TEXT NOT NULL,
    updated_by   TEXT,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (unit_id, procedure_id)
);

-- +goose Down
DROP TABLE workflows;
DROP TABLE review_tasks;
DROP TABLE review_plans;
DROP TABLE procedure_refusals;
DROP TABLE procedure_publications;
DROP TABLE procedure_versions;
DROP TABLE procedures;
