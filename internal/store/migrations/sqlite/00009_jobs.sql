-- +goose Up
-- Monitoring and reminders (issue 9): the background jobs with their leases and run log,
-- per-unit reminder thresholds, in-app notifications with each official's e-mail choice,
-- and the e-mail outbox.

-- One row per scheduled job. A runner claims a due job by setting lease_owner and
-- lease_until in one conditional UPDATE, so on PostgreSQL with several servers each
-- scheduled run happens once; next_run_at moves on when the run ends.
CREATE TABLE jobs (
    name        TEXT PRIMARY KEY,
    schedule    TEXT NOT NULL,
    next_run_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    lease_until TIMESTAMP,
    attempts    INTEGER NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- Every run of a job: who ran it, when, how it ended.
CREATE TABLE job_runs (
    id           TEXT PRIMARY KEY,
    job          TEXT NOT NULL,
    owner        TEXT NOT NULL,
    scheduled_at TIMESTAMP NOT NULL,
    attempt      INTEGER NOT NULL,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    status       TEXT NOT NULL,
    result       TEXT NOT NULL,
    error        TEXT NOT NULL
);
CREATE INDEX job_runs_job_started ON job_runs (job, started_at);
CREATE INDEX job_runs_started ON job_runs (started_at);

-- A unit's reminder thresholds in working minutes (0: the default rule); units below
-- inherit the nearest setting.
CREATE TABLE reminder_settings (
    unit_id          TEXT PRIMARY KEY REFERENCES units (id),
    stale_minutes    INTEGER NOT NULL,
    escalate_minutes INTEGER NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    updated_by       TEXT
);

-- In-app notifications. dedup_key names the thing and the stage, so the same reminder is
-- never given twice to the same person. email says what became of the e-mail: '' none,
-- 'queued' (in the outbox), 'digest' (waiting for the daily digest), 'digested'.
CREATE TABLE notifications (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    unit_id      TEXT REFERENCES units (id),
    kind         TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    dedup_key    TEXT NOT NULL,
    args         TEXT NOT NULL,
    link         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    read_at      TIMESTAMP,
    email        TEXT NOT NULL,
    UNIQUE (user_id, dedup_key)
);
CREATE INDEX notifications_user_created ON notifications (user_id, created_at);
CREATE INDEX notifications_email ON notifications (email, user_id);

-- Each official's choice for e-mail: immediate, digest (daily) or off.
CREATE TABLE notification_prefs (
    user_id    TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    email_mode TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The e-mail outbox: written in the transaction that causes the message, sent later by
-- the mail job with retries; sent_at (or failed_at after the last attempt) ends a row.
CREATE TABLE mail_outbox (
    id              TEXT PRIMARY KEY,
    user_id         TEXT REFERENCES users (id) ON DELETE SET NULL,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_owner     TEXT,
    lease_until     TIMESTAMP,
    last_error      TEXT NOT NULL,
    sent_at         TIMESTAMP,
    failed_at       TIMESTAMP
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, failed_at, next_attempt_at);
CREATE INDEX mail_outbox_created ON mail_outbox (created_at);

-- +goose Down
DROP TABLE mail_outbox;
DROP TABLE notification_prefs;
DROP TABLE notifications;
DROP TABLE reminder_settings;
DROP TABLE job_runs;
DROP TABLE jobs;
