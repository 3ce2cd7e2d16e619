package dev.distillery.grading.rules;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.matheclipse.core.basic.Config;
import org.matheclipse.core.eval.EvalEngine;
import org.matheclipse.core.expression.F;
import org.matheclipse.core.form.tex.TeXParser;

/**
 * Runs {@link SymjaComparison}s on a small pool of worker threads, each check under a time limit.
 *
 * <p>Symja costs about three seconds to start, so the single instance is created on first use (lazy holder):
 * grading numbers, choices or the many math answers that already match as strings never pays it. Symja keeps
 * its evaluation state in a thread-local {@link EvalEngine}; every check gets a fresh one, so concurrent checks
 * share nothing but Symja's immutable built-in definitions.
 *
 * <p>A check that outlives its time is told to stop through {@link EvalEngine#stopRequest()} (Symja's
 * cooperative cancellation, checked at every evaluation step) and its thread is interrupted; the caller does not
 * wait for it. Symja's global size limits, set once here, keep a single step from running for long (a 10^(10^10)
 * fails fast instead of multiplying gigabit integers). These limits are process-wide, which is fine because the
 * grader is Symja's only user.
 */
final class SymjaChecker {

    /** How long a check may wait for a free worker before the grader gives up on it (only under heavy load). */
    private static final long QUEUE_WAIT_SECONDS = 120;
    /** Symja recurses deeply on nested expressions; platform threads with a large stack keep that safe. */
    private static final long WORKER_STACK_BYTES = 16L << 20;

    private static final PrintStream SILENT = new PrintStream(PrintStream.nullOutputStream());

    private static final class Holder {
        static final SymjaChecker INSTANCE = new SymjaChecker();
    }

    private final ThreadPoolExecutor workers;

    private SymjaChecker() {
        Config.MAX_BIT_LENGTH = 200_000;
        Config.MAX_AST_SIZE = 20_000;
        Config.MAX_POLYNOMIAL_DEGREE = 1_000;
        Config.MAX_MATRIX_DIMENSION_SIZE = 100;
        Config.MAX_INPUT_LEAVES = 5_000;
        Config.MAX_LOOP_COUNT = 100_000;
        // keep JAS's polynomial algorithms on the checking thread, where the stop request reaches them
        Config.JAS_NO_THREADS = true;
        Config.FILESYSTEM_ENABLED = false;
        Config.UNPROTECT_ALLOWED = false;
        F.initSymbols();
        warmUp();
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        AtomicInteger counter = new AtomicInteger();
        workers = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(null, task, "grader-symja-" + counter.incrementAndGet(), WORKER_STACK_BYTES);
            thread.setDaemon(true);
            return thread;
        });
        workers.allowCoreThreadTimeOut(true);
    }

    static SymjaChecker get() {
        return Holder.INSTANCE;
    }

    /** A fresh engine with Symja's messages silenced (they would otherwise go to standard output). */
    static EvalEngine newEngine() {
        EvalEngine engine = new EvalEngine(
                "grader", Config.DEFAULT_RECURSION_LIMIT, Config.DEFAULT_ITERATION_LIMIT, SILENT, SILENT, true);
        engine.setQuietMode(true);
        return engine;
    }

    /** The TeX parser builds large static tables on first use; pay that here rather than inside a timed check. */
    private static void warmUp() {
        EvalEngine.set(newEngine());
        try {
            new TeXParser().parse("\\frac{\\sqrt{2}}{2}+x");
        } finally {
            EvalEngine.remove();
        }
    }

    /**
     * Compares two normalised scalar answers, spending at most the budget's remaining time computing; the time
     * spent is taken from the budget, all of it when the check times out.
     */
    Verdict compare(String a, String b, Budget budget) {
        Check check = new Check(a, b);
        Future<Verdict> future = workers.submit(check::run);
        try {
            if (!check.started.await(QUEUE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                future.cancel(true);
                return Verdict.UNDECIDED;
            }
            Verdict verdict = future.get(budget.remainingNanos(), TimeUnit.NANOSECONDS);
            budget.spend(System.nanoTime() - check.startedAt);
            return verdict;
        } catch (TimeoutException e) {
            check.stop();
            future.cancel(true);
            budget.spend(budget.remainingNanos());
            return Verdict.UNDECIDED;
        } catch (ExecutionException e) {
            return Verdict.UNDECIDED;
        } catch (InterruptedException e) {
            check.stop();
            future.cancel(true);
            Thread.currentThread().interrupt();
            return Verdict.UNDECIDED;
        }
    }

    /** One comparison on a worker thread, with its own engine. */
    private static final class Check {

        private final String a;
        private final String b;
        final CountDownLatch started = new CountDownLatch(1);
        volatile long startedAt;
        private volatile @Nullable EvalEngine engine;
        private volatile boolean stopped;

        Check(String a, String b) {
            this.a = a;
            this.b = b;
        }

        Verdict run() {
            startedAt = System.nanoTime();
            started.countDown();
            EvalEngine own = newEngine();
            engine = own;
            if (stopped) {
                return Verdict.UNDECIDED;
            }
            EvalEngine.set(own);
            try {
                return new SymjaComparison(own).compare(a, b);
            } catch (RuntimeException | StackOverflowError e) {
                // Symja's limit and stop exceptions, or a failure inside an algorithm: either way undecided
                return Verdict.UNDECIDED;
            } finally {
                EvalEngine.remove();
            }
        }

        void stop() {
            stopped = true;
            EvalEngine running = engine;
            if (running != null) {
                running.stopRequest();
            }
        }
    }
}
