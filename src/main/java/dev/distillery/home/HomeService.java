package dev.distillery.home;

import dev.distillery.datasets.DatasetService;
import dev.distillery.endpoints.EndpointService;
import dev.distillery.experiments.ExperimentService;
import dev.distillery.experiments.ExperimentSummary;
import dev.distillery.leaderboards.LeaderboardRow;
import dev.distillery.leaderboards.LeaderboardService;
import dev.distillery.review.CorrectionService;
import dev.distillery.review.QueueService;
import dev.distillery.runs.RunService;
import dev.distillery.runs.RunSummary;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What the home page shows, read through the owning modules' services (each checks the caller's permission and
 * reads only the current workspace's rows). One read-only transaction per method, so a section is consistent.
 */
@Service
public class HomeService {

    static final int LIVE_LIMIT = 10;
    static final int GAINS_LIMIT = 5;

    private final EndpointService endpoints;
    private final DatasetService datasets;
    private final RunService runs;
    private final CorrectionService corrections;
    private final QueueService queues;
    private final LeaderboardService leaderboards;
    private final ExperimentService experiments;

    HomeService(
            EndpointService endpoints,
            DatasetService datasets,
            RunService runs,
            CorrectionService corrections,
            QueueService queues,
            LeaderboardService leaderboards,
            ExperimentService experiments) {
        this.endpoints = endpoints;
        this.datasets = datasets;
        this.runs = runs;
        this.corrections = corrections;
        this.queues = queues;
        this.leaderboards = leaderboards;
        this.experiments = experiments;
    }

    @Transactional(readOnly = true)
    public GettingStarted gettingStarted() {
        return new GettingStarted(
                endpoints.hasAny(),
                datasets.hasAny(),
                runs.hasAny(),
                corrections.hasAnyReview(),
                leaderboards.hasAny());
    }

    /** Queued and running runs, newest first. */
    @Transactional(readOnly = true)
    public List<RunSummary> liveRuns() {
        return runs.live(LIVE_LIMIT);
    }

    /** Experiments not cancelled with cells still to finish (running or paused), newest first. */
    @Transactional(readOnly = true)
    public List<ExperimentSummary> liveExperiments() {
        return experiments.list().stream()
                .filter(e -> !e.cancelled() && e.finishedCells() < e.cells())
                .limit(LIVE_LIMIT)
                .toList();
    }

    /** The review queues with work for the current user, newest first. */
    @Transactional(readOnly = true)
    public List<ReviewWork> reviewWork() {
        return queues.assignedToMe(LIVE_LIMIT).stream()
                .map(q -> new ReviewWork(q.runId(), runs.get(q.runId()).name(), q.held(), q.open()))
                .toList();
    }

    /** The largest significant gains over the students' baselines on the workspace's boards. */
    @Transactional(readOnly = true)
    public List<LeaderboardRow> topGains() {
        return leaderboards.significantGains(GAINS_LIMIT);
    }
}
