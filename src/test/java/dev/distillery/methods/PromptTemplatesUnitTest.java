package dev.distillery.methods;

import static dev.distillery.methods.MethodDriver.QUESTION;
import static dev.distillery.methods.MethodDriver.choiceItem;
import static dev.distillery.methods.MethodDriver.item;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Every shipped template rendered for a sample question, byte for byte. */
class PromptTemplatesUnitTest {

    static final String SOCRATIC_SOLVED = """
            Problem: Mattison is 60 inches tall. His two-story house is 7 times as high as he is. The floor to the \
            ceiling on the first floor is thrice as high as he is. How high is the roof from the second floor's floor \
            in inches?
            Q: How high is the house?
            A: Mattison's two-story house is 60 x 7 = 420 inches high.
            Q: How high is the first floor?
            A: The floor to the ceiling on the first floor is 60 x 3 = 180 inches high.
            Q: How high is the roof from the second floor's floor in inches?
            A: Hence, the roof is 420 - 180 = 240 inches high from the second floor's floor. The answer is 240.

            Problem: Luke is buying fabric for new curtains. There are five windows. Each window is 35 inches wide and \
            Luke needs to buy fabric equal to 2 times the total width of the windows. How much fabric should he buy?
            Q: How wide are the five windows?
            A: The total width of the five windows is 35 x 5 = 175 inches.
            Q: How much fabric does Luke need to buy?
            A: Luke needs to buy 175 x 2 = 350 inches of fabric. The answer is 350.

            Problem: Madeline ate 6 grapes. Her brother wanted to make grape juice and used up 5 times as many grapes \
            then Madeline to make a full glass. Their mother then used the remaining grapes to make 4 pies. How many \
            grapes were there at the beginning if the pie recipe calls for 12 grapes per pie?
            Q: How many grapes did Madeline's brother use?
            A: Madeline's brother used 6 x 5 = 30 grapes
            Q: How many grapes did their mother use?
            A: Their mother used 12 x 4 = 48 grapes
            Q: How many grapes were there at the beginning?
            A: There were 30 + 48 + 6 = 84 grapes at the beginning. The answer is 84.

            Problem: Skyler has 100 hats on his hand with the colors red, blue, and white. Half of the hats are red, \
            3/5 of the remaining hats are blue, and the rest are white. How many white hats does Skyler have?
            Q: How many red hats are there?
            A: If half of the hats are red, there are 1/2*100= 50 red hats.
            Q: How many hats are not red?
            A: The remaining number of hats which are not red is 100-50 = 50
            Q: How many blue hats are there?
            A: 3/5 of the remaining hats are blue, a total of 3/5*50 = 30 hats
            Q: How many white hats does Skyler have?
            A: If the rest of the remaining hats are white, then there are 50-30 = 20 white hats. The answer is 20.""";

    static final String SOCRATIC_UNSOLVED = """
            Problem: Mattison is 60 inches tall. His two-story house is 7 times as high as he is. The floor to the \
            ceiling on the first floor is thrice as high as he is. How high is the roof from the second floor's floor \
            in inches?
            Q: How high is the house?
            Q: How high is the first floor?
            Q: How high is the roof from the second floor's floor in inches?

            Problem: Luke is buying fabric for new curtains. There are five windows. Each window is 35 inches wide and \
            Luke needs to buy fabric equal to 2 times the total width of the windows. How much fabric should he buy?
            Q: How wide are the five windows?
            Q: How much fabric does Luke need to buy?

            Problem: Madeline ate 6 grapes. Her brother wanted to make grape juice and used up 5 times as many grapes \
            then Madeline to make a full glass. Their mother then used the remaining grapes to make 4 pies. How many \
            grapes were there at the beginning if the pie recipe calls for 12 grapes per pie?
            Q: How many grapes did Madeline's brother use?
            Q: How many grapes did their mother use?
            Q: How many grapes were there at the beginning?

            Problem: Skyler has 100 hats on his hand with the colors red, blue, and white. Half of the hats are red, \
            3/5 of the remaining hats are blue, and the rest are white. How many white hats does Skyler have?
            Q: How many red hats are there?
            Q: How many hats are not red?
            Q: How many blue hats are there?
            Q: How many white hats does Skyler have?""";

    private static final String MC = "How much is 5 times 10?";

    @Test
    void standardSendsTheQuestionAlone() {
        assertThat(firstPrompt("standard", null)).isEqualTo(QUESTION);
    }

    @Test
    void zeroShotIsTheFineTuneCotQuestionAnswerForm() {
        assertThat(firstPrompt("zero-shot", null)).isEqualTo("Q: " + QUESTION + "\n\nA:");
    }

    @Test
    void zeroShotCotOfTraceOfThoughtAppendsThinkStepByStepWithoutAStrayDollar() {
        assertThat(firstPrompt("zero-shot-cot", "tot")).isEqualTo(QUESTION + " Think step-by-step.");
    }

