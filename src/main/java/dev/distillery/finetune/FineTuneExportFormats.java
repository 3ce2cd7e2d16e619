package dev.distillery.finetune;

import dev.distillery.methods.TrainingText;
import dev.distillery.methods.TrainingText.QaPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample formats of METHODS.md §2 and §3, byte for byte: pure functions from a run item's kept teacher output to
 * JSON lines, the deterministic train/validation split and the zip that holds both. Lines are compact JSON (no spaces,
 * keys in the documented order, UTF-8 unescaped), each ended by a newline.
 */
final class FineTuneExportFormats {

    /** A JSON writer of its own, so the app's JSON settings can never change the bytes of a training file. */
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final LocalDateTime ZIP_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private FineTuneExportFormats() {}

    /** A run item's material for training samples. */
    sealed interface ExportItem {
        String itemId();
    }

    /**
     * A Fine-tune-CoT item: the question as the teacher saw it, the gold answer and its kept (correct) rationales, in
     * sample order.
     */
    record CotItem(String itemId, String question, String answer, List<String> rationales) implements ExportItem {}

    /** A Socratic CoT item with its kept decomposition. */
    record SocraticItem(String itemId, String question, List<QaPair> pairs) implements ExportItem {}

    /** A corrected trace: the teacher call's prompt, the reviewer's latest output and the original. */
    record PreferenceItem(String itemId, String prompt, String chosen, String rejected) implements ExportItem {}

    /** One prompt/completion sample with the key names its base format uses. */
    record Sample(String promptKey, String prompt, String completionKey, String completion) {

        static Sample of(String prompt, String completion) {
            return new Sample("prompt", prompt, "completion", completion);
        }
    }

    /**
     * The lines of {@code format} for one item, without their newlines.
     *
     * @param base the base format a wrapper carries (ignored by base formats and DPO)
     * @throws IllegalArgumentException when the item does not fit the format (a Socratic item for ft-cot, say)
     */
    static List<String> lines(ExportFormat format, ExportFormat base, ExportItem item) {
        return switch (format.kind()) {
            case PREFERENCE -> {
                if (!(item instanceof PreferenceItem p)) {
                    throw new IllegalArgumentException("DPO pairs are built from corrected traces");
                }
                yield List.of(json(ordered("prompt", p.prompt(), "chosen", p.chosen(), "rejected", p.rejected())));
            }
            case BASE ->
                samples(format, item).stream()
                        .map(s -> json(ordered(s.promptKey(), s.prompt(), s.completionKey(), s.completion())))
                        .toList();
            case WRAPPER ->
                samples(base, item).stream()
                        .map(s -> format == ExportFormat.OPENAI_CHAT
                                ? json(Map.of(
                                        "messages",
                                        List.of(
                                                ordered("role", "user", "content", s.prompt()),
                                                ordered("role", "assistant", "content", s.completion()))))
                                : json(ordered("prompt", s.prompt(), "completion", s.completion())))
                        .toList();
        };
    }

    /** The prompt/completion samples of a base format for one item. */
    static List<Sample> samples(ExportFormat base, ExportItem item) {
        return switch (item) {
            case CotItem cot -> cotSamples(base, cot);
            case SocraticItem socratic -> socraticSamples(base, socratic);
            case PreferenceItem p ->
                throw new IllegalArgumentException("A preference pair has no " + base.id() + " samples");
        };
    }

    private static List<Sample> cotSamples(ExportFormat base, CotItem item) {
        String q = item.question().strip();
        String a = item.answer().strip();
        if (base == ExportFormat.VANILLA) {
            return List.of(Sample.of(q + " ###", " " + a + " END"));
        }
        List<Sample> samples = new ArrayList<>();
        for (String rationale : item.rationales()) {
            String r = rationale.strip();
            if (r.isEmpty()) {
                continue;
            }
            samples.add(
                    switch (base) {
                        case FT_COT -> Sample.of(q + " ###", " " + r + " --> " + a + " END");
                        case FT_COT_GPT3 -> Sample.of(q + "\n\n###\n\n", " " + r + "\n\n-->\n\n" + a + " END");
                        case FT_COT_T5 -> new Sample("input", q, "target", r + " --> " + a);
                        default -> throw new IllegalArgumentException(base.id() + " is not a Fine-tune-CoT format");
                    });
        }
        return samples;
    }

    /**
     * Unified: the problem line, then every pair. Decomposer: one sample per subquestion, given the pairs before it,
     * and a last one whose completion is the stop marker. Solver: one sample per subquestion, answered. A decomposition
     * with a pair missing its question or its answer teaches the wrong layout and gives no samples.
     */
    private static List<Sample> socraticSamples(ExportFormat base, SocraticItem item) {
        String q = item.question().strip();
        List<QaPair> pairs = item.pairs();
        if (pairs.isEmpty()
                || pairs.stream()
                        .anyMatch(p -> p.question().isBlank() || p.answer().isBlank())) {
            return List.of();
        }
        List<Sample> samples = new ArrayList<>();
        switch (base) {
            case UNIFIED -> samples.add(Sample.of(TrainingText.problem(q), TrainingText.decompositionText(pairs)));
            case DECOMPOSER -> {
                for (int i = 0; i <= pairs.size(); i++) {
                    String next = i < pairs.size() ? pairs.get(i).question() : TrainingText.stopMarker();
                    samples.add(Sample.of(TrainingText.decomposerPrompt(q, pairs.subList(0, i)), " " + next));
                }
            }
            case SOLVER -> {
                for (int i = 0; i < pairs.size(); i++) {
                    samples.add(Sample.of(
                            TrainingText.solverPrompt(
                                    q, pairs.subList(0, i), pairs.get(i).question()),
                            " " + pairs.get(i).answer()));
                }
            }
            default -> throw new IllegalArgumentException(base.id() + " is not a Socratic CoT format");
        }
        return samples;
    }

    /**
     * The items held out for validation: {@code round(n × fraction)} of them (at least one, and never all, when
     * there are two or more), chosen by shuffling the ids in the given order with {@code java.util.Random(seed)},
     * whose sequence the Java specification fixes, so a seed gives the same split on every machine. Items, not
     * samples, are split: the samples of one question never land on both sides.
     */
    static Set<String> validationItems(List<String> itemIds, double fraction, long seed) {
        if (fraction <= 0 || itemIds.size() < 2) {
            return Set.of();
        }
        int count = (int) Math.clamp(Math.round(itemIds.size() * fraction), 1, itemIds.size() - 1);
        List<String> shuffled = new ArrayList<>(itemIds);
        Collections.shuffle(shuffled, new Random(seed));
        return new HashSet<>(shuffled.subList(0, count));
    }

    /** Lines as a JSON Lines file: each line and a newline, UTF-8. */
    static byte[] jsonl(List<String> lines) {
        StringBuilder out = new StringBuilder();
        lines.forEach(line -> out.append(line).append('\n'));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A zip of named files in the given order, with fixed timestamps so the same export gives the same bytes. */
    static byte[] zip(Map<String, byte[]> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes, StandardCharsets.UTF_8)) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                ZipEntry entry = new ZipEntry(file.getKey());
                entry.setTimeLocal(ZIP_TIME);
                zip.putNextEntry(entry);
                zip.write(file.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }

    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2, String k3, Object v3) {
        Map<String, Object> map = ordered(k1, v1, k2, v2);
        map.put(k3, v3);
        return map;
    }

    private static String json(Object value) {
        return JSON.writeValueAsString(value);
    }
}
