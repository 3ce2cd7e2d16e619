package dev.distillery.simulator;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * The second half of {@code sim.when(predicate).reply(...)}: nothing is registered until {@code reply} is
 * called. Rules are tried in the order they were registered and the first match wins.
 */
public final class Stubbing {

    private final OpenAiSimulator simulator;
    private final Predicate<SimRequest> predicate;

    Stubbing(OpenAiSimulator simulator, Predicate<SimRequest> predicate) {
        this.simulator = simulator;
        this.predicate = Objects.requireNonNull(predicate, "predicate");
    }

    /** Matching requests get {@code text} in every choice (before {@code stop}/{@code max_tokens}). */
    public OpenAiSimulator reply(String text) {
        return reply(Responder.fixed(Objects.requireNonNull(text, "text")));
    }

    /** Matching requests are answered by {@code responder}. */
    public OpenAiSimulator reply(Responder responder) {
        simulator.addRule(new Rule(predicate, Objects.requireNonNull(responder, "responder")));
        return simulator;
    }

    record Rule(Predicate<SimRequest> predicate, Responder responder) {}
}
