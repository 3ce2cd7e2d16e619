package dev.distillery.datasets.api;

import dev.distillery.datasets.DatasetDetails;
import dev.distillery.datasets.DatasetItem;
import dev.distillery.datasets.DatasetService;
import dev.distillery.datasets.DatasetSummary;
import dev.distillery.datasets.ImportRequest;
import dev.distillery.datasets.ImportResult;
import dev.distillery.datasets.VersionSummary;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.NotFoundException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Datasets of the API key's workspace. */
@RestController
@RequestMapping("/api/v1/datasets")
@Tag(name = "Datasets")
@SecurityRequirement(name = "apiKey")
class DatasetController {

    private final DatasetService datasets;
    private final JsonMapper json;

    DatasetController(DatasetService datasets, JsonMapper json) {
        this.datasets = datasets;
        this.json = json;
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(
            summary = "Upload a dataset file (an existing name gets a new version)",
            description =
                    "format: auto, gsm8k, gsm8k-socratic, svamp, math, math500, strategyqa, aqua, csqa or generic. "
                            + "mapping (generic only), a JSON object: {\"question\": \"...\", \"answer\": \"...\", \"choices\": \"...\", "
                            + "\"id\": \"...\", \"split\": \"...\", \"answerType\": \"number|math|choice|yesno|string\"}. "
                            + "A failed import stores nothing and answers 400 with an errors array of {line, field, message}.")
    ResponseEntity<ImportResult> upload(
            @RequestParam("file") MultipartFile file,
            @RequestParam("name") String name,
            @RequestParam(value = "format", defaultValue = "auto") String format,
            @RequestParam(value = "split", required = false) @Nullable String split,
            @RequestParam(value = "mapping", required = false) @Nullable String mapping,
            @RequestParam(value = "source", required = false) @Nullable String source)
            throws IOException {
        if (file.isEmpty()) {
            throw new InvalidInputException("file", "The file is empty.");
        }
        Path temp = Files.createTempFile("distillery-upload-", ".part");
        try {
            file.transferTo(temp);
            String fileName = file.getOriginalFilename() == null
                    ? "upload"
                    : Path.of(file.getOriginalFilename()).getFileName().toString();
            ImportResult result = datasets.importFile(
                    new ImportRequest(name, format, split, source, mapping(mapping)), temp, fileName);
            return ResponseEntity.created(URI.create("/api/v1/datasets/" + result.datasetId()))
                    .body(result);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @GetMapping
    List<DatasetSummary> list() {
        return datasets.list();
    }

    @GetMapping("/{id}")
    DatasetDetails get(@PathVariable UUID id) {
        return datasets.get(id);
    }

    @GetMapping("/{id}/items")
    @Operation(summary = "A page of items of a version (default: the latest), in split and source order")
    ItemPage items(
            @PathVariable UUID id,
            @RequestParam(required = false) @Nullable String split,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size,
            @RequestParam(required = false) @Nullable Integer version,
            @RequestParam(required = false) @Nullable String search) {
        VersionSummary v = version(id, version);
        int clamped = Math.clamp(size, 1, 1000);
        return new ItemPage(
                datasets.items(v.id(), split, search, Math.max(0, page) * clamped, clamped),
                datasets.countItems(v.id(), split, search),
                page,
                clamped,
                v.version());
    }

    @GetMapping(value = "/{id}/export", produces = "application/x-ndjson")
    @Operation(summary = "Download a version (default: the latest) as JSON Lines")
    void export(
            @PathVariable UUID id,
            @RequestParam(required = false) @Nullable Integer version,
            HttpServletResponse response)
            throws IOException {
        VersionSummary v = version(id, version);
        String name = datasets.get(id).name().replaceAll("[^A-Za-z0-9._-]+", "_");
        response.setContentType("application/x-ndjson");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"" + name + "-v" + v.version() + ".jsonl\"");
        datasets.exportJsonl(v.id(), response.getOutputStream());
    }

    private VersionSummary version(UUID datasetId, @Nullable Integer version) {
        DatasetDetails details = datasets.get(datasetId);
        if (version == null) {
            return details.latest();
        }
        return details.versions().stream()
                .filter(v -> v.version() == version)
                .findFirst()
                .orElseThrow(() -> new NotFoundException("Dataset " + datasetId + " has no version " + version + "."));
    }

    private ImportRequest.@Nullable ColumnMapping mapping(@Nullable String mapping) {
        if (mapping == null || mapping.isBlank()) {
            return null;
        }
        try {
            return json.readValue(mapping, ImportRequest.ColumnMapping.class);
        } catch (JacksonException e) {
            throw new InvalidInputException("mapping", "Not a valid mapping JSON object: " + e.getOriginalMessage());
        }
    }

    record ItemPage(List<DatasetItem> items, int total, int page, int size, int version) {}
}
