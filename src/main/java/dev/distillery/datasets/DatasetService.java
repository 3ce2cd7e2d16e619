package dev.distillery.datasets;

import dev.distillery.datasets.formats.DatasetFormat;
import dev.distillery.datasets.formats.DatasetFormats;
import dev.distillery.datasets.formats.FormatOptions;
import dev.distillery.datasets.formats.ImportProblem;
import dev.distillery.datasets.formats.ImportSink;
import dev.distillery.datasets.formats.ImportSource;
import dev.distillery.datasets.formats.ParsedItem;
import dev.distillery.datasets.formats.UploadRejectedException;
import dev.distillery.datasets.formats.UploadSource;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.InvalidInputException.FieldError;
import dev.distillery.shared.NotFoundException;
import dev.distillery.tenancy.AuditLog;
import dev.distillery.tenancy.CurrentTenant;
import dev.distillery.tenancy.Permission;
import dev.distillery.tenancy.TenantContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Imports uploads as new immutable dataset versions and reads them back. An import streams the file through its
 * format's parser into batched inserts inside one transaction: if any line is bad, the transaction rolls back and
 * the user gets every problem found (line, field, why), and nothing is stored.
 */
@Service
public class DatasetService {

    /** Problems reported per failed import; enough to fix a file in a few rounds, few enough to read. */
    static final int MAX_PROBLEMS = 50;

    private static final int BATCH = 1000;
    private static final Set<String> SPLITS = Set.of("train", "test", "dev");

    private final Datasets datasets;
    private final CurrentTenant currentTenant;
    private final AuditLog auditLog;
    private final Clock clock;
    private final JsonMapper json;
    private final UploadSource.Limits limits;

    DatasetService(
            Datasets datasets,
            CurrentTenant currentTenant,
            AuditLog auditLog,
            Clock clock,
            JsonMapper json,
            DatasetProperties properties) {
        this.datasets = datasets;
        this.currentTenant = currentTenant;
        this.auditLog = auditLog;
        this.clock = clock;
        this.json = json;
        this.limits = new UploadSource.Limits(
                properties.maxFileBytes().toBytes(),
                properties.maxZipEntries(),
                properties.maxUnpackedBytes().toBytes());
    }

    /** The upload limits users see next to the upload field. */
    public UploadSource.Limits limits() {
        return limits;
    }

    /** Format ids and labels, for the format chooser. */
    public Map<String, String> formats() {
        Map<String, String> formats = new LinkedHashMap<>();
        DatasetFormats.all().forEach(f -> formats.put(f.id(), f.label()));
        return formats;
    }

    /**
     * Imports {@code file} as a new version of the dataset named in the request (created if new).
     *
     * @throws InvalidInputException with one error per bad line (line, field, message); nothing is stored then
     */
    @Transactional
    public ImportResult importFile(ImportRequest request, Path file, String fileName) {
        TenantContext tenant = currentTenant.require(Permission.MANAGE_RESOURCES);
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > 120) {
            throw new InvalidInputException("name", "Give the dataset a name of 1 to 120 characters.");
        }
        String source = request.source() == null || request.source().isBlank()
                ? null
                : request.source().strip();
        if (source != null && source.length() > 2000) {
            throw new InvalidInputException("source", "Keep the source and license note under 2,000 characters.");
        }
        ImportSource upload = open(file, fileName);
        DatasetFormat format = chooseFormat(request.format(), upload);
        String defaultSplit = defaultSplit(request.defaultSplit(), fileName);
        FormatOptions options = options(format, request.mapping());

