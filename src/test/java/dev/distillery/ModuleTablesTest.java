package dev.distillery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each module's tables are its own. Spring Modulith sees the Java dependencies between modules but not the SQL, so this
 * test reads both: the tables and views the migrations create, each owned by one module, and the SQL in every module's
 * string literals. A module may name its own tables, and another module's views (its published interface in SQL,
 * db/migration/V17) when it is allowed to depend on that module; never another module's tables.
 */
class ModuleTablesTest {

    /** Who owns each table and view; the views are the owner's interface to the other modules. */
    private static final Map<String, Set<String>> TABLES = Map.of(
            "tenancy",
                    Set.of(
                            "app_users",
                            "workspaces",
                            "memberships",
                            "invitations",
                            "api_keys",
                            "persistent_logins",
                            "audit_events"),
            "endpoints", Set.of("endpoints"),
            "datasets", Set.of("datasets", "dataset_versions", "dataset_items"),
            "runs", Set.of("runs", "run_items", "run_calls", "response_cache", "scheduled_tasks"),
            "review",
                    Set.of(
                            "trace_revisions",
                            "review_states",
                            "review_queues",
                            "review_slots",
                            "trace_search",
                            "trace_search_runs",
                            "review_state_versions"),
            "leaderboards", Set.of("leaderboard_entries", "public_boards"),
            "finetune", Set.of("finetune_exports", "fine_tune_jobs", "fine_tune_job_events"),
            "experiments", Set.of("experiments", "experiment_cells", "experiment_settings", "experiment_stages"),
            "campaigns",
                    Set.of(
                            "campaigns",
                            "campaign_items",
                            "campaign_item_states",
                            "campaign_contributors",
                            "campaign_answers"),
            // Spring Modulith's event publication registry, written by the framework for every module.
            "shared", Set.of("event_publication"));

    private static final Map<String, Set<String>> VIEWS = Map.of(
            "tenancy", Set.of("account_names"),
            "datasets", Set.of("dataset_version_names", "dataset_item_texts"),
            "runs", Set.of("run_overview", "run_item_outcomes", "run_call_texts"),
            "review", Set.of("review_latest_revisions"));

    private static final Path MIGRATIONS = Path.of("db/migration");
    private static final Path SOURCES = Path.of("src/main/java/dev/distillery");

    private static final Pattern CREATED =
            Pattern.compile("(?i)CREATE\\s+(TABLE|VIEW)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(\\w+)");
    /** SQL keywords in capitals (as this code base writes them) before a relation, and the relations listed after it. */
    private static final Pattern REFERENCE = Pattern.compile(
            "\\b(?:FROM|JOIN|INTO|UPDATE)\\s+([a-z_][a-z0-9_]*)((?:\\s+[a-z]\\w*)?(?:\\s*,\\s*[a-z_][a-z0-9_]*(?:\\s+[a-z]\\w*)?)*)");

    private static final Pattern LISTED = Pattern.compile(",\\s*([a-z_][a-z0-9_]*)");
    private static final Pattern TEXT_BLOCK = Pattern.compile("\"\"\"(.*?)\"\"\"", Pattern.DOTALL);
    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
    private static final Pattern ALLOWED = Pattern.compile("allowedDependencies\\s*=\\s*\\{([^}]*)}");

    @Test
    void everyTableAndViewTheMigrationsCreateHasOneOwner() throws IOException {
        Set<String> created = new TreeSet<>();
        Set<String> views = new TreeSet<>();
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".sql")).toList()) {
                Matcher m = CREATED.matcher(Files.readString(file));
                while (m.find()) {
                    created.add(m.group(2).toLowerCase());
                    if (m.group(1).equalsIgnoreCase("VIEW")) {
                        views.add(m.group(2).toLowerCase());
                    }
                }
            }
        }
        Set<String> owned = new TreeSet<>(owned(TABLES).keySet());
        owned.addAll(owned(VIEWS).keySet());
        assertThat(created).as("tables and views created by db/migration").containsExactlyInAnyOrderElementsOf(owned);
        assertThat(views)
                .as("views created by db/migration")
                .containsExactlyInAnyOrderElementsOf(owned(VIEWS).keySet());
    }

    @Test
    void modulesReadOtherModulesOnlyThroughTheirViews() throws IOException {
        Map<String, String> tableOwners = owned(TABLES);
        Map<String, String> viewOwners = owned(VIEWS);
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String module = SOURCES.relativize(file).getName(0).toString();
                if (module.endsWith(".java")) {
                    continue;
                }
                Set<String> allowed = allowedDependencies(module);
                for (String relation : relations(Files.readString(file))) {
                    String owner = tableOwners.get(relation);
                    if (owner != null && !owner.equals(module)) {
                        violations.add(file + " names " + owner + "'s table " + relation);
                    }
                    String publisher = viewOwners.get(relation);
                    if (publisher != null && !publisher.equals(module) && !allowed.contains(publisher)) {
                        violations.add(file + " reads " + publisher + "'s view " + relation + " but " + module
                                + " does not declare " + publisher + " in allowedDependencies");
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void theScanFindsRelationsInTextBlocksStringsAndCommaLists() {
        String source =
                "String a = \"\"\"\n    SELECT x FROM run_items i, dataset_items d\n    JOIN runs r ON true\"\"\";\n"
                        + "String b = \"UPDATE review_states SET a = 1\"; String c = \"Download training data from runs\";";
        assertThat(relations(source)).containsExactlyInAnyOrder("run_items", "dataset_items", "runs", "review_states");
    }

    private static Set<String> relations(String source) {
        Set<String> found = new TreeSet<>();
        List<String> literals = new ArrayList<>();
        Matcher blocks = TEXT_BLOCK.matcher(source);
        while (blocks.find()) {
            literals.add(blocks.group(1));
        }
        Matcher strings = STRING.matcher(TEXT_BLOCK.matcher(source).replaceAll(""));
        while (strings.find()) {
            literals.add(strings.group(1));
        }
        for (String literal : literals) {
            Matcher m = REFERENCE.matcher(literal);
            while (m.find()) {
                found.add(m.group(1));
                Matcher listed = LISTED.matcher(m.group(2));
                while (listed.find()) {
                    found.add(listed.group(1));
                }
            }
        }
        return found;
    }

    private static Set<String> allowedDependencies(String module) throws IOException {
        Path info = SOURCES.resolve(module).resolve("package-info.java");
        Matcher m = ALLOWED.matcher(Files.exists(info) ? Files.readString(info) : "");
        if (!m.find()) {
            return Set.of();
        }
        return Stream.of(m.group(1).split(","))
                .map(s -> s.strip().replace("\"", "").split("::")[0].strip())
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
    }

    private static Map<String, String> owned(Map<String, Set<String>> byModule) {
        return byModule.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(t -> Map.entry(t, e.getKey())))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
