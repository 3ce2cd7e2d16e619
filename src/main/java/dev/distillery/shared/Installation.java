package dev.distillery.shared;

/**
 * What kind of install this is. A local one runs on the embedded database (no {@code DATABASE_URL}): one person's
 * machine, where models on localhost are normal and a generated secret key on disk is acceptable. A server (an
 * external database) refuses both unless configured.
 *
 * @param local whether the application runs on the embedded database
 */
public record Installation(boolean local) {}
