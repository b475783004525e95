-- +goose Up
-- One official civil-service schedule per year (calendar.Schedule as JSON). Rows with
-- source 'shipped' come with the program and are refreshed by newer releases; an
-- administrator's edit turns a row into source 'admin', which releases never overwrite.
CREATE TABLE calendar_schedules (
    year       INTEGER PRIMARY KEY,
    data       TEXT NOT NULL,
    source     TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by TEXT
);

-- Working time of a unit; units without a row inherit their nearest ancestor's.
CREATE TABLE unit_work_settings (
    unit_id      TEXT PRIMARY KEY REFERENCES units (id) ON DELETE CASCADE,
    office_hours TEXT NOT NULL,
    weekend      TEXT NOT NULL,
    day_rule     TEXT NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE unit_work_settings;
DROP TABLE calendar_schedules;
