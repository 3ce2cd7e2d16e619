package dev.distillery.tenancy.security;

import dev.distillery.tenancy.AccountService;
import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Puts interactive sign-ins and failed password attempts into the audit log of the account's workspaces, and stamps a
 * new session with the account's session epoch.
 */
@Component
class SignInAuditListener {

    private final AccountService accounts;

    SignInAuditListener(AccountService accounts) {
        this.accounts = accounts;
    }

    @EventListener
    void onSuccess(InteractiveAuthenticationSuccessEvent event) {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes request) {
            SessionEpochFilter.stamp(
                    request.getRequest().getSession(),
                    accounts.sessionEpoch(event.getAuthentication().getName()));
        }
        accounts.recordSignIn(
                event.getAuthentication().getName(),
                true,
                address(event.getAuthentication().getDetails()));
    }

    @EventListener
    void onFailure(AbstractAuthenticationFailureEvent event) {
        if (event.getAuthentication() instanceof UsernamePasswordAuthenticationToken token
                && !(event.getException() instanceof LoginThrottledException)) {
            accounts.recordSignIn(token.getName(), false, address(token.getDetails()));
        }
    }

    private static String address(@Nullable Object details) {
        return details instanceof WebAuthenticationDetails web && web.getRemoteAddress() != null
                ? web.getRemoteAddress()
                : "unknown";
    }
}
