/** Spring Security wiring of tenancy: sign-in with throttling and remember-me, API keys on /api, problem responses. */
@NullMarked
package dev.distillery.tenancy.security;

import org.jspecify.annotations.NullMarked;
