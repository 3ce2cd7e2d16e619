package dev.distillery.endpoints.api;

import dev.distillery.endpoints.ConnectionTestResult;
import dev.distillery.endpoints.EndpointDetails;
import dev.distillery.endpoints.EndpointService;
import dev.distillery.shared.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Model endpoints of the API key's workspace. */
@RestController
@RequestMapping("/api/v1/endpoints")
@Tag(name = "Endpoints")
@SecurityRequirement(name = "apiKey")
class EndpointController {

    private final EndpointService endpoints;
    private final JsonMapper json;

    EndpointController(EndpointService endpoints, JsonMapper json) {
        this.endpoints = endpoints;
        this.json = json;
    }

    @PostMapping
    @Operation(summary = "Register an OpenAI-compatible endpoint (only name, baseUrl and model are required)")
    ResponseEntity<EndpointJson.Output> create(@RequestBody EndpointJson.Input input) {
        EndpointDetails created = endpoints.create(input.toDraft());
        return ResponseEntity.created(URI.create("/api/v1/endpoints/" + created.id()))
                .body(EndpointJson.Output.of(created));
    }

    @GetMapping
    List<EndpointJson.Output> list() {
        return endpoints.list().stream().map(EndpointJson.Output::of).toList();
    }

    @GetMapping("/{id}")
    EndpointJson.Output get(@PathVariable UUID id) {
        return EndpointJson.Output.of(endpoints.get(id));
    }

    @PatchMapping("/{id}")
    @Operation(
            summary = "Change fields (JSON merge patch: absent fields stay, null clears)",
            description = "apiKey replaces the key (null or \"\" removes it); without it the stored key is kept. When "
                    + "baseUrl moves to another server (scheme, host or port), the stored key and header values are "
                    + "not sent there: apiKey (and headers, if the endpoint has any) must be given again, else 400.")
    EndpointJson.Output update(@PathVariable UUID id, @RequestBody JsonNode patch) {
        if (!patch.isObject()) {
            throw new InvalidInputException("(body)", "Send a JSON object with the fields to change.");
        }
        @Nullable
        String apiKey = patch.has("apiKey")
                ? (patch.get("apiKey").isNull() ? "" : patch.get("apiKey").asString())
                : null;
        ObjectNode merged = json.valueToTree(EndpointJson.Input.of(endpoints.get(id)));
        mergePatch(merged, patch);
        EndpointJson.Input input = json.treeToValue(merged, EndpointJson.Input.class);
        @Nullable
        Map<String, String> headers = patch.has("headers")
                ? (input.headers() == null ? Map.of() : new LinkedHashMap<>(input.headers()))
                : null;
        return EndpointJson.Output.of(endpoints.update(id, input.toDraft(), headers, apiKey));
    }

    @PostMapping("/{id}/api-key")
    @Operation(summary = "Rotate the API key (an empty or null apiKey removes it)")
    EndpointJson.Output rotateKey(@PathVariable UUID id, @RequestBody KeyRotation body) {
        return EndpointJson.Output.of(endpoints.rotateKey(id, body.apiKey()));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable UUID id) {
        endpoints.delete(id);
    }

    @GetMapping("/secrets")
    @Operation(summary = "How many endpoints hold a key or header values under an older secret key (OWNER/ADMIN)")
    EndpointService.SecretsStatus secrets() {
        return endpoints.secretsStatus();
    }

    @PostMapping("/secrets/re-encrypt")
    @Operation(
            summary = "Encrypt the workspace's stored keys and header values again under the current secret key",
            description =
                    "After rotating DISTILLERY_SECRET_KEY (the old key in DISTILLERY_SECRET_KEY_PREVIOUS). OWNER/ADMIN.")
    Map<String, Integer> reencrypt() {
        return Map.of("reencrypted", endpoints.reencryptSecrets());
    }

    @PostMapping("/{id}/test")
    @Operation(summary = "Send one tiny request and report latency, the reply, or the error in plain words")
    ConnectionTestResult test(@PathVariable UUID id) {
        return endpoints.testConnection(id);
    }

    record KeyRotation(@Nullable String apiKey) {}

    /** RFC 7386 JSON merge patch: objects merge, null removes, anything else replaces. */
    private static void mergePatch(ObjectNode target, JsonNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                target.remove(field.getKey());
            } else if (value.isObject()
                    && target.get(field.getKey()) instanceof ObjectNode nested
                    && !field.getKey().equals("headers")) {
                mergePatch(nested, value);
            } else {
                target.set(field.getKey(), value);
            }
        }
    }
}
