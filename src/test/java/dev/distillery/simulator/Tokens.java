package dev.distillery.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The simulator's notion of a token: a maximal run of non-whitespace characters. */
final class Tokens {

    private static final Pattern TOKEN = Pattern.compile("\\S+");

    private Tokens() {}

    static int count(String text) {
        return (int) TOKEN.matcher(text).results().count();
    }

    /** The prefix of {@code text} holding its first {@code max} tokens, original spacing kept. */
    static String truncate(String text, int max) {
        Matcher tokens = TOKEN.matcher(text);
        for (int seen = 0; seen < max; seen++) {
            if (!tokens.find()) {
                return text;
            }
        }
        return max == 0 ? "" : text.substring(0, tokens.end());
    }

    /**
     * Splits {@code text} into at most {@code maxPieces} consecutive pieces on token boundaries, for streaming.
     * Concatenating the pieces gives back {@code text} exactly.
     */
    static List<String> pieces(String text, int maxPieces) {
        List<Integer> starts =
                TOKEN.matcher(text).results().map(MatchResult::start).toList();
        int perPiece = Math.max(1, Math.ceilDiv(starts.size(), maxPieces));
        List<String> pieces = new ArrayList<>();
        int from = 0;
        for (int i = perPiece; i < starts.size(); i += perPiece) {
            pieces.add(text.substring(from, starts.get(i)));
            from = starts.get(i);
        }
        if (from < text.length()) {
            pieces.add(text.substring(from));
        }
        return pieces;
    }
}
