package dev.distillery.datasets.formats;

/** Receives a parser's output as it streams: items in order, and problems (parsing goes on after a bad line). */
public interface ImportSink {

    void item(ParsedItem item);

    void problem(ImportProblem problem);

    /** Parsers stop early when this turns true (the caller has seen enough problems). */
    default boolean enoughProblems() {
        return false;
    }
}
