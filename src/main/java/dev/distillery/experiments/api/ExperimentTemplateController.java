package dev.distillery.experiments.api;

import dev.distillery.experiments.Experiment;
import dev.distillery.experiments.ExperimentTemplate;
import dev.distillery.experiments.ExperimentTemplateService;
import dev.distillery.experiments.TemplateLaunch;
import dev.distillery.shared.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The papers' experiments as templates: list their slots, fill them and launch. */
@RestController
@RequestMapping("/api/v1/experiments/templates")
@Tag(name = "Experiments")
@SecurityRequirement(name = "apiKey")
class ExperimentTemplateController {

    private final ExperimentTemplateService templates;

    ExperimentTemplateController(ExperimentTemplateService templates) {
        this.templates = templates;
    }

    @GetMapping
    @Operation(
            summary = "The experiment templates with their slots",
            description = "trace-of-thought-paper (a grid), fine-tune-cot and socratic-cot (pipelines whose stages "
                    + "start as the earlier ones finish). Each slot has a type: endpoint (an id), endpoints (a list of "
                    + "ids), text or integer; required slots must be given.")
    List<ExperimentTemplate> list() {
        return templates.templates();
    }

    @PostMapping(path = "/{key}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Launch a template: {datasetId, datasetVersion, name, slots: {...}, seed, concurrency}",
            description = "The grid's runs, or the pipeline's stages with the first stage's runs, are launched in one "
                    + "transaction. 400 names each missing or wrong slot (slots.teachers), and a split the dataset "
                    + "lacks; 404 for an unknown template. The experiment's stages are in its `stages` list.")
    ResponseEntity<ExperimentController.ExperimentJson> launch(
            @PathVariable String key, @RequestBody TemplateLaunch launch) {
        if (launch.datasetId() == null) {
            throw new InvalidInputException("datasetId", "Give the dataset's id.");
        }
        Experiment experiment = templates.launch(key, launch);
        return ResponseEntity.created(URI.create("/api/v1/experiments/" + experiment.id()))
                .body(ExperimentController.ExperimentJson.of(experiment, templates.stages(experiment.id())));
    }
}
