package dev.distillery.methods;

import java.util.List;

/**
 * A finished call handed back to the method: what was asked and what the model answered.
 *
 * @param outputs one text per requested sample, in order
 */
public record CompletedCall(String key, ModelRole role, String prompt, List<String> outputs) {

    public String output() {
        return outputs.getFirst();
    }
}
