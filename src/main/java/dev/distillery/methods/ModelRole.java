package dev.distillery.methods;

import java.util.Locale;

/** A model a method calls; a run maps each role it needs to an endpoint. */
public enum ModelRole {
    TEACHER,
    STUDENT,
    DECOMPOSER,
    SOLVER,
    /** Reads the answer from another role's free-form output (optional model-based answer extraction). */
    EXTRACTOR;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ModelRole fromId(String id) {
        return valueOf(id.strip().toUpperCase(Locale.ROOT));
    }
}