    @Test
    void planAndSolveAppendsThePlanInstructionWithoutAStrayDollar() {
        assertThat(firstPrompt("plan-and-solve", null))
                .isEqualTo(QUESTION + " Let's first understand the problem and "
                        + "devise a plan to solve the problem. Then, let's carry out the plan and solve the problem "
                        + "step-by-step.");
    }

    @Test
    void zeroShotCotOfFineTuneCotAsksForTheRationaleThenTheAnswerAfterIt() {
        assertThat(firstPrompt("zero-shot-cot", "ft-cot"))
                .isEqualTo("Q: " + QUESTION + "\nA: Let's think step by step.");
        assertThat(prompt(
                        "zero-shot-cot", "ft-cot", item(QUESTION), Map.of(), call("rationale", " She has 3 + 4 = 7.")))
                .isEqualTo("Q: " + QUESTION + "\nA: Let's think step by step. She has 3 + 4 = 7.\n"
                        + "Therefore, the answer is");
    }

    @Test
    void fineTuneCotTeacherPromptsInsertTheRationaleExactlyAsReturned() {
        assertThat(firstPrompt("fine-tune-cot", null)).isEqualTo("Q: " + QUESTION + "\nA: Let's think step by step.");
        assertThat(prompt("fine-tune-cot", null, item(QUESTION), Map.of(), call("rationale", " 3 + 4 = 7.\n\n")))
                .isEqualTo("Q: " + QUESTION + "\nA: Let's think step by step. 3 + 4 = 7.\n\n\n"
                        + "Therefore, the answer is");
    }

    @Test
    void fineTuneCotWritesOptionsOnTheQuestionLine() {
        assertThat(prompt("fine-tune-cot", null, choiceItem(MC), Map.of(), List.of()))
                .isEqualTo("Q: How much is 5 times 10? Answer choices: (A) 50, (B) 45, (C) 65.\n"
                        + "A: Let's think step by step.");
    }

    @Test
    void fineTuneCotStudentPromptsMatchTheSampleFormats() {
        assertThat(firstPrompt("fine-tune-cot-student", null)).isEqualTo(QUESTION + " ###");
        assertThat(firstPrompt("fine-tune-cot-student", "ft-cot-gpt3")).isEqualTo(QUESTION + "\n\n###\n\n");
        assertThat(firstPrompt("fine-tune-cot-student", "ft-cot-t5")).isEqualTo(QUESTION);
        assertThat(prompt("fine-tune-cot-student", null, choiceItem(MC), Map.of(), List.of()))
                .isEqualTo("How much is 5 times 10? Answer choices: (A) 50, (B) 45, (C) 65. ###");
    }

    @Test
    void fewShotCotJoinsTheExemplarsAndTheQuestionWithANewline() throws IOException {
        String gsm8k = exemplars("gsm8k");
        assertThat(gsm8k).startsWith("Q: There are 15 trees in the grove.").endsWith("The answer is 8.");

        assertThat(firstPrompt("few-shot-cot", null)).isEqualTo(gsm8k + "\nQ: " + QUESTION + "\nA:");
        assertThat(prompt("few-shot-cot", null, choiceItem(MC), Map.of("exemplars", "aqua"), List.of()))
                .isEqualTo(exemplars("aqua") + "\nQ: How much is 5 times 10? Answer choices: (A) 50, (B) 45, (C) 65."
                        + "\nA:");
    }

    @Test
    void traceOfThoughtPaperPresetJoinsTheQuestionWithoutSpaces() {
        assertThat(firstPrompt("trace-of-thought", "tot-paper"))
                .isEqualTo("Create very short step-by-step prompts for this problem:" + QUESTION
                        + "Format as a list. Do not solve the problem.");
        assertThat(prompt(
                        "trace-of-thought",
                        "tot-paper",
                        item(QUESTION),
                        Map.of(),
                        call("teacher", "1. Count the apples.\n2. Add them.\n")))
                .isEqualTo("We are given the following problem to solve:\n" + QUESTION
                        + "\nUse the following steps to solve the problem.\n1. Count the apples.\n2. Add them.\n");
    }

    @Test
    void traceOfThoughtReleasedTracesPresetUsesItsOwnWording() {
        assertThat(firstPrompt("trace-of-thought", "tot-2024-05"))
                .isEqualTo("Create step-by-step prompts for this problem:" + QUESTION
                        + "Format as a list of simple instructions to guide a student. Do not solve the problem.");
        assertThat(prompt("trace-of-thought", "tot-2024-05", item(QUESTION), Map.of(), call("teacher", "- Add.")))
                .isEqualTo("First, carefully review this problem:\n" + QUESTION + "\nThen, solve the problem using the "
                        + "provided steps as a plan, thinking step-by-step.\n- Add.");
    }

    @Test
    void traceOfThoughtAndItsBaselinesPutOptionsOnANewLine() {
        String withChoices = "How much is 5 times 10?\nAnswer choices: (A) 50, (B) 45, (C) 65.";
        assertThat(prompt("trace-of-thought", null, choiceItem(MC), Map.of(), List.of()))
                .isEqualTo("Create very short step-by-step prompts for this problem:" + withChoices
                        + "Format as a list. Do not solve the problem.");
        assertThat(prompt("standard", null, choiceItem(MC), Map.of(), List.of()))
                .isEqualTo(withChoices);
        assertThat(prompt("zero-shot-cot", "tot", choiceItem(MC), Map.of(), List.of()))
                .isEqualTo(withChoices + " Think step-by-step.");
    }

