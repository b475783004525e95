-- +goose Up
-- The ISO 9001:2015 quality management system of a unit (issue 8): controlled documents
-- with their versions, reviews, distribution and attachments; quality objectives with the
-- results entered by hand (measures bound to data are computed, not stored);
-- nonconformities and corrective actions with their evidence and the runs that raise them
-- automatically; management reviews with their outputs; internal audits. Every row carries
-- the unit it belongs to.

-- One row per version of a document; (unit_id, code) names the document.
CREATE TABLE qms_documents (
    id              TEXT PRIMARY KEY,
    unit_id         TEXT NOT NULL REFERENCES units (id),
    code            TEXT NOT NULL,
    version         INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    procedure_code  TEXT NOT NULL,
    status          TEXT NOT NULL,
    author_id       TEXT NOT NULL REFERENCES users (id),
    owner_id        TEXT REFERENCES users (id),
    approver_id     TEXT REFERENCES users (id),
    change_note     TEXT NOT NULL,
    effective_on    TEXT,
    next_review_on  TEXT,
    submitted_at    TIMESTAMP,
    approved_at     TIMESTAMP,
    published_at    TIMESTAMP,
    published_by    TEXT,
    obsolete_at     TIMESTAMP,
    obsolete_reason TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (unit_id, code, version)
);
CREATE INDEX qms_documents_unit_status ON qms_documents (unit_id, status);

