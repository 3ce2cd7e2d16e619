package dev.distillery.tenancy.security;

import dev.distillery.tenancy.RememberMeTokens;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.web.authentication.rememberme.PersistentTokenBasedRememberMeServices;

/** Persistent remember-me whose stored tokens are digests: the cookie's token is digested before the comparison. */
class DigestedRememberMeServices extends PersistentTokenBasedRememberMeServices {

    DigestedRememberMeServices(String key, UserDetailsService users, RememberMeTokens tokens) {
        super(key, users, tokens);
    }

    @Override
    protected UserDetails processAutoLoginCookie(
            String[] cookieTokens, HttpServletRequest request, HttpServletResponse response) {
        if (cookieTokens.length == 2) {
            return super.processAutoLoginCookie(
                    new String[] {cookieTokens[0], RememberMeTokens.digest(cookieTokens[1])}, request, response);
        }
        return super.processAutoLoginCookie(cookieTokens, request, response);
    }
}
