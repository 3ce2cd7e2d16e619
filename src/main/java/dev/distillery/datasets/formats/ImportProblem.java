package dev.distillery.datasets.formats;

/**
 * One thing wrong with an upload, precise enough to fix: which line (0 when it concerns the whole file), which
 * field, and why. Example: line 12, field "answer": "'twelve' is not a number".
 */
public record ImportProblem(int line, String field, String message) {

    public String describe() {
        return (line > 0 ? "line " + line + ", " : "") + "field '" + field + "': " + message;
    }
}
