-- +goose Up
-- The declaration that a unit's QMS conforms to TCVN ISO 9001:2015 (công bố hệ thống quản
-- lý chất lượng phù hợp, issue 8 part 7): the head's decision with its number, day, signer
-- and scope, and the procedures in scope when it was made (JSON array of codes), so a
-- change of scope shows that the unit must declare again. A new declaration replaces the
-- previous one, which stays as history.
CREATE TABLE qms_declarations (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL REFERENCES units (id),
    number      TEXT NOT NULL,
    decided_on  TEXT NOT NULL,
    signer      TEXT NOT NULL,
    scope       TEXT NOT NULL,
    procedures  TEXT NOT NULL,
    replaces_id TEXT,
    created_by  TEXT,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX qms_declarations_unit ON qms_declarations (unit_id, decided_on);

-- +goose Down
DROP TABLE qms_declarations;
