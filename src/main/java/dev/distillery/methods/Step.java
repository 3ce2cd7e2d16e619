package dev.distillery.methods;

import java.util.List;

/** What a method wants next for an item: more calls (made in parallel), or it is done. */
public sealed interface Step {

    /** Calls to make; their results come back in the history of the next {@code Method.next}. */
    record Calls(List<CallRequest> calls) implements Step {}

    /** The item is finished with these predictions, to be graded. */
    record Done(List<Prediction> predictions) implements Step {}
}
