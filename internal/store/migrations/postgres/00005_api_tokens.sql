-- +goose Up
-- API tokens for integrations (issue 6): each token acts as a service official holding one
-- role in one unit; only the SHA-256 of the secret is stored.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    unit_id      TEXT NOT NULL REFERENCES units (id),
    role         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    created_by   TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ
);
CREATE INDEX api_tokens_unit ON api_tokens (unit_id);

-- +goose Down
DROP TABLE api_tokens;