        datasets.lockName(tenant.workspaceId(), name);
        UUID datasetId = datasets.idByName(name).orElseGet(() -> {
            UUID id = UUID.randomUUID();
            datasets.insertDataset(
                    id, tenant.workspaceId(), name, source, tenant.actor().userId(), clock.instant());
            return id;
        });
        int version = datasets.nextVersion(datasetId);
        UUID versionId = UUID.randomUUID();
        // The version row goes in first (items reference it) and gets its counts when the items are in.
        datasets.insertVersion(
                versionId,
                tenant.workspaceId(),
                datasetId,
                version,
                format.id(),
                fileName,
                source,
                0,
                Map.of(),
                Map.of(),
                tenant.actor().userId(),
                clock.instant());
        var writer = new ItemWriter(tenant.workspaceId(), versionId);
        parse(format, upload, defaultSplit, options, writer);
        writer.flush();
        if (!writer.problems.isEmpty()) {
            throw new InvalidInputException(writer.problems);
        }
        if (writer.total == 0) {
            throw new InvalidInputException("file", "The file holds no items.");
        }
        datasets.finishVersion(versionId, writer.total, writer.splitCounts, writer.typeCounts);
        auditLog.record(
                tenant,
                "dataset.imported",
                name + " v" + version,
                writer.total + " items from " + fileName + " (" + format.id() + ")");
        return new ImportResult(
                datasetId, versionId, version, format.id(), writer.total, writer.splitCounts, writer.typeCounts);
    }

    /** Parses the start of an upload as it would be imported, storing nothing; for the live preview. */
    @Transactional(readOnly = true)
    public ImportPreview preview(ImportRequest request, Path file, String fileName, int maxItems) {
        currentTenant.require(Permission.MANAGE_RESOURCES);
        ImportSource upload = open(file, fileName);
        List<String> columns = columns(upload);
        DatasetFormat format;
        try {
            format = chooseFormat(request.format(), upload);
        } catch (InvalidInputException e) {
            return new ImportPreview(null, columns, List.of(), e.errors());
        }
        List<DatasetItem> items = new ArrayList<>();
        List<FieldError> problems = new ArrayList<>();
        FormatOptions options;
        try {
            options = options(format, request.mapping());
        } catch (InvalidInputException e) {
            return new ImportPreview(format.id(), columns, List.of(), e.errors());
        }
        ImportSink sink = new ImportSink() {
            @Override
            public void item(ParsedItem item) {
                if (items.size() < maxItems) {
                    items.add(toItem(item, items.size()));
                }
            }

            @Override
            public void problem(ImportProblem problem) {
                problems.add(toError(problem));
            }

            @Override
            public boolean enoughProblems() {
                return items.size() >= maxItems || problems.size() >= 20;
            }
        };
        try {
            format.parse(upload, defaultSplit(request.defaultSplit(), fileName), options, sink);
        } catch (IOException e) {
            problems.add(new FieldError("file", "The file could not be read: " + e.getMessage()));
        } catch (UploadRejectedException e) {
            problems.add(new FieldError("file", e.getMessage()));
        }
        return new ImportPreview(format.id(), columns, items, problems);
    }

    @Transactional(readOnly = true)
    public List<DatasetSummary> list() {
        currentTenant.require(Permission.READ);
        return datasets.list();
    }

    /** Whether the workspace has imported a dataset. */
    @Transactional(readOnly = true)
    public boolean hasAny() {
        currentTenant.require(Permission.READ);
        return datasets.any();
    }

    @Transactional(readOnly = true)
    public DatasetDetails get(UUID datasetId) {
        currentTenant.require(Permission.READ);
        String name = datasets.name(datasetId).orElseThrow(() -> notFound(datasetId));
        return new DatasetDetails(datasetId, name, datasets.versions(datasetId));
    }

    /** @throws NotFoundException also for versions of other workspaces */
    @Transactional(readOnly = true)
    public VersionSummary version(UUID versionId) {
        currentTenant.require(Permission.READ);
        return datasets.version(versionId)
                .orElseThrow(() -> new NotFoundException("Dataset version " + versionId + " not found."));
    }

    /** A page of a version's items in split and source order; {@code split} and {@code search} may be null. */
    @Transactional(readOnly = true)
    public List<DatasetItem> items(
            UUID versionId, @Nullable String split, @Nullable String search, int offset, int limit) {
        version(versionId);
        return datasets.items(
                versionId, blankToNull(split), blankToNull(search), Math.max(0, offset), Math.clamp(limit, 1, 1000));
    }

    /** Ids and positions of a split's items from {@code offset}, at most {@code limit}, in source order. */
    @Transactional(readOnly = true)
    public List<DatasetItem.Ref> itemRefs(UUID versionId, String split, int offset, int limit) {
        version(versionId);
        return datasets.itemRefs(versionId, split, Math.max(0, offset), Math.max(0, limit));
    }

    /** The items of a version with these ids (any order; unknown ids are left out), for run workers and traces. */
    @Transactional(readOnly = true)
    public List<DatasetItem> itemsByIds(UUID versionId, List<String> itemIds) {
        currentTenant.require(Permission.READ);
        return itemIds.isEmpty() ? List.of() : datasets.itemsByIds(versionId, itemIds);
    }

    @Transactional(readOnly = true)
    public int countItems(UUID versionId, @Nullable String split, @Nullable String search) {
        version(versionId);
        return datasets.countItems(versionId, blankToNull(split), blankToNull(search));
    }

    /** Writes a version as JSON Lines, one item per line, streaming from the database. */
    @Transactional(readOnly = true)
    public void exportJsonl(UUID versionId, OutputStream out) {
        version(versionId);
        datasets.forEachItem(versionId, item -> {
            try {
                out.write(json.writeValueAsString(item).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private ImportSource open(Path file, String fileName) {
        try {
            return UploadSource.of(file, fileName, limits);
        } catch (UploadRejectedException e) {
            throw new InvalidInputException("file", e.getMessage());
        }
    }

    private static List<String> columns(ImportSource upload) {
        try {
            return DatasetFormats.columns(upload);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static DatasetFormat chooseFormat(@Nullable String requested, ImportSource upload) {
        if (requested != null && !requested.isBlank() && !requested.equalsIgnoreCase("auto")) {
            return DatasetFormats.byId(requested.strip().toLowerCase(Locale.ROOT))
                    .orElseThrow(() -> new InvalidInputException(
                            "format",
                            "Unknown format '" + requested + "'. Use auto or one of "
                                    + String.join(
                                            ", ",
                                            DatasetFormats.all().stream()
                                                    .map(DatasetFormat::id)
                                                    .toList()) + "."));
        }
        try {
            return DatasetFormats.detect(DatasetFormats.sample(upload))
                    .orElseThrow(() -> new InvalidInputException(
                            "format",
                            "The format could not be recognised. Choose it, or use "
                                    + "'generic' and map the columns."));
        } catch (IOException e) {
            throw new InvalidInputException("file", "The file could not be read: " + e.getMessage());
        } catch (UploadRejectedException e) {
            throw new InvalidInputException("file", e.getMessage());
        }
    }

    private static String defaultSplit(@Nullable String requested, String fileName) {
        if (requested == null || requested.isBlank()) {
            return DatasetFormats.guessSplit(fileName, "test");
        }
        String split = requested.strip().toLowerCase(Locale.ROOT);
        if (split.equals("validation")) {
            split = "dev";
        }
        if (!SPLITS.contains(split)) {
            throw new InvalidInputException("split", "The split is train, test or dev, not '" + requested + "'.");
        }
        return split;
    }

    private static FormatOptions options(DatasetFormat format, ImportRequest.@Nullable ColumnMapping mapping) {
        if (!format.id().equals("generic")) {
            return FormatOptions.defaults();
        }
        List<FieldError> errors = new ArrayList<>();
        if (mapping == null || mapping.question() == null || mapping.question().isBlank()) {
            errors.add(new FieldError("mapping.question", "Choose the column that holds the question."));
        }
        if (mapping == null || mapping.answer() == null || mapping.answer().isBlank()) {
            errors.add(new FieldError("mapping.answer", "Choose the column that holds the gold answer."));
        }
        if (mapping == null || mapping.answerType() == null) {
            errors.add(new FieldError(
                    "mapping.answerType", "Choose the answer type: number, math, choice, yesno or string."));
        }
        if (!errors.isEmpty() || mapping == null || mapping.question() == null || mapping.answer() == null) {
            throw new InvalidInputException(errors);
        }
        return new FormatOptions(
                mapping.question().strip(),
                mapping.answer().strip(),
                blankToNull(mapping.choices()),
                blankToNull(mapping.id()),
                blankToNull(mapping.split()),
                mapping.answerType(),
                FormatOptions.DEFAULT_MAX_LINE_LENGTH);
    }

    private static void parse(
            DatasetFormat format, ImportSource upload, String split, FormatOptions options, ItemWriter writer) {
        try {
            format.parse(upload, split, options, writer);
        } catch (IOException e) {
            throw new InvalidInputException("file", "The file could not be read: " + e.getMessage());
        } catch (UploadRejectedException e) {
            throw new InvalidInputException("file", e.getMessage());
        }
    }

    private static FieldError toError(ImportProblem problem) {
        return new FieldError(problem.field(), problem.message(), problem.line() > 0 ? problem.line() : null);
    }

    private static DatasetItem toItem(ParsedItem item, int position) {
        return new DatasetItem(
                item.itemId(),
                position,
                item.split(),
                item.question(),
                item.choices().stream()
                        .map(c -> new DatasetItem.Choice(c.label(), c.text()))
                        .toList(),
                item.goldRaw(),
                item.goldNormalized(),
                item.answerType(),
                item.rationale(),
                item.decomposition(),
                item.sourceLine(),
                item.sourceRef(),
                item.metadata());
    }

    private static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static NotFoundException notFound(UUID id) {
        return new NotFoundException("Dataset " + id + " not found.");
    }

    /** Collects parsed items into batched inserts, with per-split positions and counts, and the problems. */
    private final class ItemWriter implements ImportSink {

        private final UUID workspaceId;
        private final UUID versionId;
        private final List<ParsedItem> batch = new ArrayList<>(BATCH);
        private final List<Integer> positions = new ArrayList<>(BATCH);
        private final Map<String, Integer> splitCounts = new TreeMap<>();
        private final Map<String, Integer> typeCounts = new TreeMap<>();
        private final List<FieldError> problems = new ArrayList<>();
        private int total;

        ItemWriter(UUID workspaceId, UUID versionId) {
            this.workspaceId = workspaceId;
            this.versionId = versionId;
        }

        @Override
        public void item(ParsedItem item) {
            if (!problems.isEmpty()) {
                return; // the import will be refused; stop writing, keep reading for more problems
            }
            positions.add(splitCounts.merge(item.split(), 1, Integer::sum) - 1);
            typeCounts.merge(item.answerType().id(), 1, Integer::sum);
            batch.add(item);
            total++;
            if (batch.size() == BATCH) {
                flush();
            }
        }

        @Override
        public void problem(ImportProblem problem) {
            if (problems.size() < MAX_PROBLEMS) {
                problems.add(toError(problem));
            }
        }

        @Override
        public boolean enoughProblems() {
            return problems.size() >= MAX_PROBLEMS;
        }

        void flush() {
            if (!batch.isEmpty() && problems.isEmpty()) {
                datasets.insertItems(workspaceId, versionId, batch, positions);
            }
            batch.clear();
            positions.clear();
        }
    }
}
