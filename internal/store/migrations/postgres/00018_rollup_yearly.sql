-- +goose Up
-- Yearly report rollups (issue 7): the same counters per receiving agency and year, so a
-- running sum since the beginning (carried over, in progress) reads one row per agency and
-- year instead of one per month. Filled from the monthly rollups; kept by every transition
-- with the daily and monthly ones.
CREATE TABLE rollup_yearly (
    unit_id           TEXT NOT NULL REFERENCES units (id),
    year              TEXT NOT NULL,
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
    PRIMARY KEY (unit_id, year)
);

INSERT INTO rollup_yearly (unit_id, year, received_desk, received_post, received_online, refused, cohort_early, cohort_on_time, cohort_late, resolved_early, resolved_on_time, resolved_late, stopped, withdrawn, returned, supplements, apologies, transfers, digitised, paid_online, electronic, open_delta, overdue_delta)
SELECT unit_id, substr(month, 1, 4), SUM(received_desk), SUM(received_post), SUM(received_online), SUM(refused), SUM(cohort_early), SUM(cohort_on_time), SUM(cohort_late), SUM(resolved_early), SUM(resolved_on_time), SUM(resolved_late), SUM(stopped), SUM(withdrawn), SUM(returned), SUM(supplements), SUM(apologies), SUM(transfers), SUM(digitised), SUM(paid_online), SUM(electronic), SUM(open_delta), SUM(overdue_delta)
FROM rollup_monthly
GROUP BY unit_id, substr(month, 1, 4);

-- +goose Down
DROP TABLE rollup_yearly;
