package dev.distillery.e2e;

import dev.distillery.TestDatabase;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The packaged jar (production frontend bundle, as users run it) started as its own process on a free port and a
 * fresh database. Browser tests drive it; its log goes to {@code target/e2e-app.log}.
 */
public final class PackagedApp implements AutoCloseable {

    private final Process process;
    private final int port;
    private final String databaseUrl;

    private PackagedApp(Process process, int port, String databaseUrl) {
        this.process = process;
        this.port = port;
        this.databaseUrl = databaseUrl;
    }

    /** Starts the app on a new, empty database. */
    public static PackagedApp start(Map<String, String> extraEnv) throws IOException, InterruptedException {
        return start(extraEnv, TestDatabase.createAnother());
    }

    /** Starts the app on {@code databaseUrl}, e.g. another instance's or a killed one's database. */
    public static PackagedApp start(Map<String, String> extraEnv, String databaseUrl)
            throws IOException, InterruptedException {
        var app = launch(extraEnv, databaseUrl);
        app.awaitHealthy(Duration.ofSeconds(120));
        return app;
    }

    /** Starts the app where it is expected to refuse to start; returns what it printed. */
    public static String startExpectingFailure(Map<String, String> extraEnv, String databaseUrl)
            throws IOException, InterruptedException {
        var app = launch(extraEnv, databaseUrl);
        if (!app.process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            app.close();
            throw new IllegalStateException("The app was expected to stop but still runs; see " + app.log());
        }
        return Files.readString(app.log());
    }

    private Path log() {
        return Path.of("target/e2e-app-" + port + ".log");
    }

    private static PackagedApp launch(Map<String, String> extraEnv, String databaseUrl) throws IOException {
        File jar;
        try (var files = Files.list(Path.of("target"))) {
            jar = files.filter(p -> p.getFileName().toString().matches("distillery-.*\\.jar"))
                    .findFirst()
                    .orElseThrow(
                            () -> new IllegalStateException("Run 'mvn verify': browser tests need the packaged jar"))
                    .toFile();
        }
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        var builder = new ProcessBuilder(java, "-Xmx512m", "-jar", jar.getAbsolutePath())
                .redirectErrorStream(true)
                .redirectOutput(new File("target/e2e-app-" + port + ".log"));
        // A value of null removes a variable the defaults set.
        Map<String, String> env = builder.environment();
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().put("DATABASE_URL", databaseUrl);
        builder.environment().put("DATABASE_USERNAME", TestDatabase.user());
        builder.environment().put("DATABASE_PASSWORD", TestDatabase.password());
        builder.environment().put("DISTILLERY_LOGIN_ATTEMPTS_PER_IP", "10000");
        builder.environment().put("DISTILLERY_SIGNUPS_PER_IP_PER_HOUR", "1000");
        builder.environment().put("DISTILLERY_SECRET_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        // the simulators listen on localhost, which a server refuses unless allowed
        builder.environment().put("DISTILLERY_ENDPOINTS_ALLOWED_HOSTS", "localhost,127.0.0.1");
        extraEnv.forEach((name, value) -> {
            if (value == null) {
                env.remove(name);
            } else {
                env.put(name, value);
            }
        });
        return new PackagedApp(builder.start(), port, databaseUrl);
    }

    /**
     * Polls {@code GET /api/v1/runs/{id}} with {@code apiKey} until {@code until} holds, tolerating error answers (a
     * database outage answers 503 for a while); returns the run then.
     */
    public tools.jackson.databind.JsonNode awaitRun(
            String apiKey,
            String runId,
            java.util.function.Predicate<tools.jackson.databind.JsonNode> until,
            Duration timeout)
            throws InterruptedException {
        var http = new dev.distillery.TestHttp(URI.create(url("/")).getPort());
        var json = tools.jackson.databind.json.JsonMapper.builder().build();
        Instant deadline = Instant.now().plus(timeout);
        tools.jackson.databind.JsonNode run = null;
        while (Instant.now().isBefore(deadline)) {
            var response = http.call("GET", "/api/v1/runs/" + runId, apiKey, null);
            if (response.statusCode() == 200) {
                run = json.readTree(response.body());
                if (until.test(run)) {
                    return run;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting; last state " + run);
    }

    public String url(String path) {
        return "http://localhost:" + port + path;
    }

    private void awaitHealthy(Duration timeout) throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "The app exited with " + process.exitValue() + "; see target/e2e-app-" + port + ".log");
            }
            try {
                HttpResponse<String> health = client.send(
                        HttpRequest.newBuilder(URI.create(url("/actuator/health")))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Still starting.
            }
            Thread.sleep(250);
        }
        close();
        throw new IllegalStateException("The app did not become healthy within " + timeout);
    }

    /** The process id, for reading its memory use from /proc. */
    public long pid() {
        return process.pid();
    }

    public String databaseUrl() {
        return databaseUrl;
    }

    /** Ends the process at once, as a crash or {@code kill -9} would: no shutdown hooks, nothing flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
