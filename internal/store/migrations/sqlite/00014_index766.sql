-- +goose Up
-- The service index of Decision 766/QĐ-TTg (issue 7 part 4). Definition versions are data:
-- the JSON body as uploaded, its scope ('' for the national default, else the province's
-- unit ID) and its effective days (last day inclusive; NULL: open-ended), which may be
-- closed when a later version of the same scope starts. Entries are the scores officials
-- enter, with evidence, for the indicators the system cannot compute: one per definition,
-- unit, indicator and period, in hundredths of a point.
CREATE TABLE index766_definitions (
    id             TEXT PRIMARY KEY,
    scope_unit_id  TEXT NOT NULL,
    version        TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to   TEXT,
    body           TEXT NOT NULL,
    created_by     TEXT,
    created_at     TIMESTAMP NOT NULL,
    updated_by     TEXT,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (scope_unit_id, version)
);
CREATE INDEX index766_definitions_scope ON index766_definitions (scope_unit_id, effective_from);

CREATE TABLE index766_entries (
    id            TEXT PRIMARY KEY,
    definition_id TEXT NOT NULL REFERENCES index766_definitions (id),
    unit_id       TEXT NOT NULL REFERENCES units (id),
    indicator     TEXT NOT NULL,
    period_from   TEXT NOT NULL,
    period_to     TEXT NOT NULL,
    score_centi   INTEGER NOT NULL,
    evidence      TEXT NOT NULL,
    entered_by    TEXT,
    entered_at    TIMESTAMP NOT NULL,
    UNIQUE (definition_id, unit_id, indicator, period_from, period_to)
);
CREATE INDEX index766_entries_unit ON index766_entries (unit_id, period_from);

-- +goose Down
DROP TABLE index766_entries;
DROP TABLE index766_definitions;
