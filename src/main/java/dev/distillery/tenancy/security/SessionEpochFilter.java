package dev.distillery.tenancy.security;

import dev.distillery.tenancy.AccountService;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.OptionalInt;
import org.springframework.security.authentication.RememberMeAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Ends sessions that "sign out everywhere" ended: each session carries the account's session epoch from when it
 * signed in; when the account's epoch has moved on (or the session carries none), the session is invalidated and the
 * request continues unauthenticated, so the usual sign-in redirect follows. The epoch lives in the database, so this
 * holds across app instances.
 */
class SessionEpochFilter extends OncePerRequestFilter {

    static final String ATTRIBUTE = "distillery.session-epoch";

    private final AccountService accounts;

    SessionEpochFilter(AccountService accounts) {
        this.accounts = accounts;
    }

    /** Stamps the session of a sign-in that just succeeded. */
    static void stamp(HttpSession session, OptionalInt epoch) {
        epoch.ifPresent(value -> session.setAttribute(ATTRIBUTE, value));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        HttpSession session = request.getSession(false);
        if (session != null
                && (auth instanceof UsernamePasswordAuthenticationToken
                        || auth instanceof RememberMeAuthenticationToken)) {
            Object stamped = session.getAttribute(ATTRIBUTE);
            OptionalInt current = accounts.sessionEpoch(auth.getName());
            if (!(stamped instanceof Integer epoch) || current.isEmpty() || current.getAsInt() != epoch) {
                session.invalidate();
                SecurityContextHolder.clearContext();
            }
        }
        chain.doFilter(request, response);
    }
}
