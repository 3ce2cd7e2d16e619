package dev.distillery.endpoints.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenEstimatorUnitTest {

    private static final String PROMPT =
            "Q: Natalia sold clips to 48 of her friends in April, and then she sold half as many clips "
                    + "in May. How many clips did Natalia sell altogether in April and May?\nA: Let's think step by step.";

    @Test
    void openAiModelsAreCountedWithTheirOwnTokenizer() {
        assertThat(TokenEstimator.encodingFor("gpt-4o-mini").getName()).isEqualTo("o200k_base");
        assertThat(TokenEstimator.encodingFor("openai/gpt-4.1").getName()).isEqualTo("o200k_base");
        assertThat(TokenEstimator.encodingFor("o3-mini").getName()).isEqualTo("o200k_base");
        assertThat(TokenEstimator.encodingFor("gpt-3.5-turbo-0125").getName()).isEqualTo("cl100k_base");
        assertThat(TokenEstimator.encodingFor("llama3.1:8b")).isNull();
        assertThat(new TokenEstimator("gpt-4o").count("Hello, world!")).isEqualTo(4);
    }

    @Test
    void otherModelsGetAConservativeGuessThatUsageCorrects() {
        var estimator = new TokenEstimator("qwen2.5-7b-instruct");
        int counted = estimator.count(PROMPT);
        assertThat(counted).isEqualTo((PROMPT.length() + 2) / 3);
        assertThat(estimator.estimate(PROMPT, 100, 1)).isEqualTo(counted + 100);
        // The provider says the prompt is 45 tokens and answers run to 60: estimates move towards both.
        for (int i = 0; i < 30; i++) {
            estimator.observe(PROMPT, 45, 60, 1);
        }
        int estimate = estimator.estimate(PROMPT, 256, 1);
        assertThat(estimate).isBetween(45 + 60, 47 + 61);
        assertThat(estimator.estimate(PROMPT, 256, 4))
                .as("a completion per sample")
                .isBetween(45 + 240, 47 + 244);
    }
}
