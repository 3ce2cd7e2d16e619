package dev.distillery.tenancy.security;

import org.springframework.security.core.AuthenticationException;

/** Too many sign-in attempts for an account or from an address. */
class LoginThrottledException extends AuthenticationException {

    LoginThrottledException() {
        super("Too many sign-in attempts. Wait a minute, then try again.");
    }
}
