-- +goose Up
-- IT and administrative-reform indicators (issue 7 part 5) and the annual evaluation of
-- each unit's QMS (issue 8 part 8).
--
-- it_mail_domains: the official mail domains an administrator sets for a unit ("gov.vn"
-- for that domain only, "*.phutho.gov.vn" for any domain under it); a unit's officials
-- count as having an official e-mail account when their address is at a domain of the
-- unit or of a unit above it.
CREATE TABLE it_mail_domains (
    id         TEXT PRIMARY KEY,
    unit_id    TEXT NOT NULL REFERENCES units (id),
    pattern    TEXT NOT NULL,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (unit_id, pattern)
);

-- it_indicator_values: the indicators a unit enters for a year (computers, internet line,
-- digital signatures, documents exchanged electronically), each with its evidence.
CREATE TABLE it_indicator_values (
    unit_id    TEXT NOT NULL REFERENCES units (id),
    year       INTEGER NOT NULL,
    indicator  TEXT NOT NULL,
    value      REAL NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    entered_by TEXT,
    entered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (unit_id, year, indicator)
);

-- it_indicator_years: a year the unit closed, with every indicator's value, formula and
-- inputs frozen as JSON.
CREATE TABLE it_indicator_years (
    unit_id   TEXT NOT NULL REFERENCES units (id),
    year      INTEGER NOT NULL,
    snapshot  TEXT NOT NULL,
    closed_by TEXT,
    closed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (unit_id, year)
);

-- qms_evaluations: a unit's annual report on maintaining and improving its QMS. While a
-- draft its figures are gathered live; once final they are kept as a JSON snapshot with
-- its SHA-256.
CREATE TABLE qms_evaluations (
    id           TEXT PRIMARY KEY,
    unit_id      TEXT NOT NULL REFERENCES units (id),
    year         INTEGER NOT NULL,
    status       TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    snapshot     TEXT NOT NULL DEFAULT '',
    hash         TEXT NOT NULL DEFAULT '',
    created_by   TEXT,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    finalized_by TEXT,
    finalized_at TIMESTAMP,
    UNIQUE (unit_id, year)
);

-- qms_evaluation_proposals: the unit's recommendations and proposals (kiến nghị, đề xuất).
CREATE TABLE qms_evaluation_proposals (
    id            TEXT PRIMARY KEY,
    evaluation_id TEXT NOT NULL REFERENCES qms_evaluations (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    text          TEXT NOT NULL,
    created_by    TEXT,
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (evaluation_id, seq)
);

-- +goose Down
DROP TABLE qms_evaluation_proposals;
DROP TABLE qms_evaluations;
DROP TABLE it_indicator_years;
DROP TABLE it_indicator_values;
DROP TABLE it_mail_domains;
