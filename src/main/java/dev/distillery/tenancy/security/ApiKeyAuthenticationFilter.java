package dev.distillery.tenancy.security;

import dev.distillery.tenancy.ApiKeyService;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/** Authenticates {@code /api} requests by their {@code Authorization: Bearer} workspace key. */
class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    static final String FAILURE = ApiKeyAuthenticationFilter.class.getName() + ".failure";

    private final ApiKeyService apiKeys;

    ApiKeyAuthenticationFilter(ApiKeyService apiKeys) {
        this.apiKeys = apiKeys;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null) {
            if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
                request.setAttribute(
                        FAILURE,
                        "This path takes a workspace API key as 'Authorization: Bearer <key>'. An email and password "
                                + "(HTTP Basic) sign in only on /api/v1/contribute, the endpoints of a campaign's contributor.");
            } else if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
                request.setAttribute(FAILURE, "The Authorization header must be 'Bearer <key>'.");
            } else {
                try {
                    Optional<Authentication> auth = apiKeys.authenticate(header.substring(7));
                    if (auth.isPresent()) {
                        var context = SecurityContextHolder.createEmptyContext();
                        context.setAuthentication(auth.get());
                        SecurityContextHolder.setContext(context);
                    } else {
                        request.setAttribute(FAILURE, "This API key is not valid. Check that you copied all of it.");
                    }
                } catch (AuthenticationException e) {
                    request.setAttribute(FAILURE, e.getMessage());
                }
            }
        }
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
