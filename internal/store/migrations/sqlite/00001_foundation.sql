-- +goose Up
CREATE TABLE units (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL,
    agency_code TEXT UNIQUE,
    name        TEXT NOT NULL,
    search_text TEXT NOT NULL,
    kind        TEXT NOT NULL,
    parent_id   TEXT REFERENCES units (id),
    path        TEXT NOT NULL UNIQUE,
    valid_from  TEXT NOT NULL,
    valid_to    TEXT,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (code, valid_from)
);
CREATE INDEX units_parent ON units (parent_id);
CREATE INDEX units_code ON units (code);

CREATE TABLE unit_successors (
    unit_id      TEXT NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    successor_id TEXT NOT NULL REFERENCES units (id),
    PRIMARY KEY (unit_id, successor_id)
);
CREATE INDEX unit_successors_successor ON unit_successors (successor_id);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    full_name     TEXT NOT NULL,
    search_text   TEXT NOT NULL,
    phone         TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    active        BOOLEAN NOT NULL,
    system_admin  BOOLEAN NOT NULL,
    lang          TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP
);

CREATE TABLE role_assignments (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    unit_id    TEXT NOT NULL REFERENCES units (id),
    role       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, unit_id, role)
);
CREATE INDEX role_assignments_unit ON role_assignments (unit_id);

CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry TIMESTAMP NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

CREATE TABLE login_failures (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    first_at     TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);

CREATE TABLE audit_events (
    id          TEXT PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor_id    TEXT,
    unit_id     TEXT,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_object ON audit_events (object_type, object_id);
CREATE INDEX audit_events_unit_at ON audit_events (unit_id, at);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE audit_events;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE role_assignments;
DROP TABLE users;
DROP TABLE unit_successors;
DROP TABLE units;
