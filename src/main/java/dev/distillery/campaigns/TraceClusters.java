package dev.distillery.campaigns;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.jspecify.annotations.Nullable;

/**
 * Groups contributors' corrected versions of one teacher trace into clusters of near-identical texts, so that the
 * crowd's weight behind each distinct correction can be compared. Two versions are near-identical when their
 * normalised Levenshtein distance — edits divided by the longer length, after trimming lines, collapsing runs of
 * spaces and dropping blank lines — is at most the threshold.
 *
 * <p>Single linkage: two versions share a cluster when a chain of near pairs joins them, so a typo on top of a
 * whitespace change still joins the correction it started from. Deterministic: versions are taken by weight
 * descending, then worker, then text. Quadratic in the number of versions, which is the handful of contributors who
 * edited one trace; the bounded edit distance keeps each pair cheap. The unedited trace is passed in as an ordinary
 * version, so "no edit" can win too. Pure: no I/O, no state.
 */
public final class TraceClusters {

    /** Up to one edit in ten counts as the same correction: whitespace, a typo, a stray word. */
    public static final double DEFAULT_THRESHOLD = 0.1;

    private static final Pattern LINE_BREAK = Pattern.compile("\\R");

    private static final Pattern SPACES = Pattern.compile("[ \\t\\x0B\\f]+");

    /** Absorbs floating-point error in {@code threshold × length}, so a distance exactly at the threshold counts. */
    private static final double EPSILON = 1e-9;

    private static final Comparator<Version> ORDER =
            Comparator.comparingDouble(Version::weight).reversed().thenComparing(Version::worker);

    private TraceClusters() {}

    /**
     * One contributor's version of the trace.
     *
     * @param weight the contributor's say, e.g. their estimated reliability; finite and not negative
     */
    public record Version(String worker, String text, double weight) {

        public Version {
            if (!(weight >= 0 && Double.isFinite(weight))) {
                throw new IllegalArgumentException("weight must be finite and not negative: " + weight);
            }
        }
    }

    /**
     * Near-identical versions.
     *
     * @param representative the text, as submitted, of the member with the largest total weight of members within the
     *     threshold (itself included); ties go to the heaviest, then the first by worker
     * @param workers the members' workers, heaviest first
     * @param weight the members' total weight
     */
    public record Cluster(String representative, List<String> workers, double weight) {

        public Cluster {
            workers = List.copyOf(workers);
        }
    }

    /** {@link #cluster(List, double)} with {@link #DEFAULT_THRESHOLD}. */
    public static List<Cluster> cluster(List<Version> versions) {
        return cluster(versions, DEFAULT_THRESHOLD);
    }

    /**
     * Clusters the versions; clusters come heaviest first, ties in the order of their heaviest members. The same
     * input in any order gives the same output.
     *
     * @param threshold the largest normalised distance, in [0, 1], at which two versions are the same correction
     */
    public static List<Cluster> cluster(List<Version> versions, double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must lie in [0, 1]: " + threshold);
        }
        List<Version> ordered =
                versions.stream().sorted(ORDER.thenComparing(Version::text)).toList();
        List<String> normalised = ordered.stream().map(v -> normalise(v.text())).toList();
        int[] root = new int[ordered.size()];
        for (int v = 0; v < root.length; v++) {
            root[v] = v;
        }
        for (int v = 0; v < root.length; v++) {
            for (int u = 0; u < v; u++) {
                if (find(root, u) != find(root, v) && near(normalised.get(u), normalised.get(v), threshold)) {
                    // The smaller index becomes the root, so each group is keyed by its heaviest member.
                    int a = find(root, u);
                    int b = find(root, v);
                    root[Math.max(a, b)] = Math.min(a, b);
                }
            }
        }
        Map<Integer, List<Integer>> byRoot = new LinkedHashMap<>();
        for (int v = 0; v < root.length; v++) {
            byRoot.computeIfAbsent(find(root, v), k -> new ArrayList<>()).add(v);
        }
        Collection<List<Integer>> groups = byRoot.values();
        List<Cluster> clusters = new ArrayList<>();
        for (List<Integer> group : groups) {
            clusters.add(summarise(group, ordered, normalised, threshold));
        }
        // A stable sort keeps equal weights in the order of their heaviest members, which is itself deterministic.
        clusters.sort(Comparator.comparingDouble(Cluster::weight).reversed());
        return List.copyOf(clusters);
    }

    /**
     * The heaviest cluster if it holds at least {@code share} of {@code totalWeight}. A tie for the heaviest has no
     * winner: the crowd has not preferred either correction.
     *
     * @param totalWeight the weight of everyone who could have voted, which may exceed the clusters' sum (for
     *     instance when some contributors skipped the item)
     * @param share e.g. 0.5 for a weighted majority
     */
    public static Optional<Cluster> winner(List<Cluster> clusters, double totalWeight, double share) {
        @Nullable Cluster best = null;
        boolean tied = false;
        for (Cluster cluster : clusters) {
            if (best == null || cluster.weight() > best.weight()) {
                best = cluster;
                tied = false;
            } else if (cluster.weight() == best.weight()) {
                tied = true;
            }
        }
        if (best == null || tied || best.weight() <= 0) {
            return Optional.empty();
        }
        return best.weight() >= share * totalWeight - EPSILON ? Optional.of(best) : Optional.empty();
    }

    /** Trims each line, collapses runs of spaces and tabs to one space, and drops blank lines. */
    static String normalise(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : LINE_BREAK.split(text, -1)) {
            String collapsed = SPACES.matcher(line.strip()).replaceAll(" ");
            if (!collapsed.isEmpty()) {
                lines.add(collapsed);
            }
        }
        return String.join("\n", lines);
    }

    /** Normalised Levenshtein distance of two already normalised texts: edits ÷ the longer length, 0 for two blanks. */
    static double distance(String a, String b) {
        int longer = Math.max(a.length(), b.length());
        if (longer == 0) {
            return 0;
        }
        return LevenshteinDistance.getDefaultInstance().apply(a, b) / (double) longer;
    }

    /** Whether two normalised texts are within the threshold, without computing distances beyond it. */
    static boolean near(String a, String b, double threshold) {
        int longer = Math.max(a.length(), b.length());
        int limit = (int) Math.floor(threshold * longer + EPSILON);
        if (Math.abs(a.length() - b.length()) > limit) {
            return false;
        }
        // The bounded variant only fills a band of the matrix, so long traces that differ a lot are rejected cheaply.
        return new LevenshteinDistance(limit).apply(a, b) >= 0;
    }

    private static int find(int[] root, int v) {
        while (root[v] != v) {
            root[v] = root[root[v]];
            v = root[v];
        }
        return v;
    }

    private static Cluster summarise(
            List<Integer> group, List<Version> ordered, List<String> normalised, double threshold) {
        int representative = group.getFirst();
        double bestSupport = -1;
        for (int candidate : group) {
            double support = 0;
            for (int other : group) {
                if (other == candidate || near(normalised.get(candidate), normalised.get(other), threshold)) {
                    support += ordered.get(other).weight();
                }
            }
            if (support > bestSupport) {
                bestSupport = support;
                representative = candidate;
            }
        }
        double weight = 0;
        List<String> workers = new ArrayList<>();
        for (int member : group) {
            weight += ordered.get(member).weight();
            workers.add(ordered.get(member).worker());
        }
        return new Cluster(ordered.get(representative).text(), workers, weight);
    }
}
