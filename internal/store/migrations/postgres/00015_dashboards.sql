-- +goose Up
-- Dashboards (issue 7): the late dossiers of a unit and period are read through an index
-- of each agency's dossiers by timeliness and receipt, so only the late ones are read,
-- not every dossier of the period.
CREATE INDEX dossiers_unit_timeliness ON dossiers (unit_id, timeliness, received_at);

-- +goose Down
DROP INDEX dossiers_unit_timeliness;
