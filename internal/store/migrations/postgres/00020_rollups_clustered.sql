-- +goose Up
-- SQLite stores its rollups as WITHOUT ROWID tables from this migration on; PostgreSQL
-- keeps heap tables with their primary keys, unchanged.
SELECT 1;

-- +goose Down
SELECT 1;