-- The reviewers named on a version and what each said ('' while pending).
CREATE TABLE qms_document_reviews (
    document_id TEXT NOT NULL REFERENCES qms_documents (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    unit_id     TEXT NOT NULL REFERENCES units (id),
    verdict     TEXT NOT NULL,
    comment     TEXT NOT NULL,
    reviewed_at TIMESTAMP,
    PRIMARY KEY (document_id, user_id)
);

-- Distribution: the officials who must read a version, and when they acknowledged it.
CREATE TABLE qms_document_readers (
    document_id     TEXT NOT NULL REFERENCES qms_documents (id),
    user_id         TEXT NOT NULL REFERENCES users (id),
    unit_id         TEXT NOT NULL REFERENCES units (id),
    added_by        TEXT,
    added_at        TIMESTAMP NOT NULL,
    acknowledged_at TIMESTAMP,
    PRIMARY KEY (document_id, user_id)
);
CREATE INDEX qms_document_readers_user ON qms_document_readers (user_id, acknowledged_at);

-- Files of a version, kept in the database (like dossier_files) with their SHA-256.
CREATE TABLE qms_attachments (
    id           TEXT PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES qms_documents (id),
    unit_id      TEXT NOT NULL REFERENCES units (id),
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_by   TEXT,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX qms_attachments_document ON qms_attachments (document_id);

CREATE TABLE qms_objectives (
    id         TEXT PRIMARY KEY,
    unit_id    TEXT NOT NULL REFERENCES units (id),
    year       INTEGER NOT NULL,
    title      TEXT NOT NULL,
    measure    TEXT NOT NULL,
    comparison TEXT NOT NULL,
    target     REAL NOT NULL,
    unit_label TEXT NOT NULL,
    method     TEXT NOT NULL,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX qms_objectives_unit_year ON qms_objectives (unit_id, year);

-- Monthly results of the objectives measured by hand, with their evidence.
CREATE TABLE qms_objective_results (
    id           TEXT PRIMARY KEY,
    objective_id TEXT NOT NULL REFERENCES qms_objectives (id),
    unit_id      TEXT NOT NULL REFERENCES units (id),
    month        TEXT NOT NULL,
    value        REAL NOT NULL,
    evidence     TEXT NOT NULL,
    recorded_by  TEXT,
    recorded_at  TIMESTAMP NOT NULL,
    UNIQUE (objective_id, month)
);

-- Nonconformities and their corrective action. auto_key names what an automatic (or
-- grouped) record stands for (unit, cause and month), so raising twice adds nothing.
CREATE TABLE qms_nonconformities (
    id               TEXT PRIMARY KEY,
    unit_id          TEXT NOT NULL REFERENCES units (id),
    source           TEXT NOT NULL,
    month            TEXT NOT NULL,
    auto_key         TEXT UNIQUE,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL,
    evidence_count   INTEGER NOT NULL,
    status           TEXT NOT NULL,
    raised_by        TEXT,
    raised_at        TIMESTAMP NOT NULL,
    correction       TEXT NOT NULL,
    root_cause       TEXT NOT NULL,
    action           TEXT NOT NULL,
    action_owner_id  TEXT REFERENCES users (id),
    action_due_on    TEXT,
    action_done_at   TIMESTAMP,
    action_done_note TEXT NOT NULL,
    verified_by      TEXT,
    verified_at      TIMESTAMP,
    verification     TEXT NOT NULL,
    effective        BOOLEAN NOT NULL,
    closed_by        TEXT,
    closed_at        TIMESTAMP,
    dismissed_by     TEXT,
    dismissed_at     TIMESTAMP,
    dismiss_reason   TEXT NOT NULL,
    audit_item_id    TEXT,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX qms_nonconformities_unit_status ON qms_nonconformities (unit_id, status);
CREATE INDEX qms_nonconformities_unit_month ON qms_nonconformities (unit_id, month);

-- What a nonconformity rests on: dossiers, intake refusals, publications, ratings,
-- objectives, each once.
CREATE TABLE qms_nc_evidence (
    id      TEXT PRIMARY KEY,
    nc_id   TEXT NOT NULL REFERENCES qms_nonconformities (id),
    unit_id TEXT NOT NULL REFERENCES units (id),
    kind    TEXT NOT NULL,
    ref_id  TEXT NOT NULL,
    label   TEXT NOT NULL,
    at      TIMESTAMP,
    UNIQUE (nc_id, kind, ref_id)
);

-- The runs of the automatic raising: per scope (a unit ID, or '*' for all) and month.
CREATE TABLE qms_raise_runs (
    scope  TEXT NOT NULL,
    month  TEXT NOT NULL,
    ran_at TIMESTAMP NOT NULL,
    raised INTEGER NOT NULL,
    PRIMARY KEY (scope, month)
);

-- Management reviews (clause 9.3): inputs gathered from the data as JSON, outputs below.
CREATE TABLE qms_reviews (
    id           TEXT PRIMARY KEY,
    unit_id      TEXT NOT NULL REFERENCES units (id),
    title        TEXT NOT NULL,
    period_from  TEXT NOT NULL,
    period_to    TEXT NOT NULL,
    held_on      TEXT NOT NULL,
    chair        TEXT NOT NULL,
    participants TEXT NOT NULL,
    notes        TEXT NOT NULL,
    inputs       TEXT NOT NULL,
    inputs_at    TIMESTAMP NOT NULL,
    status       TEXT NOT NULL,
    created_by   TEXT,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX qms_reviews_unit_held ON qms_reviews (unit_id, held_on);

CREATE TABLE qms_review_outputs (
    id         TEXT PRIMARY KEY,
    review_id  TEXT NOT NULL REFERENCES qms_reviews (id),
    unit_id    TEXT NOT NULL REFERENCES units (id),
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    text       TEXT NOT NULL,
    owner_id   TEXT REFERENCES users (id),
    due_on     TEXT,
    done_at    TIMESTAMP,
    done_by    TEXT,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX qms_review_outputs_review ON qms_review_outputs (review_id);

-- Internal audits: a yearly programme of a unit, plans auditing it or units below it,
-- their auditors and checklist items (the findings).
CREATE TABLE qms_audit_programmes (
    id         TEXT PRIMARY KEY,
    unit_id    TEXT NOT NULL REFERENCES units (id),
    year       INTEGER NOT NULL,
    title      TEXT NOT NULL,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (unit_id, year)
);

CREATE TABLE qms_audit_plans (
    id           TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES qms_audit_programmes (id),
    unit_id      TEXT NOT NULL REFERENCES units (id),
    scope        TEXT NOT NULL,
    planned_on   TEXT NOT NULL,
    status       TEXT NOT NULL,
    conclusion   TEXT NOT NULL,
    completed_at TIMESTAMP,
    created_by   TEXT,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX qms_audit_plans_programme ON qms_audit_plans (programme_id);
CREATE INDEX qms_audit_plans_unit ON qms_audit_plans (unit_id);

CREATE TABLE qms_audit_auditors (
    plan_id TEXT NOT NULL REFERENCES qms_audit_plans (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    unit_id TEXT NOT NULL REFERENCES units (id),
    PRIMARY KEY (plan_id, user_id)
);
CREATE INDEX qms_audit_auditors_user ON qms_audit_auditors (user_id);

CREATE TABLE qms_audit_items (
    id          TEXT PRIMARY KEY,
    plan_id     TEXT NOT NULL REFERENCES qms_audit_plans (id),
    unit_id     TEXT NOT NULL REFERENCES units (id),
    seq         INTEGER NOT NULL,
    clause      TEXT NOT NULL,
    question    TEXT NOT NULL,
    evidence    TEXT NOT NULL,
    result      TEXT NOT NULL,
    nc_id       TEXT,
    recorded_by TEXT,
    recorded_at TIMESTAMP
);
CREATE INDEX qms_audit_items_plan ON qms_audit_items (plan_id, seq);

-- +goose Down
DROP TABLE qms_audit_items;
DROP TABLE qms_audit_auditors;
DROP TABLE qms_audit_plans;
DROP TABLE qms_audit_programmes;
DROP TABLE qms_review_outputs;
DROP TABLE qms_reviews;
DROP TABLE qms_raise_runs;
DROP TABLE qms_nc_evidence;
DROP TABLE qms_nonconformities;
DROP TABLE qms_objective_results;
DROP TABLE qms_objectives;
DROP TABLE qms_attachments;
DROP TABLE qms_document_readers;
DROP TABLE qms_document_reviews;
DROP TABLE qms_documents;
