package dev.distillery.endpoints.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.distillery.endpoints.ApiStyle;
import dev.distillery.endpoints.EndpointDraft;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class ProviderAccountUnitTest {

    private static final UUID WORKSPACE = UUID.randomUUID();

    @Test
    void endpointsWithTheSameServerAndKeyAreOneAccountWhateverModelTheyName() {
        var teacher = ProviderAccount.Key.of(config("https://API.example.com/v1/", "teacher", "sk-1"));
        var student = ProviderAccount.Key.of(config("https://api.example.com:443/v1", "student", "sk-1"));
        assertThat(student).isEqualTo(teacher);
        assertThat(ProviderAccount.Key.of(config("https://api.example.com/v1", "student", "sk-2")))
                .isNotEqualTo(teacher);
        assertThat(ProviderAccount.Key.of(config("https://api.example.com/v2", "student", "sk-1")))
                .isNotEqualTo(teacher);
        assertThat(ProviderAccount.Key.of(config("http://localhost:8000/v1", "a", null)))
                .isEqualTo(ProviderAccount.Key.of(config("http://localhost:8000/v1", "b", " ")));
    }

    @Test
    void theKeyItselfNeverShowsInTheAccountsName() {
        var key = ProviderAccount.Key.of(config("https://api.example.com/v1", "m", "sk-secret-value"));
        assertThat(key.toString()).doesNotContain("sk-secret-value").doesNotContain(key.keyDigest());
        assertThat(key.keyDigest()).doesNotContain("sk-secret-value").hasSize(64);
    }

    @Test
    void aDeclaredLimitIsOneBucketForEveryEndpointOfTheAccountDeclaringIt() {
        ProviderAccount account = new ProviderAccount();
        assertThat(account.requests(1200)).isSameAs(account.requests(1200));
        assertThat(account.requests(600)).isNotSameAs(account.requests(1200));
        assertThat(account.requests(null)).isNull();
        assertThat(account.tokens(90_000)).isSameAs(account.tokens(90_000));
    }

    @Test
    void onceTheWindowIsKnownADeclaredLimitAdmitsItsShareOfTheWindowAndNoMore() throws Exception {
        // 1,200 per minute over a 5 s window: 100, the 101st waits for the first to leave the window.
        ProviderAccount.DeclaredRequests declared = new ProviderAccount.DeclaredRequests(1200);
        long window = Duration.ofSeconds(5).toNanos();
        for (int i = 0; i < 100; i++) {
            declared.acquire(window);
        }
        Thread waiting = Thread.ofVirtual().start(() -> {
            try {
                declared.acquire(window);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiting.join(Duration.ofMillis(300));
        assertThat(waiting.isAlive())
                .as("the 101st call within the window waits")
                .isTrue();
        waiting.interrupt();
    }

    @Test
    void aRefusedRequestGivesItsSlotBackToTheDeclaredLimit() throws Exception {
        // 60 per minute over a 5 s window: 5 slots. The fifth request goes out and is refused 20 ms too early.
        ProviderAccount.DeclaredRequests declared = new ProviderAccount.DeclaredRequests(60);
        long window = Duration.ofSeconds(5).toNanos();
        for (int i = 0; i < 5; i++) {
            declared.acquire(window);
            ProviderAccount.DeclaredRequests.sent(System.nanoTime());
        }
        declared.refused(Duration.ofMillis(20));
        Thread retry = Thread.ofVirtual().start(() -> {
            try {
                declared.acquire(window);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        retry.join(Duration.ofSeconds(2));
        assertThat(retry.isAlive())
                .as("the refused request held no place in the provider's window: its retry goes at once")
                .isFalse();
    }

    private static EndpointConfig config(String baseUrl, String model, @Nullable String apiKey) {
        return new EndpointConfig(
                UUID.randomUUID(),
                WORKSPACE,
                1,
                baseUrl,
                model,
                apiKey,
                Map.of(),
                ApiStyle.CHAT,
                EndpointDraft.Decoding.none(),
                EndpointDraft.Limits.defaults(),
                Duration.ofSeconds(60));
    }
}
