package dev.distillery.tenancy.security;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.BadCredentialsException;
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

    /**
     * Why a contributor's request was not signed in: a workspace API key where a person's password belongs, wrong
     * credentials, too many attempts (429, like the sign-in form's throttle), or none.
     */
    AuthenticationEntryPoint contributorEntryPoint() {
        return (request, response, exception) -> {
            if (exception instanceof LoginThrottledException) {
                response.setHeader(HttpHeaders.RETRY_AFTER, "60");
                write(
                        response,
                        HttpStatus.TOO_MANY_REQUESTS,
                        Objects.requireNonNullElse(exception.getMessage(), "Too many sign-in attempts."));
                return;
            }
            String header = request.getHeader(HttpHeaders.AUTHORIZATION);
            String detail;
            if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                detail = "A workspace API key acts for a workspace, and a campaign's contributor acts for themselves: "
                        + "send your own account's email and password as HTTP Basic ('Authorization: Basic "
                        + "<base64 of email:password>') on /api/v1/contribute.";
            } else if (exception instanceof BadCredentialsException) {
                detail = "The email or password is wrong.";
            } else {
                detail = "Sign in with your own account's email and password as HTTP Basic "
                        + "('Authorization: Basic <base64 of email:password>').";
            }
            response.setHeader("WWW-Authenticate", "Basic realm=\"Distillery contributors\", charset=\"UTF-8\"");
            write(response, HttpStatus.UNAUTHORIZED, detail);
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
