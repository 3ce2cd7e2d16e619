package dev.distillery.methods;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A method parameter as the run form shows it.
 *
 * @param defaultValue Integer, Double, Boolean or String according to {@code type}
 * @param options allowed values for CHOICE
 */
public record ParamSpec(
        String name,
        String label,
        Type type,
        @Nullable Object defaultValue,
        @Nullable Double min,
        @Nullable Double max,
        List<String> options,
        String help) {

    public enum Type {
        INTEGER,
        NUMBER,
        BOOLEAN,
        TEXT,
        CHOICE
    }
}
