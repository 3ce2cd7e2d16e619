package dev.distillery.simulator;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Immutable simulator settings; start from {@link #defaults()} and adjust with the same-named methods, e.g.
 * {@code Config.defaults().models("small", "large").latency(Duration.ofMillis(50))}.
 *
 * @param port       port to listen on; 0 picks a free one
 * @param models     model names the server accepts and lists; any other model gets a 404
 * @param apiKey     when non-null, requests must send {@code Authorization: Bearer <apiKey>} or get a 401
 * @param latency    fixed delay added to every request before it is answered
 * @param jitter     extra delay drawn uniformly from {@code [0, jitter)} per request
 * @param jitterSeed seed of the jitter's random source, so a run's set of delays is reproducible
 * @param responder  reply used when no rule matches
 */
public record Config(
        int port,
        List<String> models,
        String apiKey,
        Duration latency,
        Duration jitter,
        long jitterSeed,
        Responder responder) {

    public static final String DEFAULT_MODEL = "sim-model";

    public Config {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        models = List.copyOf(models);
        if (models.isEmpty()) {
            throw new IllegalArgumentException("at least one model is needed");
        }
        requireNonNegative(latency, "latency");
        requireNonNegative(jitter, "jitter");
        Objects.requireNonNull(responder, "responder");
    }

    /** Random port, model {@value #DEFAULT_MODEL}, no API key, no latency, {@link Responder#echo()}. */
    public static Config defaults() {
        return new Config(0, List.of(DEFAULT_MODEL), null, Duration.ZERO, Duration.ZERO, 0, Responder.echo());
    }

    /**
     * Reads the standalone flags {@code --port N --latency-ms N --jitter-ms N --models a,b --api-key K};
     * anything not given keeps its default.
     */
    public static Config fromArgs(String... args) {
        Config config = defaults();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + flag);
            }
            String value = args[++i];
            config = switch (flag) {
                case "--port" -> config.port(Integer.parseInt(value));
                case "--latency-ms" -> config.latency(Duration.ofMillis(Long.parseLong(value)));
                case "--jitter-ms" -> config.jitter(Duration.ofMillis(Long.parseLong(value)), config.jitterSeed);
                case "--models" -> config.models(value.split(","));
                case "--api-key" -> config.apiKey(value);
                default -> throw new IllegalArgumentException("unknown flag " + flag);
            };
        }
        return config;
    }

    public Config port(int port) {
        return new Config(port, models, apiKey, latency, jitter, jitterSeed, responder);
    }

    public Config models(String... models) {
        List<String> names = Arrays.stream(models)
                .map(String::strip)
                .filter(m -> !m.isEmpty())
                .toList();
        return new Config(port, names, apiKey, latency, jitter, jitterSeed, responder);
    }

    public Config apiKey(String apiKey) {
        return new Config(port, models, apiKey, latency, jitter, jitterSeed, responder);
    }

    public Config latency(Duration latency) {
        return new Config(port, models, apiKey, latency, jitter, jitterSeed, responder);
    }

    public Config jitter(Duration jitter, long seed) {
        return new Config(port, models, apiKey, latency, jitter, seed, responder);
    }

    public Config responder(Responder responder) {
        return new Config(port, models, apiKey, latency, jitter, jitterSeed, responder);
    }

    private static void requireNonNegative(Duration duration, String name) {
        if (Objects.requireNonNull(duration, name).isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
    }
}
