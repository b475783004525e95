-- +goose Up
-- The citizens' portal (issue 6): the files uploaded with online submissions, kept in the
-- database beside their dossier (never under the web root, backed up with it, removed with
-- nothing else), and the applicants' satisfaction ratings, one per dossier.
CREATE TABLE dossier_files (
    id           TEXT PRIMARY KEY,
    dossier_id   TEXT NOT NULL REFERENCES dossiers (id),
    unit_id      TEXT NOT NULL REFERENCES units (id),
    component    TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    data         BYTEA NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX dossier_files_dossier ON dossier_files (dossier_id);

CREATE TABLE dossier_ratings (
    id         TEXT PRIMARY KEY,
    dossier_id TEXT NOT NULL UNIQUE REFERENCES dossiers (id),
    unit_id    TEXT NOT NULL REFERENCES units (id),
    level      TEXT NOT NULL,
    criteria   TEXT NOT NULL,
    comment    TEXT NOT NULL,
    rated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX dossier_ratings_unit_rated ON dossier_ratings (unit_id, rated_at);

-- The public statistics count dossiers resolved in a period per unit.
CREATE INDEX dossiers_unit_resolved ON dossiers (unit_id, resolved_at);

-- +goose Down
DROP INDEX dossiers_unit_resolved;
DROP TABLE dossier_ratings;
DROP TABLE dossier_files;
