package dev.distillery.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.distillery.shared.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExperimentTemplatesUnitTest {

    static final UUID TEACHER = UUID.randomUUID();
    static final UUID DECOMPOSER = UUID.randomUUID();
    static final UUID SOLVER = UUID.randomUUID();

    @Test
    void socraticCotFineTunesTheDecomposerThenTheSolverAndInfersWithBothPairs() {
        var instance = ExperimentTemplates.instantiate(
                "socratic-cot",
                launch(Map.of(
                        "teacher", TEACHER.toString(),
                        "decomposer", DECOMPOSER.toString(),
                        "solver", SOLVER.toString(),
                        "testLimit", 50)));
        PipelinePlan plan = ((ExperimentTemplates.Pipeline) instance).plan();
        assertThat(plan.stages()).hasSize(4);
        var teacher = (PipelinePlan.Runs) plan.stages().get(0);
        assertThat(teacher.cells().getFirst().method()).isEqualTo("socratic-cot");
        assertThat(teacher.cells().getFirst().split()).isEqualTo("train");
        var qg = (PipelinePlan.FineTune) plan.stages().get(1);
        assertThat(qg.baseFormat()).isEqualTo("decomposer");
        assertThat(qg.endpointId()).isEqualTo(DECOMPOSER);
        var qa = (PipelinePlan.FineTune) plan.stages().get(2);
        assertThat(qa.baseFormat()).isEqualTo("solver");
        assertThat(qa.endpointId()).isEqualTo(SOLVER);
        var inference = (PipelinePlan.Runs) plan.stages().get(3);
        assertThat(inference.cells())
                .extracting(PipelinePlan.Cell::preset)
                .containsExactly("socratic-finetuned", "socratic-instructed");
        assertThat(inference.cells().getFirst().roles())
                .isEqualTo(Map.of("decomposer", "stage:2", "solver", "stage:3"));
        assertThat(inference.cells().get(1).limit()).isEqualTo(50);
    }

    @Test
    void fineTuneCotDefaultsToEightRationalesPerQuestion() {
        var instance = ExperimentTemplates.instantiate(
                "fine-tune-cot", launch(Map.of("teacher", TEACHER.toString(), "student", SOLVER.toString())));
        PipelinePlan plan = ((ExperimentTemplates.Pipeline) instance).plan();
        var teacher = (PipelinePlan.Runs) plan.stages().getFirst();
        assertThat(teacher.cells().getFirst().params()).isEqualTo(Map.of("samples", 8));
        assertThat(((PipelinePlan.FineTune) plan.stages().get(1)).endpointId()).isEqualTo(SOLVER);
    }

    @Test
    void aMissingOrUnknownSlotIsNamed() {
        assertThatThrownBy(() -> ExperimentTemplates.instantiate(
                        "socratic-cot", launch(Map.of("teacher", TEACHER.toString(), "colour", "blue"))))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> assertThat(e.errors())
                                .extracting(InvalidInputException.FieldError::field)
                                .containsExactlyInAnyOrder("slots.colour", "slots.decomposer", "slots.solver"));
        assertThatThrownBy(() -> ExperimentTemplates.instantiate(
                        "trace-of-thought-paper", launch(Map.of("teachers", List.of("not-an-id")))))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> assertThat(e.errors())
                                .extracting(InvalidInputException.FieldError::field)
                                .containsExactlyInAnyOrder("slots.teachers", "slots.students"));
    }

    private static TemplateLaunch launch(Map<String, Object> slots) {
        return new TemplateLaunch(null, UUID.randomUUID(), null, slots, null, null, null);
    }
}
