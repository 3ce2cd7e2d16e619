package dev.distillery.review;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import java.util.ArrayList;
import java.util.List;

/** The line diff between two revisions' teacher traces, as lines to show: kept, removed or added. */
public record RevisionDiff(int from, int to, List<Line> lines) {

    /** One line of the diff. */
    public record Line(Kind kind, String text) {}

    /** What happened to a line. */
    public enum Kind {
        SAME,
        REMOVED,
        ADDED
    }

    static RevisionDiff between(int from, String before, int to, String after) {
        List<String> a = before.lines().toList();
        List<String> b = after.lines().toList();
        List<Line> lines = new ArrayList<>();
        int next = 0;
        for (AbstractDelta<String> delta : DiffUtils.diff(a, b).getDeltas()) {
            for (; next < delta.getSource().getPosition(); next++) {
                lines.add(new Line(Kind.SAME, a.get(next)));
            }
            delta.getSource().getLines().forEach(l -> lines.add(new Line(Kind.REMOVED, l)));
            delta.getTarget().getLines().forEach(l -> lines.add(new Line(Kind.ADDED, l)));
            next = delta.getSource().getPosition() + delta.getSource().size();
        }
        for (; next < a.size(); next++) {
            lines.add(new Line(Kind.SAME, a.get(next)));
        }
        return new RevisionDiff(from, to, lines);
    }
}