    @Test
    void socraticCotTeacherShowsTheSolvedExemplarsThenTheProblem() {
        assertThat(firstPrompt("socratic-cot", null))
                .isEqualTo("Break each problem into subquestions and answer each "
                        + "one in turn. End the last answer with \"The answer is\" and the final answer.\n\n"
                        + SOCRATIC_SOLVED + "\n\nProblem: " + QUESTION + "\n");
    }

    @Test
    void socraticPromptingTeacherShowsSubquestionsOnlyAndTheStudentGetsThemNumbered() {
        assertThat(firstPrompt("socratic-prompting", null))
                .isEqualTo("Break each problem into the subquestions that "
                        + "lead to its answer. Write one subquestion per line and do not answer them.\n\n"
                        + SOCRATIC_UNSOLVED + "\n\nProblem: " + QUESTION + "\n");
        assertThat(prompt(
                        "socratic-prompting",
                        null,
                        item(QUESTION),
                        Map.of(),
                        call("teacher", "Q: How many apples does Janet buy?\nQ: How many apples does she have?")))
                .isEqualTo("We are given the following problem to solve:\n" + QUESTION + "\nAnswer the following "
                        + "subquestions in order to solve the problem.\n1. How many apples does Janet buy?\n"
                        + "2. How many apples does she have?");
    }

    @Test
    void socraticInferencePromptsCarryTheEarlierPairs() {
        String instruction = "Break the problem into simple subquestions, one at a time. Given the problem and the "
                + "subquestions answered so far, write only the next subquestion. If the answers so far already solve "
                + "the problem, write only [END].\n\n";
        assertThat(firstPrompt("socratic-inference", null)).isEqualTo(instruction + "Problem: " + QUESTION + "\nQ:");
        List<CompletedCall> firstPair = List.of(
                new CompletedCall("qg/0", ModelRole.DECOMPOSER, "", List.of(" How many apples does she buy?")),
                new CompletedCall("qa/0", ModelRole.SOLVER, "", List.of(" She buys 4 apples.")));
        assertThat(prompt("socratic-inference", null, item(QUESTION), Map.of(), firstPair.subList(0, 1)))
                .isEqualTo("Answer the last subquestion about the problem in one sentence, using the earlier "
                        + "answers.\n\nProblem: " + QUESTION + "\nQ: How many apples does she buy?\nA:");
        assertThat(prompt("socratic-inference", null, item(QUESTION), Map.of(), firstPair))
                .isEqualTo(instruction + "Problem: " + QUESTION
                        + "\nQ: How many apples does she buy?\nA: She buys 4 apples.\nQ:");
        assertThat(prompt("socratic-inference", "socratic-finetuned", item(QUESTION), Map.of(), firstPair))
                .isEqualTo("Problem: " + QUESTION + "\nQ: How many apples does she buy?\nA: She buys 4 apples.\nQ:");
        assertThat(prompt(
                        "socratic-inference", "socratic-finetuned", item(QUESTION), Map.of(), firstPair.subList(0, 1)))
                .isEqualTo("Problem: " + QUESTION + "\nQ: How many apples does she buy?\nA:");
    }

    @Test
    void socraticFamilyWritesOptionsOnTheProblemLine() {
        assertThat(prompt("socratic-inference", "socratic-finetuned", choiceItem(MC), Map.of(), List.of()))
                .isEqualTo("Problem: How much is 5 times 10? Answer choices: (A) 50, (B) 45, (C) 65.\nQ:");
    }

    private static String firstPrompt(String methodId, String presetId) {
        return prompt(methodId, presetId, item(QUESTION), Map.of(), List.of());
    }

    /** The prompt of the single call the method asks for after {@code history}. */
    static String prompt(
            String methodId,
            String presetId,
            MethodItem item,
            Map<String, Object> params,
            List<CompletedCall> history) {
        Step step = MethodDriver.method(methodId)
                .next(item, MethodDriver.preset(methodId, presetId), params, Decoding.providerDefault(), history);
        assertThat(step).isInstanceOf(Step.Calls.class);
        List<CallRequest> calls = ((Step.Calls) step).calls();
        assertThat(calls).hasSize(1);
        return calls.getFirst().prompt();
    }

    private static List<CompletedCall> call(String key, String... outputs) {
        return List.of(new CompletedCall(key, ModelRole.TEACHER, "", Arrays.asList(outputs)));
    }

    private static String exemplars(String task) throws IOException {
        try (InputStream in = FewShotCot.class.getResourceAsStream(FewShotCot.RESOURCE)) {
            return JsonMapper.builder()
                    .build()
                    .readTree(in)
                    .get(task)
                    .get("prompt")
                    .asString();
        }
    }
}
