package dev.distillery.grading;

import dev.distillery.shared.AnswerType;
import dev.distillery.shared.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;

/**
 * Grades outputs against gold answers on request, for anyone signed in or holding an API key. Batches are graded
 * in parallel on virtual threads, a few chunks per processor, so 10,000 number answers take well under a second;
 * math answers that need computer algebra queue for the grader's own bounded workers and never block the request
 * threads of others.
 */
@Service
public class GradingService {

    /** The most items one call may grade; larger batches are split by the caller. */
    public static final int MAX_ITEMS = 10_000;
    /** Below this many items the fan-out costs more than it saves. */
    private static final int PARALLEL_FROM = 64;

    private final Grader grader;

    GradingService(Grader grader) {
        this.grader = grader;
    }

    /** The version of the grader (see docs/GRADING.md). */
    public String version() {
        return Grader.VERSION;
    }

    /** The rule ids a user may choose for {@code type}, "default" first. */
    public List<String> rules(AnswerType type) {
        return Grader.rules(type);
    }

    /**
     * Grades each item with the type's {@code rule}; results come in the items' order.
     *
     * @param rule one of {@link #rules}, or null for the default
     * @throws InvalidInputException naming the field when the rule is unknown for the type, there are more than
     *     {@link #MAX_ITEMS} items, or an item lacks its prediction or gold answer
     * @throws AccessDeniedException when nobody is authenticated
     */
    public List<Grade> grade(AnswerType type, @Nullable String rule, List<GradingItem> items) {
        requireAuthenticated();
        validate(type, rule, items);
        if (items.size() < PARALLEL_FROM) {
            return items.stream().map(item -> gradeOne(type, rule, item)).toList();
        }
        Grade[] grades = new Grade[items.size()];
        int chunks = Math.min(items.size() / 16 + 1, 4 * Runtime.getRuntime().availableProcessors());
        int chunkSize = (items.size() + chunks - 1) / chunks;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int from = 0; from < items.size(); from += chunkSize) {
                int start = from;
                int end = Math.min(items.size(), from + chunkSize);
                running.add(executor.submit(() -> {
                    for (int i = start; i < end; i++) {
                        grades[i] = gradeOne(type, rule, items.get(i));
                    }
                }));
            }
            for (Future<?> chunk : running) {
                chunk.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Grading was interrupted", e);
        }
        return Arrays.asList(grades);
    }

    private Grade gradeOne(AnswerType type, @Nullable String rule, GradingItem item) {
        return grader.grade(type, rule, item.prediction(), item.gold(), item.choices());
    }

    private static void validate(AnswerType type, @Nullable String rule, List<GradingItem> items) {
        if (rule != null && !Grader.rules(type).contains(rule)) {
            throw new InvalidInputException(
                    "rule",
                    "'" + rule + "' is not a rule for " + type.id() + " answers; use one of "
                            + String.join(", ", Grader.rules(type)));
        }
        if (items.size() > MAX_ITEMS) {
            throw new InvalidInputException(
                    "items", "at most " + MAX_ITEMS + " items per call, got " + items.size() + "; split the batch");
        }
    }

    /** Grading costs CPU, so even this stateless service only serves signed-in users and API keys. */
    private static void requireAuthenticated() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
            throw new AccessDeniedException("Sign in first.");
        }
    }
}
