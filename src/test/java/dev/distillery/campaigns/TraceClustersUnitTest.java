package dev.distillery.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.distillery.campaigns.TraceClusters.Cluster;
import dev.distillery.campaigns.TraceClusters.Version;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TraceClustersUnitTest {

    static final String ORIGINAL = """
            Step 1: The train covers 120 km in 2 hours.
            Step 2: Multiplying, its speed is 120 * 2 = 240 km/h.
            Step 3: Over 5 hours that makes 240 * 5 = 1200 km.
            Answer: 1200
            """;

    static final String FIXED_ARITHMETIC = """
            Step 1: The train covers 120 km in 2 hours.
            Step 2: Its speed is 120 / 2 = 60 km/h.
            Step 3: In 4 hours it covers 60 * 4 = 240 km.
            Answer: 240
            """;

    static final String REWRITTEN = """
            Speed = distance / time = 120 km / 2 h = 60 km/h.
            The question asks about 4 hours, so distance = 60 * 4.
            Answer: 240
            """;

    @Test
    void editsThatDifferOnlyInWhitespaceOrATypoFallInOneCluster() {
        String reindented =
                "\n\n   " + FIXED_ARITHMETIC.replace(" = ", "   =  ").replace("\n", "  \n\n") + "\t\n";
        String typo = FIXED_ARITHMETIC.replace("covers 120", "covres 120");

        List<Cluster> clusters = TraceClusters.cluster(List.of(
                new Version("ann", FIXED_ARITHMETIC, 1),
                new Version("bob", reindented, 1),
                new Version("cid", typo, 1)));

        assertThat(clusters).singleElement().satisfies(c -> {
            assertThat(c.workers()).containsExactly("ann", "bob", "cid");
            assertThat(c.weight()).isEqualTo(3);
            assertThat(c.representative()).isEqualTo(FIXED_ARITHMETIC);
        });
    }

    @Test
    void twoGenuinelyDifferentCorrectionsAndTheOriginalMakeThreeClusters() {
        List<Cluster> clusters = TraceClusters.cluster(
                List.of(
                        new Version("ann", FIXED_ARITHMETIC, 1),
                        new Version("bob", REWRITTEN, 1),
                        new Version("cid", ORIGINAL, 1),
                        new Version("dan", FIXED_ARITHMETIC.replace("Step 3: ", "Step 3:"), 1)),
                TraceClusters.DEFAULT_THRESHOLD);

        assertThat(clusters)
                .extracting(Cluster::workers)
                .containsExactly(List.of("ann", "dan"), List.of("bob"), List.of("cid"));
        assertThat(clusters).extracting(Cluster::representative).containsExactly(FIXED_ARITHMETIC, REWRITTEN, ORIGINAL);
    }

    @Test
    void weightsDecideTheWinnerNotHeadcount() {
        List<Version> versions = List.of(
                new Version("novice-1", REWRITTEN, 0.2),
                new Version("novice-2", REWRITTEN, 0.2),
                new Version("novice-3", REWRITTEN, 0.2),
                new Version("expert", FIXED_ARITHMETIC, 0.9));
        double total = versions.stream().mapToDouble(Version::weight).sum();

        List<Cluster> clusters = TraceClusters.cluster(versions, 0.1);

        assertThat(clusters.getFirst().workers()).containsExactly("expert");
        assertThat(TraceClusters.winner(clusters, total, 0.5))
                .hasValueSatisfying(c -> assertThat(c.representative()).isEqualTo(FIXED_ARITHMETIC));
    }

    @Test
    void theUneditedTraceCanWin() {
        List<Version> versions = List.of(
                new Version("ann", ORIGINAL, 1),
                new Version("bob", ORIGINAL.replace("\n", "\n\n"), 1),
                new Version("cid", REWRITTEN, 1));

        List<Cluster> clusters = TraceClusters.cluster(versions, 0.1);

        assertThat(TraceClusters.winner(clusters, 3, 0.5))
                .hasValueSatisfying(c -> assertThat(c.representative()).isEqualTo(ORIGINAL));
    }

    @Test
    void noClusterWinsBelowTheShare() {
        List<Cluster> clusters = TraceClusters.cluster(
                List.of(
                        new Version("ann", FIXED_ARITHMETIC, 1),
                        new Version("bob", REWRITTEN, 1),
                        new Version("cid", ORIGINAL, 1)),
                0.1);

        assertThat(TraceClusters.winner(clusters, 3, 0.5)).isEmpty();
        assertThat(TraceClusters.winner(List.of(new Cluster(ORIGINAL, List.of("ann"), 2)), 5, 0.5))
                .as("contributors who skipped still count in the total")
                .isEmpty();
        assertThat(TraceClusters.winner(List.of(new Cluster(ORIGINAL, List.of("ann"), 2)), 4, 0.5))
                .as("exactly the share is enough")
                .isPresent();
        assertThat(TraceClusters.winner(List.of(), 0, 0.5)).isEmpty();
    }

    @Test
    void aTieForTheHeaviestHasNoWinner() {
        List<Cluster> clusters = TraceClusters.cluster(
                List.of(new Version("ann", FIXED_ARITHMETIC, 1), new Version("bob", REWRITTEN, 1)), 0.1);

        assertThat(TraceClusters.winner(clusters, 2, 0.5)).isEmpty();
    }

    @Test
    void theRepresentativeIsTheMemberWithTheMostWeightNearIt() {
        // A chain a - b - c where only b is near both ends: single linkage joins all three, and b is the medoid
        // although a is the heaviest.
        String b = "x".repeat(95) + "yyyyy";
        String a = "x".repeat(100);
        String c = "x".repeat(90) + "yyyyyyyyyy";
        assertThat(TraceClusters.distance(a, c)).isGreaterThan(0.08);

        List<Cluster> clusters = TraceClusters.cluster(
                List.of(new Version("ann", a, 1.0), new Version("bob", b, 0.9), new Version("cid", c, 0.9)), 0.08);

        assertThat(clusters).hasSize(1);
        assertThat(clusters.getFirst().representative()).isEqualTo(b);
        assertThat(clusters.getFirst().weight()).isCloseTo(2.8, within(1e-12));
    }

    @Test
    void theOutputDoesNotDependOnTheInputOrder() {
        List<Version> versions = new ArrayList<>(List.of(
                new Version("ann", FIXED_ARITHMETIC, 1),
                new Version("bob", REWRITTEN, 0.5),
                new Version("cid", ORIGINAL, 0.5),
                new Version("dan", FIXED_ARITHMETIC.replace("240", "240."), 1),
                new Version("eve", REWRITTEN.replace("Speed", "speed"), 0.5),
                new Version("fay", ORIGINAL, 0.7)));
        List<Cluster> expected = TraceClusters.cluster(versions, 0.1);

        Random random = new Random(1);
        for (int i = 0; i < 20; i++) {
            Collections.shuffle(versions, random);
            assertThat(TraceClusters.cluster(versions, 0.1)).isEqualTo(expected);
        }
        assertThat(expected)
                .extracting(Cluster::workers)
                .containsExactly(List.of("ann", "dan"), List.of("fay", "cid"), List.of("bob", "eve"));
    }

    @Test
    void normalisingTrimsLinesCollapsesSpacesAndDropsBlankLines() {
        assertThat(TraceClusters.normalise("  a   b \t c  \r\n\n   \n d\n")).isEqualTo("a b c\nd");
        assertThat(TraceClusters.distance("", "")).isZero();
        assertThat(TraceClusters.distance("abcd", "abcx")).isEqualTo(0.25);
        assertThat(TraceClusters.near("abcd", "abcx", 0.25)).isTrue();
        assertThat(TraceClusters.near("abcd", "abxx", 0.25)).isFalse();
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertThatThrownBy(() -> TraceClusters.cluster(List.of(), 1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Version("ann", "x", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(TraceClusters.cluster(List.of())).isEmpty();
    }
}
