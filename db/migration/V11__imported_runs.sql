-- A run imported from outside: its outputs were produced elsewhere and graded on import, no endpoint was called.
ALTER TABLE runs ADD COLUMN imported boolean NOT NULL DEFAULT false;
