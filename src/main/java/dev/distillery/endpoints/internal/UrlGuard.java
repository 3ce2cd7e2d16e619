package dev.distillery.endpoints.internal;

import dev.distillery.shared.InvalidInputException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses endpoint URLs that could turn the server against its own infrastructure: anything but http(s), and hosts
 * that are or resolve to link-local addresses, where cloud metadata services live. Loopback and private networks
 * stay allowed, since local model servers (Ollama, vLLM, llama.cpp) run there.
 */
public final class UrlGuard {

    private static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal", "metadata", "instance-data");

    private UrlGuard() {
    }

    /** The normalised base URL (no trailing slash). */
    public static String check(String baseUrl) {
        String trimmed = baseUrl.strip();
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new InvalidInputException("baseUrl", "Not a valid URL: " + e.getReason() + ".");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidInputException("baseUrl", "Use an http:// or https:// URL, like http://localhost:11434/v1.");
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            throw new InvalidInputException("baseUrl", "The URL has no host name.");
        }
        if (uri.getUserInfo() != null) {
            throw new InvalidInputException("baseUrl", "Put credentials in the API key field, not in the URL.");
        }
        if (METADATA_HOSTS.contains(host.toLowerCase(Locale.ROOT))) {
            throw new InvalidInputException("baseUrl", "Cloud metadata addresses are not allowed.");
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (forbidden(address)) {
                    throw new InvalidInputException("baseUrl",
                            "The host resolves to a link-local address (" + address.getHostAddress()
                                    + "), where cloud metadata services live; that is not allowed.");
                }
            }
        } catch (UnknownHostException unresolved) {
            // Allowed for now: "Test connection" reports DNS problems, and calls re-check before connecting.
        }
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    static boolean forbidden(InetAddress address) {
        if (address.isLinkLocalAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        // AWS's IPv6 metadata service (fd00:ec2::254) sits in a unique-local range, not link-local.
        return b.length == 16 && (b[0] & 0xff) == 0xfd && b[1] == 0 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2
                && b[15] == (byte) 0x54 && b[14] == 0x02;
    }
}
