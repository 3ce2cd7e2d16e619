package dev.distillery.finetune;

import dev.distillery.shared.InvalidInputException.FieldError;
import dev.distillery.shared.text.TextLines;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks a fine-tuning file before it is uploaded: UTF-8 JSON Lines, each line an object with either chat
 * {@code messages} (roles system, developer, user, assistant or tool; at least one assistant message) or a
 * {@code prompt} and a {@code completion} string, one format per file. Problems name their line.
 */
final class FineTuneJobFiles {

    /** Enough to act on; a file with more problems usually has the same one throughout. */
    static final int MAX_PROBLEMS = 20;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    private enum Shape {
        CHAT,
        COMPLETION
    }

    private FineTuneJobFiles() {}

    /**
     * Adds the file's problems to {@code problems} (up to {@link #MAX_PROBLEMS} in all) and returns how many
     * examples it has.
     */
    static int check(String field, byte[] content, List<FieldError> problems) {
        int examples = 0;
        @Nullable Shape first = null;
        int firstLine = 0;
        TextLines lines = new TextLines(new ByteArrayInputStream(content), TextLines.DEFAULT_MAX_LENGTH);
        for (TextLines.Line line = next(lines); line != null; line = next(lines)) {
            int lineNumber = line.number();
            if (line.problem() != null) {
                if (problems.size() < MAX_PROBLEMS) {
                    problems.add(new FieldError(field, "The line is " + line.problem() + ".", lineNumber));
                }
                continue;
            }
            examples++;
            if (problems.size() >= MAX_PROBLEMS) {
                continue;
            }
            @Nullable String problem;
            @Nullable Shape shape = null;
            try {
                JsonNode node = JSON.readTree(line.text());
                if (!node.isObject()) {
                    problem = "Each line must be a JSON object.";
                } else if (node.has("messages")) {
                    problem = chatProblem(node.get("messages"));
                    shape = Shape.CHAT;
                } else if (node.has("prompt") || node.has("completion")) {
                    problem = node.path("prompt").isString()
                                    && node.path("completion").isString()
                            ? null
                            : "A prompt/completion example needs both 'prompt' and 'completion' as strings.";
                    shape = Shape.COMPLETION;
                } else {
                    problem = "The line has neither 'messages' nor 'prompt' and 'completion'.";
                }
            } catch (JacksonException e) {
                problem = "Not valid JSON: "
                        + e.getOriginalMessage().lines().findFirst().orElse("") + ".";
            }
            if (problem == null && shape != null) {
                if (first == null) {
                    first = shape;
                    firstLine = lineNumber;
                } else if (shape != first) {
                    problem = "Uses " + (shape == Shape.CHAT ? "'messages'" : "'prompt'/'completion'") + " but line "
                            + firstLine + " uses " + (first == Shape.CHAT ? "'messages'" : "'prompt'/'completion'")
                            + "; use one format per file.";
                }
            }
            if (problem != null) {
                problems.add(new FieldError(field, problem, lineNumber));
            }
        }
        if (examples == 0 && problems.size() < MAX_PROBLEMS) {
            problems.add(new FieldError(field, "The file has no examples."));
        }
        return examples;
    }

    private static TextLines.@Nullable Line next(TextLines lines) {
        try {
            return lines.next();
        } catch (java.io.IOException e) {
            // Reading bytes held in memory: nothing to fail but the decoding, which TextLines reports per line.
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static @Nullable String chatProblem(JsonNode messages) {
        if (!messages.isArray() || messages.isEmpty()) {
            return "'messages' must be a non-empty array.";
        }
        boolean assistant = false;
        int index = 0;
        for (JsonNode message : messages) {
            String where = "messages[" + index++ + "]";
            if (!message.isObject()) {
                return where + " must be an object with 'role' and 'content'.";
            }
            String role = message.path("role").isString() ? message.path("role").asString() : "";
            if (!ROLES.contains(role)) {
                return where + " has role '" + role + "'; use system, developer, user, assistant or tool.";
            }
            JsonNode content = message.path("content");
            boolean toolCall = role.equals("assistant") && message.has("tool_calls");
            if (!content.isString() && !content.isArray() && !toolCall) {
                return where + " needs 'content' (a string).";
            }
            assistant |= role.equals("assistant");
        }
        return assistant ? null : "'messages' needs at least one assistant message to learn from.";
    }
}
