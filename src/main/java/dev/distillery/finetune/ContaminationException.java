package dev.distillery.finetune;

import dev.distillery.shared.ConflictException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An export would carry test items: items of a test split, or items whose question (lower-cased, without punctuation,
 * whitespace collapsed) is a test item's in any dataset of the workspace. Refused (409) unless overridden with a
 * reason; the problem says how many and names some of them.
 */
public class ContaminationException extends ConflictException {

    /** How many ids a refusal names. */
    static final int EXAMPLES = 10;

    private final int testSplitItems;
    private final int duplicateItems;
    private final List<String> examples;

    ContaminationException(int testSplitItems, int duplicateItems, List<String> examples) {
        super(message(testSplitItems, duplicateItems, examples), details(testSplitItems, duplicateItems, examples));
        this.testSplitItems = testSplitItems;
        this.duplicateItems = duplicateItems;
        this.examples = List.copyOf(examples);
    }

    /** Items of a test split. */
    public int testSplitItems() {
        return testSplitItems;
    }

    /** Items of other splits whose question matches a test item's. */
    public int duplicateItems() {
        return duplicateItems;
    }

    public int contaminatedItems() {
        return testSplitItems + duplicateItems;
    }

    /** Up to {@value #EXAMPLES} of them, each with what it matched ("train-3 (= test-17 of GSM8K v1)"). */
    public List<String> examples() {
        return examples;
    }

    private static String message(int testSplit, int duplicates, List<String> examples) {
        StringBuilder s = new StringBuilder("The export would train on test data: ");
        if (testSplit > 0) {
            s.append(testSplit)
                    .append(testSplit == 1 ? " item is" : " items are")
                    .append(" from a test split");
        }
        if (duplicates > 0) {
            s.append(testSplit > 0 ? " and " : "")
                    .append(duplicates)
                    .append(duplicates == 1 ? " item has" : " items have")
                    .append(" the question of a test item");
        }
        return s.append(" (for example ")
                .append(String.join(", ", examples))
                .append("). Override with a reason to export them anyway.")
                .toString();
    }

    private static Map<String, Object> details(int testSplit, int duplicates, List<String> examples) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("contaminatedItems", testSplit + duplicates);
        details.put("testSplitItems", testSplit);
        details.put("duplicateQuestionItems", duplicates);
        details.put("examples", examples);
        return details;
    }
}
