package dev.distillery;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.jspecify.annotations.Nullable;

/** Real HTTP calls to the app under test, as an API client would make them. */
public final class TestHttp {

    private final HttpClient client = HttpClient.newHttpClient();
    private final int port;

    public TestHttp(int port) {
        this.port = port;
    }

    /** A multipart/form-data POST with text fields and one file part named "file". */
    public HttpResponse<String> upload(
            String path,
            @Nullable String apiKey,
            java.util.Map<String, String> fields,
            String fileName,
            byte[] content) {
        return upload(path, apiKey, fields, java.util.Map.of("file", new FilePart(fileName, content)));
    }

    /** A file to send as one part of a multipart request. */
    public record FilePart(String fileName, byte[] content) {}

    /** A multipart/form-data POST with text fields and file parts by part name. */
    public HttpResponse<String> upload(
            String path,
            @Nullable String apiKey,
            java.util.Map<String, String> fields,
            java.util.Map<String, FilePart> files) {
        String boundary = "----distillery" + java.util.UUID.randomUUID();
        var body = new java.io.ByteArrayOutputStream();
        try {
            for (var field : fields.entrySet()) {
                body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
                                + "\"\r\n\r\n" + field.getValue() + "\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            for (var file : files.entrySet()) {
                body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + file.getKey()
                                + "\"; filename=\"" + file.getValue().fileName()
                                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                body.write(file.getValue().content());
                body.write("\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            body.write(("--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())),
                apiKey);
    }

    public HttpResponse<String> call(String method, String path, @Nullable String apiKey, @Nullable String json) {
        return callWith(method, path, apiKey == null ? null : "Bearer " + apiKey, json);
    }

    /** A JSON call with the Authorization header given whole (HTTP Basic, say), or none. */
    public HttpResponse<String> callWith(
            String method, String path, @Nullable String authorization, @Nullable String json) {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request, null);
    }

    /** The Authorization header of HTTP Basic with a person's email and password. */
    public static String basic(String email, String password) {
        return "Basic "
                + java.util.Base64.getEncoder()
                        .encodeToString((email + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A GET without credentials but with one extra header, e.g. a conditional request. */
    public HttpResponse<String> get(String path, String header, String value) {
        return send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header(header, value)
                        .GET(),
                null);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, @Nullable String apiKey) {
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
