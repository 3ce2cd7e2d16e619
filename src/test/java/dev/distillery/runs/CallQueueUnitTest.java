package dev.distillery.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallQueueUnitTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final ExecutorService items = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        items.shutdownNow();
        threads.shutdownNow();
    }

    @Test
    void waitingCallsOfItemsWithFewerCallsMadeGoFirstAndEqualOnesInArrivalOrder() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        var taken = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        try (var queue = new CallQueue(threads, new Slots(1), 1, UnaryOperator.identity())) {
            // The only caller is busy with this one while the others arrive.
            items.submit(() -> queue.call(0, () -> {
                taken.countDown();
                return await(release);
            }));
            assertThat(taken.await(5, TimeUnit.SECONDS)).isTrue();
            List<Future<?>> waiting = new java.util.ArrayList<>();
            for (String[] call : new String[][] {
                {"1", "second call of a"}, {"0", "first call of b"}, {"1", "second call of c"}, {"0", "first call of d"}
            }) {
                waiting.add(items.submit(() -> queue.call(Integer.parseInt(call[0]), () -> order.add(call[1]))));
                int arrived = waiting.size();
                while (queue.waiting() < arrived) {
                    Thread.onSpinWait();
                }
            }
            release.countDown();
            for (Future<?> f : waiting) {
                f.get(5, TimeUnit.SECONDS);
            }
        }
        assertThat(order).containsExactly("first call of b", "first call of d", "second call of a", "second call of c");
    }

    @Test
    void aCallThrowsWhatTheModelCallThrewAndTheQueueGoesOn() throws Exception {
        try (var queue = new CallQueue(threads, new Slots(2), 2, UnaryOperator.identity())) {
            assertThatThrownBy(() -> queue.call(0, () -> {
                        throw new IllegalStateException("provider said no");
                    }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("provider said no");
            assertThat(queue.call(0, () -> "next")).isEqualTo("next");
        }
    }

    @Test
    void noMoreCallsAreInFlightThanThereAreSlots() throws Exception {
        var inFlight = new AtomicInteger();
        var most = new AtomicInteger();
        try (var queue = new CallQueue(threads, new Slots(3), 8, UnaryOperator.identity())) {
            List<Future<?>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                calls.add(items.submit(() -> queue.call(0, () -> {
                    most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    sleep(5);
                    return inFlight.decrementAndGet();
                })));
            }
            for (Future<?> f : calls) {
                f.get(10, TimeUnit.SECONDS);
            }
        }
        assertThat(most.get()).isEqualTo(3);
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
