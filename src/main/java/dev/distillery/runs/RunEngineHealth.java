package dev.distillery.runs;

import java.time.Duration;
import java.util.Optional;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The run engine in {@code /actuator/health} (component {@code runEngine}): down while its database work is being
 * retried through a restart or failover, so an operator's probe sees the same thing as the run page. db-scheduler's
 * own component ({@code dbScheduler}) says whether the scheduler that hands out the work is running.
 */
@Component("runEngineHealthIndicator")
class RunEngineHealth implements HealthIndicator {

    private final RunEngine engine;

    RunEngineHealth(RunEngine engine) {
        this.engine = engine;
    }

    @Override
    public Health health() {
        Optional<Duration> failing = engine.databaseUnavailableFor();
        Health.Builder health = failing.isPresent()
                ? Health.down()
                        .withDetail(
                                "database", "unavailable for " + failing.get().toSeconds() + " s; run work is retried")
                : Health.up();
        return health.withDetail("activeRuns", engine.activeRuns()).build();
    }
}
