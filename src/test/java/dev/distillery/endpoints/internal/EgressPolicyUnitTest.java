package dev.distillery.endpoints.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.distillery.shared.InvalidInputException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The egress policy of endpoints: which addresses a hosted server refuses always, which only by default (loopback,
 * private networks), what opens them, and that the HTTP client built from it never connects where it must not.
 */
class EgressPolicyUnitTest {

    private final EgressPolicy server = EgressPolicy.of(false, "");
    private final EgressPolicy local = EgressPolicy.of(true, "");

    @ParameterizedTest(name = "{0} is always refused")
    @ValueSource(
            strings = {
                "http://169.254.169.254/latest",
                "http://[fe80::1]/v1",
                "http://metadata.google.internal/v1",
                "http://metadata/v1",
                "http://100.100.100.200/v1",
                "http://100.64.0.1/v1",
                "http://224.0.0.1/v1",
                "http://[ff02::1]/v1",
                "http://0.0.0.0/v1",
                "http://0.1.2.3/v1",
                "http://255.255.255.255/v1",
                "http://[::ffff:169.254.169.254]/v1",
                "http://[64:ff9b::a9fe:a9fe]/v1",
                "http://[2002:a9fe:a9fe::1]/v1",
                "http://[fd00:ec2::254]/v1",
                "http://[::]/v1",
                "http://2130706433/v1",
                "http://0x7f000001/v1",
                "http://0177.0.0.1/v1",
                "http://127.1/v1",
                "http://3232235777/v1"
            })
    void specialAddressesAreAlwaysRefused(String url) {
        for (EgressPolicy policy : new EgressPolicy[] {server, local, EgressPolicy.of(true, "0.0.0.0/0,::/0")}) {
            assertThatThrownBy(() -> policy.checkUrl(url))
                    .as(url)
                    .isInstanceOfSatisfying(
                            InvalidInputException.class,
                            e -> assertThat(e.errors().getFirst().field()).isEqualTo("baseUrl"));
        }
    }

    @ParameterizedTest(name = "{0} is refused on a server unless allowed")
    @ValueSource(
            strings = {
                "http://127.0.0.1:11434/v1",
                "http://localhost:8000/v1",
                "http://[::1]/v1",
                "http://10.0.0.5/v1",
                "http://172.16.5.4/v1",
                "http://192.168.1.10/v1",
                "http://[fd12:3456::1]/v1",
                "http://[::ffff:10.0.0.5]/v1",
                "http://[::ffff:127.0.0.1]/v1"
            })
    void loopbackAndPrivateNetworksAreRefusedOnAServerAndAllowedOnALocalInstall(String url) {
        assertThatThrownBy(() -> server.checkUrl(url))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> assertThat(e.getMessage())
                                .contains("DISTILLERY_ENDPOINTS_ALLOW_PRIVATE_NETWORKS")
                                .contains("DISTILLERY_ENDPOINTS_ALLOWED_HOSTS"));
        assertThat(local.checkUrl(url)).isEqualTo(url);
    }

    @Test
    void theRefusalNamesTheRuleAndTheAddress() {
        assertThatThrownBy(() -> server.checkUrl("http://169.254.169.254/"))
                .hasMessageContaining("link-local")
                .hasMessageContaining("always refused");
        assertThatThrownBy(() -> server.checkUrl("http://100.100.100.200/")).hasMessageContaining("carrier-grade NAT");
        assertThatThrownBy(() -> server.checkUrl("http://2130706433/")).hasMessageContaining("127.0.0.1");
        assertThatThrownBy(() -> server.checkUrl("http://localhost:1/")).hasMessageContaining("loopback");
        assertThatThrownBy(() -> server.checkUrl("http://10.1.2.3/")).hasMessageContaining("private network");
    }

    @Test
    void theAllowListOpensNamedHostsAndRangesButNotTheSpecialOnes() {
        EgressPolicy policy = EgressPolicy.of(false, "localhost, 10.1.0.0/16 ,127.0.0.5");

        assertThat(policy.checkUrl("http://localhost:11434/v1/")).isEqualTo("http://localhost:11434/v1");
        assertThat(policy.checkUrl("http://10.1.200.3/v1")).isEqualTo("http://10.1.200.3/v1");
        assertThat(policy.checkUrl("http://127.0.0.5/v1")).isEqualTo("http://127.0.0.5/v1");
        assertThatThrownBy(() -> policy.checkUrl("http://10.2.0.1/v1")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> policy.checkUrl("http://127.0.0.6/v1")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> EgressPolicy.of(false, "169.254.0.0/16").checkUrl("http://169.254.169.254/"))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void publicAddressesAndUnresolvableNamesAreAcceptedWhenEntered() {
        assertThat(server.checkUrl("https://93.184.216.34/v1")).isEqualTo("https://93.184.216.34/v1");
        // checked again at every connection, when it may resolve
        assertThat(server.checkUrl("https://no-such-host.invalid/v1")).isEqualTo("https://no-such-host.invalid/v1");
        assertThatThrownBy(() -> server.checkUrl("ftp://93.184.216.34/")).hasMessageContaining("http");
        assertThatThrownBy(() -> server.checkUrl("http://user:pw@93.184.216.34/"))
                .hasMessageContaining("API key field");
    }

    @Test
    void routingHeadersCannotBeSet() {
        for (String name : new String[] {
            "Host",
            "Connection",
            "Transfer-Encoding",
            "Proxy-Authorization",
            "X-Forwarded-For",
            "X-Forwarded-Host",
            "Forwarded",
            "Content-Length",
            "Upgrade",
            "Authorization"
        }) {
            assertThat(EgressPolicy.refusedHeader(name)).as(name).isNotNull();
        }
        assertThat(EgressPolicy.refusedHeader("OpenAI-Organization")).isNull();
        assertThat(EgressPolicy.refusedHeader("X-Api-Version")).isNull();
    }

    @Test
    void theClientDoesNotConnectToARefusedAddressWhateverTheUrlSays() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        HttpServer listening = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        listening.createContext("/", exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        listening.start();
        try {
            int port = listening.getAddress().getPort();
            var client = server.client(Duration.ofSeconds(2), Duration.ofSeconds(5));
            for (String url : new String[] {
                "http://127.0.0.1:" + port + "/", "http://localhost:" + port + "/", "http://2130706433:" + port + "/"
            }) {
                assertThatThrownBy(() -> client.newCall(
                                        new Request.Builder().url(url).build())
                                .execute())
                        .as(url)
                        .isInstanceOf(EgressPolicy.RefusedException.class);
            }
            assertThat(hits).hasValue(0);

            var allowed = EgressPolicy.of(false, "127.0.0.1").client(Duration.ofSeconds(2), Duration.ofSeconds(5));
            try (var response = allowed.newCall(new Request.Builder()
                            .url("http://127.0.0.1:" + port + "/")
                            .build())
                    .execute()) {
                assertThat(response.code()).isEqualTo(200);
            }
            assertThat(hits).hasValue(1);
        } finally {
            listening.stop(0);
        }
    }
}
