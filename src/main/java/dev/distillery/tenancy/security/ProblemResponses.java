package dev.distillery.tenancy.security;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/** RFC 9457 problem responses for requests the security filters stop before any controller runs. */
class ProblemResponses {

    private final JsonMapper json;

    ProblemResponses(JsonMapper json) {
        this.json = json;
    }

    AuthenticationEntryPoint entryPoint() {
        return (request, response, exception) -> {
            Object reason = request.getAttribute(ApiKeyAuthenticationFilter.FAILURE);
            write(
                    response,
                    HttpStatus.UNAUTHORIZED,
                    reason instanceof String s
                            ? s
                            : "Send a workspace API key as 'Authorization: Bearer <key>'. Create one in Workspace settings → API keys.");
            response.setHeader("WWW-Authenticate", "Bearer");
        };
    }

    AccessDeniedHandler accessDenied() {
        return (request, response, exception) -> write(
                response, HttpStatus.FORBIDDEN, Objects.requireNonNullElse(exception.getMessage(), "Access denied."));
    }

    void write(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", status.getReasonPhrase());
        body.put("status", status.value());
        body.put("detail", detail);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), body);
    }
}
