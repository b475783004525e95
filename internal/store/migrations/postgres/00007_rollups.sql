-- +goose Up
-- Report rollups (issue 7): per receiving agency and day (and per month, for long periods
-- and running sums), the counters that every dossier transition updates in its own
-- transaction (see internal/report). Reports read these, never the dossiers.
CREATE TABLE rollup_daily (
    unit_id           TEXT NOT NULL REFERENCES units (id),
    day               TEXT NOT NULL,
    received_desk     BIGINT NOT NULL DEFAULT 0,
    received_post     BIGINT NOT NULL DEFAULT 0,
    received_online   BIGINT NOT NULL DEFAULT 0,
    refused           BIGINT NOT NULL DEFAULT 0,
    cohort_early      BIGINT NOT NULL DEFAULT 0,
    cohort_on_time    BIGINT NOT NULL DEFAULT 0,
    cohort_late       BIGINT NOT NULL DEFAULT 0,
    resolved_early    BIGINT NOT NULL DEFAULT 0,
    resolved_on_time  BIGINT NOT NULL DEFAULT 0,
    resolved_late     BIGINT NOT NULL DEFAULT 0,
    stopped           BIGINT NOT NULL DEFAULT 0,
    withdrawn         BIGINT NOT NULL DEFAULT 0,
    returned          BIGINT NOT NULL DEFAULT 0,
    supplements       BIGINT NOT NULL DEFAULT 0,
    apologies         BIGINT NOT NULL DEFAULT 0,
    transfers         BIGINT NOT NULL DEFAULT 0,
    digitised         BIGINT NOT NULL DEFAULT 0,
    paid_online       BIGINT NOT NULL DEFAULT 0,
    electronic        BIGINT NOT NULL DEFAULT 0,
    open_delta        BIGINT NOT NULL DEFAULT 0,
    overdue_delta     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day)
);

CREATE TABLE rollup_monthly (
    unit_id           TEXT NOT NULL REFERENCES units (id),
    month             TEXT NOT NULL,
    received_desk     BIGINT NOT NULL DEFAULT 0,
    received_post     BIGINT NOT NULL DEFAULT 0,
    received_online   BIGINT NOT NULL DEFAULT 0,
    refused           BIGINT NOT NULL DEFAULT 0,
    cohort_early      BIGINT NOT NULL DEFAULT 0,
    cohort_on_time    BIGINT NOT NULL DEFAULT 0,
    cohort_late       BIGINT NOT NULL DEFAULT 0,
    resolved_early    BIGINT NOT NULL DEFAULT 0,
    resolved_on_time  BIGINT NOT NULL DEFAULT 0,
    resolved_late     BIGINT NOT NULL DEFAULT 0,
    stopped           BIGINT NOT NULL DEFAULT 0,
    withdrawn         BIGINT NOT NULL DEFAULT 0,
    returned          BIGINT NOT NULL DEFAULT 0,
    supplements       BIGINT NOT NULL DEFAULT 0,
    apologies         BIGINT NOT NULL DEFAULT 0,
    transfers         BIGINT NOT NULL DEFAULT 0,
    digitised         BIGINT NOT NULL DEFAULT 0,
    paid_online       BIGINT NOT NULL DEFAULT 0,
    electronic        BIGINT NOT NULL DEFAULT 0,
    open_delta        BIGINT NOT NULL DEFAULT 0,
    overdue_delta     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, month)
);

-- +goose Down
DROP TABLE rollup_monthly;
DROP TABLE rollup_daily;
