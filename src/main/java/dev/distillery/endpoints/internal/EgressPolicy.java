package dev.distillery.endpoints.internal;

import dev.distillery.shared.Installation;
import dev.distillery.shared.InvalidInputException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Where the server may connect for a workspace: every connection to a model endpoint (run calls, "Test
 * connection", fine-tuning uploads and polls) goes through an OkHttp client built here, whose DNS resolver checks
 * every address a host resolves to and hands OkHttp only checked addresses (OkHttp connects to those, with no second
 * lookup a rebinding DNS server could answer differently), which refuses IP-literal hosts itself before connecting
 * (OkHttp does not ask the resolver for those), follows no redirect and uses no proxy.
 *
 * <p>Always refused: link-local addresses (where cloud metadata services live) and the other metadata names and
 * addresses, the shared address space of carrier-grade NAT ({@code 100.64.0.0/10}, where one cloud's metadata
 * service is), multicast, broadcast, "this network" ({@code 0.0.0.0/8}, {@code ::}), hosts written as numbers in
 * other forms than a dotted quad (decimal, hex, octal) and IPv6 addresses carrying a refused IPv4 address
 * (mapped, compatible, 6to4, NAT64, Teredo). Loopback and private networks (RFC 1918, unique-local IPv6) are refused
 * unless {@code DISTILLERY_ENDPOINTS_ALLOW_PRIVATE_NETWORKS=true} (the default of a local install on the embedded
 * database, whose user runs Ollama or vLLM on the same machine) or the host or its address is listed in
 * {@code DISTILLERY_ENDPOINTS_ALLOWED_HOSTS} (host names or CIDR ranges, comma-separated).
 */
@Component
public class EgressPolicy {

    /** Headers a user may not set: they steer the connection or the request's routing, not the model server. */
    private static final Set<String> ROUTING_HEADERS = Set.of(
            "host",
            "connection",
            "keep-alive",
            "transfer-encoding",
            "te",
            "trailer",
            "upgrade",
            "content-length",
            "expect",
            "forwarded",
            "via",
            "x-real-ip",
            "x-original-url",
            "x-rewrite-url",
            "x-http-method-override",
            "authorization");

    private static final Set<String> METADATA_HOSTS = Set.of(
            "metadata.google.internal",
            "metadata",
            "instance-data",
            "metadata.azure.com",
            "metadata.tencentyun.com",
            "metadata.packet.net",
            "metadata.platformequinix.com");
    private static final List<IPAddress> ALWAYS_REFUSED = ranges(
            "100.64.0.0/10",
            "0.0.0.0/8",
            "255.255.255.255/32",
            "192.0.0.0/24",
            "fd00:ec2::254/128",
            "100.100.100.200/32");
    private static final List<IPAddress> PRIVATE =
            ranges("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fec0::/10");
    private static final String PRIVATE_SETTINGS = "set DISTILLERY_ENDPOINTS_ALLOW_PRIVATE_NETWORKS=true, or list the "
            + "host in DISTILLERY_ENDPOINTS_ALLOWED_HOSTS, to allow it";
    /** Idle connections kept per endpoint client: enough for a run's concurrency, so bursts do not reconnect. */
    private static final int IDLE_CONNECTIONS = 256;

    private final boolean allowPrivateNetworks;
    private final Set<String> allowedNames;
    private final List<IPAddress> allowedRanges;

    EgressPolicy(EndpointsProperties properties, Installation installation) {
        // a local install on the embedded database runs its models on localhost; a server refuses by default
        Boolean allowPrivate = properties.allowPrivateNetworks();
        this.allowPrivateNetworks = allowPrivate != null ? allowPrivate : installation.local();
        List<String> names = new ArrayList<>();
        List<IPAddress> ranges = new ArrayList<>();
        for (String entry : properties.allowedHosts()) {
            String host = entry.strip().toLowerCase(Locale.ROOT);
            if (host.isEmpty()) {
                continue;
            }
            IPAddressString address = new IPAddressString(host);
            if (address.isIPAddress()) {
                ranges.add(address.getAddress().toPrefixBlock());
            } else {
                names.add(host);
            }
        }
        this.allowedNames = Set.copyOf(names);
        this.allowedRanges = List.copyOf(ranges);
    }

    /** The policy as configured, for tests and tools. */
    public static EgressPolicy of(boolean allowPrivateNetworks, String allowedHosts) {
        return new EgressPolicy(
                new EndpointsProperties(allowPrivateNetworks, List.of(allowedHosts.split(","))),
                new Installation(false));
    }

    /** Raised when a connection would go where the policy does not allow; never retried. */
    public static final class RefusedException extends UnknownHostException {

        RefusedException(String message) {
            super(message);
        }

        /** Never null: every constructor takes the message. */
        @Override
        public String getMessage() {
            return Objects.requireNonNull(super.getMessage());
        }
    }

    /**
     * Checks a base URL as a user enters it and returns it normalised (no trailing slash).
     *
     * @throws InvalidInputException on field {@code baseUrl}, naming the rule and the setting that would allow it
     */
    public String checkUrl(String baseUrl) {
        String trimmed = baseUrl.strip();
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new InvalidInputException("baseUrl", "Not a valid URL: " + e.getReason() + ".");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidInputException(
                    "baseUrl", "Use an http:// or https:// URL, like https://api.openai.com/v1.");
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            throw new InvalidInputException("baseUrl", "The URL has no host name.");
        }
        if (uri.getUserInfo() != null) {
            throw new InvalidInputException("baseUrl", "Put credentials in the API key field, not in the URL.");
        }
        try {
            check(host);
        } catch (RefusedException e) {
            throw new InvalidInputException("baseUrl", e.getMessage());
        } catch (UnknownHostException unresolved) {
            // Accepted: the server may not be reachable yet. Every connection resolves and checks the host again.
        }
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    /** Why a header may not be set, or null when it may. */
    public static @Nullable String refusedHeader(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("authorization")) {
            return "Put the key in the API key field, not an Authorization header.";
        }
        if (ROUTING_HEADERS.contains(lower) || lower.startsWith("proxy-") || lower.startsWith("x-forwarded-")) {
            return "'" + name + "' steers the connection or its routing and cannot be set on an endpoint.";
        }
        return null;
    }

    /**
     * The addresses {@code host} may be reached at: all it resolves to, when every one is allowed.
     *
     * @throws RefusedException naming the rule (and the setting, where one opens it) when any address is refused
     * @throws UnknownHostException when the host does not resolve
     */
    public List<InetAddress> check(String host) throws UnknownHostException {
        String name = stripBrackets(host).toLowerCase(Locale.ROOT);
        if (METADATA_HOSTS.contains(name) || name.endsWith(".internal") && name.startsWith("metadata")) {
            throw new RefusedException(host + " is a cloud metadata service; it is always refused.");
        }
        IPAddressString literal = new IPAddressString(name);
        if (literal.isIPAddress() && !literal.getAddress().isMultiple()) {
            IPAddress parsed = literal.getAddress();
            if (parsed.isIPv4() && !parsed.toCanonicalString().equals(name)) {
                throw new RefusedException(host + " is an IPv4 address written in another form than a dotted quad "
                        + "(decimal, hex or octal); write " + parsed.toCanonicalString() + " instead.");
            }
            InetAddress address = parsed.toInetAddress();
            refuse(host, List.of(address), allowedNames.contains(name));
            return List.of(address);
        }
        List<InetAddress> addresses = Arrays.asList(InetAddress.getAllByName(name));
        refuse(host, addresses, allowedNames.contains(name));
        return addresses;
    }

    private void refuse(String host, List<InetAddress> addresses, boolean listed) throws RefusedException {
        for (InetAddress address : addresses) {
            @Nullable String rule = alwaysRefused(address);
            if (rule != null) {
                throw new RefusedException(describe(host, address) + " is " + rule + "; it is always refused.");
            }
            @Nullable String privateRule = privateRule(address);
            if (privateRule != null && !allowPrivateNetworks && !listed && !inAllowedRange(address)) {
                throw new RefusedException(describe(host, address) + " is " + privateRule + ", refused on this server ("
                        + PRIVATE_SETTINGS + ").");
            }
        }
    }

    private static String describe(String host, InetAddress address) {
        String ip = address.getHostAddress();
        return stripBrackets(host).equalsIgnoreCase(ip) ? ip : host + " (" + ip + ")";
    }

    /** The always-refused class the address is in, as words, or null. */
    static @Nullable String alwaysRefused(InetAddress inet) {
        IPAddress address = address(inet);
        if (address.isIPv6()) {
            IPv6Address v6 = address.toIPv6();
            @Nullable IPv4Address embedded = embeddedIPv4(v6);
            if (embedded != null) {
                @Nullable String rule = alwaysRefused(embedded.toInetAddress());
                if (rule != null) {
                    return "an IPv6 form of an address that " + rule.replaceFirst("^an? ", "is ");
                }
            }
        }
        if (address.isLinkLocal() || inet.isLinkLocalAddress()) {
            return "a link-local address, where cloud metadata services live";
        }
        if (address.isMulticast() || inet.isMulticastAddress()) {
            return "a multicast address";
        }
        if (address.isAnyLocal() || inet.isAnyLocalAddress()) {
            return "the unspecified address";
        }
        for (IPAddress range : ALWAYS_REFUSED) {
            if (range.getIPVersion() == address.getIPVersion() && range.contains(address)) {
                return range.getNetworkPrefixLength() != null && range.getNetworkPrefixLength() == 10
                        ? "in the carrier-grade NAT range 100.64.0.0/10, where a cloud metadata service lives"
                        : "a reserved or cloud metadata address (" + range.toCanonicalString() + ")";
            }
        }
        return null;
    }

    /** The private class the address is in (loopback, private network), or null. */
    static @Nullable String privateRule(InetAddress inet) {
        IPAddress address = address(inet);
        if (address.isIPv6()) {
            @Nullable IPv4Address embedded = embeddedIPv4(address.toIPv6());
            if (embedded != null && privateRule(embedded.toInetAddress()) != null) {
                return "an IPv6 form of a loopback or private address";
            }
        }
        if (address.isLoopback() || inet.isLoopbackAddress()) {
            return "a loopback address";
        }
        for (IPAddress range : PRIVATE) {
            if (range.getIPVersion() == address.getIPVersion() && range.contains(address)) {
                return "a private network address (" + range.toCanonicalString() + ")";
            }
        }
        return null;
    }

    private boolean inAllowedRange(InetAddress inet) {
        IPAddress address = address(inet);
        return allowedRanges.stream().anyMatch(r -> r.getIPVersion() == address.getIPVersion() && r.contains(address));
    }

    /** The IPv4 address an IPv6 address stands for: mapped, compatible, 6to4, NAT64 (64:ff9b::/96), Teredo's client. */
    private static @Nullable IPv4Address embeddedIPv4(IPv6Address v6) {
        if (v6.isIPv4Mapped()
                || v6.isIPv4Compatible() && !v6.isLoopback() && !v6.isZero()
                || v6.isWellKnownIPv4Translatable()) {
            return v6.getEmbeddedIPv4Address();
        }
        if (v6.is6To4()) {
            return v6.get6To4IPv4Address();
        }
        if (v6.isTeredo()) {
            // the client's address is stored inverted in the last 32 bits
            byte[] bytes = v6.getBytes();
            return new IPv4Address(
                    new byte[] {(byte) ~bytes[12], (byte) ~bytes[13], (byte) ~bytes[14], (byte) ~bytes[15]});
        }
        return null;
    }

    private static IPAddress address(InetAddress inet) {
        return inet instanceof Inet4Address v4 ? new IPv4Address(v4) : new IPv6Address((Inet6Address) inet);
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static List<IPAddress> ranges(String... cidrs) {
        return Arrays.stream(cidrs)
                .map(c -> new IPAddressString(c).getAddress().toPrefixBlock())
                .toList();
    }

    /**
     * An HTTP client whose every connection follows this policy, for one endpoint: {@code timeout} bounds a whole
     * call, redirects are not followed (a 3xx reaches the caller as the endpoint's answer), no proxy is used.
     */
    public OkHttpClient client(Duration connectTimeout, Duration timeout) {
        Dns dns = this::check;
        return new OkHttpClient.Builder()
                .dns(dns)
                .proxy(Proxy.NO_PROXY)
                .followRedirects(false)
                .followSslRedirects(false)
                // OkHttp does not ask the resolver about IP-literal hosts: those are checked here, before connecting
                .addInterceptor(chain -> {
                    String host = chain.request().url().host();
                    if (new IPAddressString(host).isIPAddress()) {
                        check(host);
                    }
                    return chain.proceed(chain.request());
                })
                // and, whatever route was taken, the address connected to must be one the policy allows
                .addNetworkInterceptor(chain -> {
                    var connection = chain.connection();
                    if (connection != null) {
                        String host =
                                stripBrackets(chain.request().url().host()).toLowerCase(Locale.ROOT);
                        refuse(
                                host,
                                List.of(connection.route().socketAddress().getAddress()),
                                allowedNames.contains(host));
                    }
                    return chain.proceed(chain.request());
                })
                .connectTimeout(connectTimeout)
                // The call timeout bounds the whole exchange. Per-read and per-write timeouts would add nothing to
                // that and cost two more entries in okio's one shared timeout queue for every socket read and write.
                .readTimeout(Duration.ZERO)
                .writeTimeout(Duration.ZERO)
                .callTimeout(timeout)
                .connectionPool(new ConnectionPool(IDLE_CONNECTIONS, 5, TimeUnit.MINUTES))
                .retryOnConnectionFailure(false) // retries belong to the endpoint's Resilience4j policy
                .build();
    }

    /**
     * {@link #client(Duration, Duration)} that also shows every request and response to {@code observer} (rate-limit
     * headers), once connected: a provider counts a request when it arrives, and a new connection's handshake would
     * otherwise make a request seem sent earlier than it went.
     */
    public OkHttpClient client(Duration connectTimeout, Duration timeout, okhttp3.@Nullable Interceptor observer) {
        OkHttpClient client = client(connectTimeout, timeout);
        return observer == null
                ? client
                : client.newBuilder().addNetworkInterceptor(observer).build();
    }

    static boolean refusal(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RefusedException) {
                return true;
            }
        }
        return false;
    }
}
