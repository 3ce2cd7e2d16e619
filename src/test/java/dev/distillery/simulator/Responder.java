package dev.distillery.simulator;

import java.nio.charset.StandardCharsets;

/**
 * Produces the assistant text of one choice. The simulator then applies {@code stop} and {@code max_tokens}
 * to what is returned, so a responder never needs to handle them itself.
 *
 * <p>Responders are called concurrently from many request threads and must be thread-safe.
 */
@FunctionalInterface
public interface Responder {

    /**
     * @param request     the parsed request
     * @param choiceIndex the index of the choice being generated, {@code 0 .. n-1}
     * @return the full, untruncated reply text
     */
    String reply(SimRequest request, int choiceIndex);

    /** Always replies with {@code text}. */
    static Responder fixed(String text) {
        return (request, choiceIndex) -> text;
    }

    /**
     * The default responder: {@code "Echo: <first 40 characters of the prompt> [<hash>]. The answer is N."}.
     * The hash and N depend only on the prompt, so the same prompt gets the same reply in every run and every
     * JVM; choices after the first are tagged with their index so that {@code n > 1} yields distinct texts that
     * still agree on the answer.
     */
    static Responder echo() {
        return (request, choiceIndex) -> {
            String prompt = request.prompt();
            long hash = fnv1a(prompt);
            String flat = prompt.strip().replaceAll("\\s+", " ");
            String head = flat.length() > 40 ? flat.substring(0, 40) : flat;
            String variant = choiceIndex == 0 ? "" : " (choice " + choiceIndex + ")";
            return "Echo: %s [%08x]%s. The answer is %d."
                    .formatted(head, hash & 0xffffffffL, variant, Math.floorMod(hash, 1000));
        };
    }

    /** 64-bit FNV-1a over UTF-8: specified bit for bit, so replies are identical across JVMs and runs. */
    private static long fnv1a(String text) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
