package dev.distillery.leaderboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LeaderboardStatisticsUnitTest {

    @Test
    void wilsonIntervalsMatchTheClosedForm() {
        // 24 of 30: centre (p + z²/2n)/(1 + z²/n), half-width z·sqrt(p(1−p)/n + z²/4n²)/(1 + z²/n), z = 1.959964.
        double[] ci = Statistics.wilson(24, 30);
        assertThat(ci[0]).isCloseTo(0.6269, within(1e-4));
        assertThat(ci[1]).isCloseTo(0.9049, within(1e-4));
        assertThat(Statistics.wilson(0, 10)[0]).isZero();
        assertThat(Statistics.wilson(0, 10)[1]).isCloseTo(0.2775, within(1e-4));
        assertThat(Statistics.wilson(0, 0)).containsExactly(0, 0);
    }

    @Test
    void mcNemarIsTheExactBinomialTestOfTheDiscordantPairs() {
        BitSet method = bits(40, 0, 30); // right on items 0..29
        BitSet baseline = bits(40, 5, 33); // right on items 5..32: 5 only the method, 3 only the baseline
        Statistics.Comparison c = Statistics.compare(method, baseline, 40, 1);
        assertThat(c.onlyMethod()).isEqualTo(5);
        assertThat(c.onlyBaseline()).isEqualTo(3);
        // Two-sided: 2 × P(X ≥ 5 | n = 8, 1/2) = 2 × 93/256.
        assertThat(c.pValue()).isCloseTo(2 * 93.0 / 256, within(1e-12));
        assertThat(c.diffLow()).isLessThan(0.05).isGreaterThan(-0.2);
        assertThat(c.diffHigh()).isGreaterThan(0.05).isLessThan(0.3);

        Statistics.Comparison same = Statistics.compare(method, (BitSet) method.clone(), 40, 1);
        assertThat(same.pValue()).isEqualTo(1.0);
        assertThat(same.diffLow()).isZero();
        assertThat(same.diffHigh()).isZero();
    }

    @Test
    void theBootstrapIsReproducibleForTheSameSeedAndCoversTheObservedDifference() {
        BitSet method = bits(200, 0, 120);
        BitSet baseline = bits(200, 40, 120);
        Statistics.Comparison a = Statistics.compare(method, baseline, 200, 42);
        Statistics.Comparison b = Statistics.compare(method, baseline, 200, 42);
        assertThat(a).isEqualTo(b);
        assertThat(a.diffLow()).isLessThan(0.2).isGreaterThan(0.1);
        assertThat(a.diffHigh()).isGreaterThan(0.2).isLessThan(0.3);
    }

    @Test
    void theMatrixKeepsTheNewestComparedResultOfEachPairAndLeavesBaselinesOut() {
        List<LeaderboardRow> rows = List.of(
                row("tot new", "big", "small", 12.0, false),
                row("tot old", "big", "small", 5.0, false),
                row("no baseline", "big", "tiny", null, false),
                row("standard", null, "small", null, true));
        TeacherStudentMatrix matrix = TeacherStudentMatrix.of(rows);
        assertThat(matrix.teachers()).containsExactly("big");
        assertThat(matrix.students()).containsExactly("small", "tiny");
        assertThat(matrix.cells()).hasSize(2);
        assertThat(matrix.cells().getFirst().gainPoints()).isEqualTo(12.0);
        assertThat(matrix.cells().getFirst().runs()).isEqualTo(2);
        assertThat(matrix.cells().get(1).gainPoints()).isNull();
    }

    @Test
    void studentSizesComeFromTheEndpointOrItsName() {
        assertThat(ChartOptions.studentBillions(row("a", "t", "Llama-2-7b-chat", 1.0, false)))
                .hasValue(7.0);
        assertThat(ChartOptions.studentBillions(row("a", "t", "qwen2.5-1.5B", 1.0, false)))
                .hasValue(1.5);
        assertThat(ChartOptions.studentBillions(row("a", "t", "gpt2-large-774M", 1.0, false))
                        .getAsDouble())
                .isCloseTo(0.774, within(1e-9));
        assertThat(ChartOptions.studentBillions(row("a", "t", "student", 1.0, false)))
                .isEmpty();
    }

    private static BitSet bits(int n, int fromInclusive, int toExclusive) {
        BitSet bits = new BitSet(n);
        bits.set(fromInclusive, toExclusive);
        return bits;
    }

    private static LeaderboardRow row(String name, String teacher, String student, Double gain, boolean baseline) {
        return new LeaderboardRow(
                UUID.randomUUID(),
                name,
                UUID.randomUUID(),
                "GSM8K",
                1,
                "test",
                baseline ? "standard" : "trace-of-thought",
                "tot-paper",
                baseline,
                teacher,
                student,
                student,
                null,
                100,
                50,
                0,
                0.5,
                0.4,
                0.6,
                null,
                null,
                null,
                gain,
                null,
                null,
                null,
                null,
                null,
                null,
                0,
                0,
                0,
                BigDecimal.ZERO,
                null,
                false,
                null,
                Instant.EPOCH);
    }
}
