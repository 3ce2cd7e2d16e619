package dev.distillery.experiments;

import dev.distillery.experiments.ExperimentTemplate.Slot;
import dev.distillery.methods.Method;
import dev.distillery.methods.Methods;
import dev.distillery.methods.Preset;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.InvalidInputException.FieldError;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The three papers' experiments as templates (METHODS.md §1–§3): the user fills the model slots and the dataset, and
 * {@link #instantiate} turns them into a grid or a pipeline. Pure: no endpoint or dataset is looked up here.
 */
public final class ExperimentTemplates {

    public static final String TRACE_OF_THOUGHT = "trace-of-thought-paper";
    public static final String FINE_TUNE_COT = "fine-tune-cot";
    public static final String SOCRATIC_COT = "socratic-cot";

    /** The paper's protocol: the first 200 items of the test split, from the first. */
    static final int TOT_ITEMS = 200;

    /** Diverse reasoning: the paper's D for every dataset but MultiArith and SVAMP (64 there). */
    static final int DEFAULT_SAMPLES = 8;

    private static final Slot TEACHERS = new Slot(
            "teachers", "Teachers", "endpoints", true, "The large models that write the step lists (one column each).");
    private static final Slot STUDENTS = new Slot(
            "students",
            "Students",
            "endpoints",
            true,
            "The small models that solve, alone and with the steps (one row each).");
    private static final Slot TEACHER = new Slot(
            "teacher",
            "Teacher",
            "endpoint",
            true,
            "The large model whose outputs on the train split become training data.");
    private static final Slot TRAIN_LIMIT = new Slot(
            "trainLimit", "Train items", "integer", false, "How many train items the teacher works on (empty: all).");
    private static final Slot TEST_LIMIT = new Slot(
            "testLimit", "Test items", "integer", false, "How many test items the evaluation uses (empty: all).");

    private static final List<ExperimentTemplate> ALL = List.of(
            new ExperimentTemplate(
                    TRACE_OF_THOUGHT,
                    "Trace-of-Thought (paper)",
                    "McDonald & Emami (ACL SRW 2024): on the first 200 test items, each student alone with standard "
                            + "prompting, zero-shot CoT and Plan-and-Solve, and with each teacher's Trace-of-Thought steps "
                            + "(preset tot-paper), provider-default decoding. The table gives each cell's gain over the "
                            + "student's baseline. A split with fewer than 200 items is used whole.",
                    false,
                    List.of(TEACHERS, STUDENTS),
                    List.of("Launch standard, zero-shot-cot and plan-and-solve (preset tot) per student, and "
                            + "trace-of-thought (preset tot-paper) per teacher and student, on test items 0–199")),
            new ExperimentTemplate(
                    FINE_TUNE_COT,
                    "Fine-tune-CoT",
                    "Ho, Schmid & Yun (ACL 2023): the teacher writes D rationales per train question (diverse reasoning "
                            + "at temperature 0.7), the correct ones are exported as chat fine-tuning samples (format "
                            + "openai-chat carrying ft-cot) and a fine-tuning job trains the student's model on them; when "
                            + "it has finished, the fine-tuned student is evaluated on test against the base student's "
                            + "zero-shot and few-shot CoT baselines. Needs a dataset with train and test splits and an "
                            + "endpoint whose provider offers OpenAI-compatible fine-tuning.",
                    true,
                    List.of(
                            TEACHER,
                            new Slot(
                                    "student",
                                    "Student",
                                    "endpoint",
                                    true,
                                    "The base student: evaluated zero-shot and few-shot, and fine-tuned (its model on its "
                                            + "provider unless set below)."),
                            new Slot(
                                    "fineTuneEndpoint",
                                    "Fine-tuning endpoint",
                                    "endpoint",
                                    false,
                                    "The endpoint whose provider fine-tunes (empty: the student's)."),
                            new Slot(
                                    "baseModel",
                                    "Base model",
                                    "text",
                                    false,
                                    "The model to fine-tune (empty: the fine-tuning endpoint's model)."),
                            new Slot(
                                    "samples",
                                    "Rationales per question (D)",
                                    "integer",
                                    false,
                                    "1, 2, 4, 8, 16, 32 or 64 (empty: 8, the paper's choice but for MultiArith and SVAMP, "
                                            + "where it used 64)."),
                            new Slot(
                                    "exemplars",
                                    "Few-shot exemplars",
                                    "text",
                                    false,
                                    "Which task's worked examples the few-shot baseline uses (empty: gsm8k)."),
                            TRAIN_LIMIT,
                            TEST_LIMIT),
                    List.of(
                            "Teacher rationales on train (fine-tune-cot, D per question)",
                            "Export the correct rationales and fine-tune the student's model on them",
                            "On test: the fine-tuned student (fine-tune-cot-student), the base student zero-shot and "
                                    + "few-shot CoT")),
            new ExperimentTemplate(
                    SOCRATIC_COT,
                    "Socratic CoT",
                    "Shridhar, Stolfo & Sachan (Findings ACL 2023): the teacher decomposes each train problem into "
                            + "subquestions and answers; the correct decompositions train a decomposer (question "
                            + "generation) and then a solver (question answering), each by a fine-tuning job on its own "
                            + "endpoint's provider; then both pairs, fine-tuned and as given, run the iterative inference on "
                            + "test. Needs a dataset with train and test splits.",
                    true,
                    List.of(
                            TEACHER,
                            new Slot(
                                    "decomposer",
                                    "Decomposer",
                                    "endpoint",
                                    true,
                                    "The model fine-tuned to ask the next subquestion (its provider fine-tunes it)."),
                            new Slot(
                                    "solver",
                                    "Solver",
                                    "endpoint",
                                    true,
                                    "The model fine-tuned to answer a subquestion (its provider fine-tunes it)."),
                            new Slot(
                                    "decomposerModel",
                                    "Decomposer base model",
                                    "text",
                                    false,
                                    "The model to fine-tune as decomposer (empty: the decomposer endpoint's model)."),
                            new Slot(
                                    "solverModel",
                                    "Solver base model",
                                    "text",
                                    false,
                                    "The model to fine-tune as solver (empty: the solver endpoint's model)."),
                            TRAIN_LIMIT,
                            TEST_LIMIT),
                    List.of(
                            "Teacher decompositions on train (socratic-cot)",
                            "Export the decomposer set and fine-tune the decomposer",
                            "Export the solver set and fine-tune the solver",
                            "On test: socratic-inference with the fine-tuned pair (preset socratic-finetuned) and with "
                                    + "the pair as given (preset socratic-instructed)")));

    private ExperimentTemplates() {}

    public static List<ExperimentTemplate> all() {
        return ALL;
    }

    public static Optional<ExperimentTemplate> byKey(String key) {
        return ALL.stream().filter(t -> t.key().equals(key)).findFirst();
    }

    /** A template filled in: a grid launched as any experiment, or a pipeline of stages. */
    public sealed interface Instance permits Grid, Pipeline {}

    public record Grid(ExperimentDraft draft) implements Instance {}

    public record Pipeline(PipelinePlan plan) implements Instance {}

    /**
     * Fills the template's slots.
     *
     * @throws dev.distillery.shared.NotFoundException when no template has the key
     * @throws InvalidInputException naming each missing or wrong slot ({@code slots.teachers}, {@code slots.samples})
     */
    public static Instance instantiate(String key, TemplateLaunch launch) {
        ExperimentTemplate template = byKey(key)
                .orElseThrow(() -> new dev.distillery.shared.NotFoundException("No experiment template '" + key
                        + "'; the templates are "
                        + ALL.stream().map(ExperimentTemplate::key).collect(Collectors.joining(", ")) + "."));
        Slots slots = new Slots(template, launch.slots());
        Instance instance = switch (key) {
            case TRACE_OF_THOUGHT -> traceOfThought(launch, slots);
            case FINE_TUNE_COT -> fineTuneCot(launch, slots);
            case SOCRATIC_COT -> socraticCot(launch, slots);
            default -> throw new IllegalStateException("Template " + key + " has no instantiation");
        };
        slots.check();
        return instance;
    }

    private static Instance traceOfThought(TemplateLaunch launch, Slots slots) {
        List<UUID> teachers = slots.endpoints(TEACHERS.name());
        List<UUID> students = slots.endpoints(STUDENTS.name());
        List<ExperimentDraft.MethodChoice> methods = List.of(
                choice("standard", "tot"),
                choice("zero-shot-cot", "tot"),
                choice("plan-and-solve", "tot"),
                choice("trace-of-thought", "tot-paper"));
        return new Grid(new ExperimentDraft(
                name(launch, "Trace-of-Thought (paper)"),
                launch.datasetId(),
                launch.datasetVersion(),
                "test",
                0,
                TOT_ITEMS,
                methods,
                teachers,
                students,
                List.of(),
                null,
                launch.seed(),
                launch.concurrency(),
                launch.confirm()));
    }

    private static Instance fineTuneCot(TemplateLaunch launch, Slots slots) {
        UUID teacher = slots.endpoint(TEACHER.name());
        UUID student = slots.endpoint("student");
        UUID fineTuning = slots.optionalEndpoint("fineTuneEndpoint");
        String baseModel = slots.text("baseModel");
        Integer samples = slots.integer("samples");
        String exemplars = slots.text("exemplars");
        Integer trainLimit = slots.integer(TRAIN_LIMIT.name());
        Integer testLimit = slots.integer(TEST_LIMIT.name());
        Map<String, Object> teacherParams = slots.params(
                "samples", "fine-tune-cot", "ft-cot", "samples", samples == null ? DEFAULT_SAMPLES : samples);
        Map<String, Object> fewShotParams = exemplars == null
                ? Map.of()
                : slots.params("exemplars", "few-shot-cot", "ft-cot", "exemplars", exemplars);
        String studentId = student == null ? "" : student.toString();
        List<PipelinePlan.Stage> stages = List.of(
                new PipelinePlan.Runs(
                        "Teacher rationales on train",
                        List.of(new PipelinePlan.Cell(
                                "fine-tune-cot",
                                preset("fine-tune-cot", "ft-cot"),
                                teacherParams,
                                "train",
                                trainLimit,
                                roles("teacher", teacher)))),
                new PipelinePlan.FineTune(
                        "Fine-tune the student on the correct rationales",
                        1,
                        "openai-chat",
                        "ft-cot",
                        fineTuning != null ? fineTuning : student == null ? new UUID(0, 0) : student,
                        baseModel,
                        "ft-cot"),
                new PipelinePlan.Runs(
                        "Evaluate on test: fine-tuned student against the base student's baselines",
                        List.of(
                                new PipelinePlan.Cell(
                                        "fine-tune-cot-student",
                                        preset("fine-tune-cot-student", "ft-cot"),
                                        Map.of(),
                                        "test",
                                        testLimit,
                                        Map.of("student", PipelinePlan.STAGE_MODEL + 2)),
                                new PipelinePlan.Cell(
                                        "zero-shot",
                                        preset("zero-shot", "ft-cot"),
                                        Map.of(),
                                        "test",
                                        testLimit,
                                        Map.of("student", studentId)),
                                new PipelinePlan.Cell(
                                        "few-shot-cot",
                                        preset("few-shot-cot", "ft-cot"),
                                        fewShotParams,
                                        "test",
                                        testLimit,
                                        Map.of("student", studentId)))));
        return new Pipeline(new PipelinePlan(name(launch, "Fine-tune-CoT"), "test", testLimit, stages));
    }

    private static Instance socraticCot(TemplateLaunch launch, Slots slots) {
        UUID teacher = slots.endpoint(TEACHER.name());
        UUID decomposer = slots.endpoint("decomposer");
        UUID solver = slots.endpoint("solver");
        String decomposerModel = slots.text("decomposerModel");
        String solverModel = slots.text("solverModel");
        Integer trainLimit = slots.integer(TRAIN_LIMIT.name());
        Integer testLimit = slots.integer(TEST_LIMIT.name());
        UUID none = new UUID(0, 0);
        List<PipelinePlan.Stage> stages = List.of(
                new PipelinePlan.Runs(
                        "Teacher decompositions on train",
                        List.of(new PipelinePlan.Cell(
                                "socratic-cot",
                                preset("socratic-cot", "socratic"),
                                Map.of(),
                                "train",
                                trainLimit,
                                roles("teacher", teacher)))),
                new PipelinePlan.FineTune(
                        "Fine-tune the decomposer on the correct decompositions",
                        1,
                        "openai-chat",
                        "decomposer",
                        decomposer == null ? none : decomposer,
                        decomposerModel,
                        "socratic-qg"),
                new PipelinePlan.FineTune(
                        "Fine-tune the solver on the correct decompositions",
                        1,
                        "openai-chat",
                        "solver",
                        solver == null ? none : solver,
                        solverModel,
                        "socratic-qa"),
                new PipelinePlan.Runs(
                        "Inference on test: the fine-tuned pair and the pair as given",
                        List.of(
                                new PipelinePlan.Cell(
                                        "socratic-inference",
                                        preset("socratic-inference", "socratic-finetuned"),
                                        Map.of(),
                                        "test",
                                        testLimit,
                                        Map.of(
                                                "decomposer",
                                                PipelinePlan.STAGE_MODEL + 2,
                                                "solver",
                                                PipelinePlan.STAGE_MODEL + 3)),
                                new PipelinePlan.Cell(
                                        "socratic-inference",
                                        preset("socratic-inference", "socratic-instructed"),
                                        Map.of(),
                                        "test",
                                        testLimit,
                                        Map.of(
                                                "decomposer",
                                                String.valueOf(decomposer),
                                                "solver",
                                                String.valueOf(solver))))));
        return new Pipeline(new PipelinePlan(name(launch, "Socratic CoT"), "test", testLimit, stages));
    }

    private static ExperimentDraft.MethodChoice choice(String method, String preset) {
        return new ExperimentDraft.MethodChoice(method, preset(method, preset), null);
    }

    /** The preset's id, checked to exist: a renamed preset fails every template test, not a user's launch. */
    private static String preset(String method, String preset) {
        return Methods.preset(method, preset)
                .map(Preset::id)
                .orElseThrow(() -> new IllegalStateException("Method " + method + " has no preset " + preset));
    }

    private static Map<String, String> roles(String role, @Nullable UUID endpoint) {
        return Map.of(role, String.valueOf(endpoint));
    }

    private static String name(TemplateLaunch launch, String fallback) {
        return launch.name() == null || launch.name().isBlank()
                ? fallback
                : launch.name().strip();
    }

    /** The given slot values, read by type, with every problem collected before one exception names them all. */
    private static final class Slots {

        private final ExperimentTemplate template;
        private final Map<String, Object> given;
        private final List<FieldError> errors = new ArrayList<>();

        Slots(ExperimentTemplate template, Map<String, Object> given) {
            this.template = template;
            this.given = given;
            for (String name : given.keySet()) {
                if (template.slots().stream().noneMatch(s -> s.name().equals(name))) {
                    errors.add(new FieldError(
                            "slots." + name,
                            "The template " + template.key() + " has no slot '" + name + "'; its slots are "
                                    + template.slots().stream().map(Slot::name).collect(Collectors.joining(", "))
                                    + "."));
                }
            }
        }

        void check() {
            if (!errors.isEmpty()) {
                throw new InvalidInputException(errors);
            }
        }

        private Slot slot(String name) {
            return template.slots().stream()
                    .filter(s -> s.name().equals(name))
                    .findFirst()
                    .orElseThrow();
        }

        List<UUID> endpoints(String name) {
            Object value = given.get(name);
            List<?> values = value instanceof List<?> list ? list : value == null ? List.of() : List.of(value);
            List<UUID> ids = new ArrayList<>();
            for (Object v : values) {
                UUID id = uuid(name, v);
                if (id != null && !ids.contains(id)) {
                    ids.add(id);
                }
            }
            if (values.isEmpty()) {
                errors.add(new FieldError(
                        "slots." + name,
                        "Choose at least one endpoint as " + slot(name).label() + "."));
            }
            return ids;
        }

        @Nullable
        UUID endpoint(String name) {
            Object value = given.get(name);
            if (value == null) {
                errors.add(new FieldError(
                        "slots." + name, "Choose the " + slot(name).label() + " endpoint."));
                return null;
            }
            return uuid(name, value);
        }

        @Nullable
        UUID optionalEndpoint(String name) {
            Object value = given.get(name);
            return value == null || (value instanceof String s && s.isBlank()) ? null : uuid(name, value);
        }

        @Nullable
        String text(String name) {
            Object value = given.get(name);
            if (value == null || (value instanceof String s && s.isBlank())) {
                return null;
            }
            if (value instanceof String s) {
                return s.strip();
            }
            errors.add(new FieldError("slots." + name, slot(name).label() + " is text."));
            return null;
        }

        @Nullable
        Integer integer(String name) {
            Object value = given.get(name);
            if (value == null || (value instanceof String s && s.isBlank())) {
                return null;
            }
            try {
                int number = new BigDecimal(value.toString().strip()).intValueExact();
                if (number < 1) {
                    errors.add(new FieldError("slots." + name, slot(name).label() + " is at least 1."));
                    return null;
                }
                return number;
            } catch (ArithmeticException | NumberFormatException e) {
                errors.add(new FieldError("slots." + name, slot(name).label() + " is a whole number."));
                return null;
            }
        }

        /** The method's parameters with one value set, checked as a run's launch checks them, naming the slot. */
        Map<String, Object> params(String slot, String methodId, String presetId, String param, Object value) {
            Method method = Methods.byId(methodId).orElseThrow();
            Preset preset = Methods.preset(methodId, presetId).orElseThrow();
            Map<String, Object> params = new LinkedHashMap<>();
            params.put(param, value);
            try {
                Methods.resolveParams(method, preset, params);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("slots." + slot, String.valueOf(e.getMessage())));
            }
            return params;
        }

        private @Nullable UUID uuid(String name, Object value) {
            try {
                return UUID.fromString(value.toString().strip());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("slots." + name, "'" + value + "' is not an endpoint id."));
                return null;
            }
        }
    }
}
