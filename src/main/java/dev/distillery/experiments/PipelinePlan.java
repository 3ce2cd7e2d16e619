package dev.distillery.experiments;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An experiment whose stages run one after another, each starting when the one before it has finished.
 *
 * @param split the split the experiment is evaluated on (its table and leaderboard figures)
 * @param limit how many items of that split, or null for all
 */
public record PipelinePlan(
        String name, String split, @Nullable Integer limit, List<Stage> stages) {

    /** A stage as planned; numbered from 1 in the order given. */
    public sealed interface Stage permits Runs, FineTune {
        String title();

        /** The kind stored with the stage: {@code runs} or {@code fine-tune}. */
        String kind();
    }

    /** Runs launched together, which become cells of the experiment. */
    public record Runs(String title, List<Cell> cells) implements Stage {
        @Override
        public String kind() {
            return "runs";
        }
    }

    /**
     * A run's cell.
     *
     * @param roles role id to an endpoint id, or to {@code stage:N}: the model fine-tuned by stage N
     * @param limit items of the split from its start, or null for all
     */
    public record Cell(
            String method,
            String preset,
            Map<String, Object> params,
            String split,
            @Nullable Integer limit,
            Map<String, String> roles) {}

    /**
     * Training data exported from the first run of stage {@code sourceStage} (its correct outputs, corrections applied)
     * and a fine-tuning job on it, whose model later stages use.
     *
     * @param format the export format ({@code openai-chat}), carrying {@code baseFormat}
     * @param endpointId the endpoint whose provider fine-tunes
     * @param baseModel the model to fine-tune, or null for the endpoint's own model
     */
    public record FineTune(
            String title,
            int sourceStage,
            String format,
            String baseFormat,
            UUID endpointId,
            @Nullable String baseModel,
            String suffix)
            implements Stage {
        @Override
        public String kind() {
            return "fine-tune";
        }
    }

    /** Prefix of a role's value naming the model a fine-tuning stage produced. */
    public static final String STAGE_MODEL = "stage:";
}
