-- +goose Up
-- The register of risks and opportunities of a unit's QMS (rủi ro và cơ hội, clause 6.1,
-- issue 8 part 3): each entry with its process (in words, or a procedure's code), its
-- likelihood and impact on 1–5 scales, its treatment with an owner and a due day, and its
-- status. Periodic reviews keep the likelihood and impact assessed each time; the history
-- keeps every change field by field with who made it, when, and the old and new values.
CREATE TABLE qms_risks (
    id             TEXT PRIMARY KEY,
    unit_id        TEXT NOT NULL REFERENCES units (id),
    kind           TEXT NOT NULL,
    process        TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    description    TEXT NOT NULL,
    cause          TEXT NOT NULL,
    likelihood     INTEGER NOT NULL,
    impact         INTEGER NOT NULL,
    treatment      TEXT NOT NULL,
    owner_id       TEXT REFERENCES users (id),
    due_on         TEXT,
    status         TEXT NOT NULL,
    reviewed_on    TEXT,
    created_by     TEXT,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX qms_risks_unit_status ON qms_risks (unit_id, status);
CREATE INDEX qms_risks_owner ON qms_risks (owner_id, due_on);

CREATE TABLE qms_risk_reviews (
    id          TEXT PRIMARY KEY,
    risk_id     TEXT NOT NULL REFERENCES qms_risks (id),
    unit_id     TEXT NOT NULL REFERENCES units (id),
    reviewed_on TEXT NOT NULL,
    likelihood  INTEGER NOT NULL,
    impact      INTEGER NOT NULL,
    note        TEXT NOT NULL,
    reviewed_by TEXT,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX qms_risk_reviews_risk ON qms_risk_reviews (risk_id, reviewed_on);

CREATE TABLE qms_risk_history (
    id        TEXT PRIMARY KEY,
    risk_id   TEXT NOT NULL REFERENCES qms_risks (id),
    unit_id   TEXT NOT NULL REFERENCES units (id),
    at        TIMESTAMP NOT NULL,
    actor_id  TEXT,
    action    TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    field     TEXT NOT NULL,
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL
);
CREATE INDEX qms_risk_history_risk ON qms_risk_history (risk_id, at, seq);

-- +goose Down
DROP TABLE qms_risk_history;
DROP TABLE qms_risk_reviews;
DROP TABLE qms_risks;
