-- Spring Modulith's event publication registry (its PostgreSQL schema, v2): every event a module publishes to
-- another module's @ApplicationModuleListener is stored here in the publishing transaction and removed when the
-- listener has finished (completion mode "delete"), so an event whose listener never ran (a crash between commit and
-- listener, a listener that failed) is published again when the application starts. Holds no tenant rows: the events
-- carry ids only, and each listener binds the event's workspace itself.
CREATE TABLE event_publication (
    id                     UUID NOT NULL,
    listener_id            TEXT NOT NULL,
    event_type             TEXT NOT NULL,
    serialized_event       TEXT NOT NULL,
    publication_date       TIMESTAMP WITH TIME ZONE NOT NULL,
    completion_date        TIMESTAMP WITH TIME ZONE,
    status                 TEXT,
    completion_attempts    INT,
    last_resubmission_date TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (id)
);
CREATE INDEX event_publication_serialized_event_hash_idx ON event_publication USING hash (serialized_event);
CREATE INDEX event_publication_by_completion_date_idx ON event_publication (completion_date);

GRANT SELECT, INSERT, UPDATE, DELETE ON event_publication TO ${appUser};
