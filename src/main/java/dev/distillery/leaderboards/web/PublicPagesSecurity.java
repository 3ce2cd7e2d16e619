package dev.distillery.leaderboards.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * Published leaderboards and the chart library they load: readable by anyone, read-only, and stateless, so a
 * visitor gets neither a session nor a UI. Third in the order of filter chains (see shared.web.ApiDocsConfiguration).
 */
@Configuration(proxyBeanMethods = false)
class PublicPagesSecurity {

    /** Public pages: their own files only; inline styles stay allowed for the page's stylesheet and the chart's tooltips. */
    static final String PUBLIC_PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    @Bean
    @Order(3)
    SecurityFilterChain publicPagesChain(HttpSecurity http) throws Exception {
        return http.securityMatcher("/p/**", "/_static/**")
                .authorizeHttpRequests(auth -> auth.requestMatchers(HttpMethod.GET, "/p/**", "/_static/**")
                        .permitAll()
                        .anyRequest()
                        .denyAll())
                // Strict: the page's own script and the chart library, no inline script, nothing from elsewhere; a
                // hostile run name stays text even if a template ever printed it unescaped.
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(PUBLIC_PAGE_POLICY))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER)))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .csrf(csrf -> csrf.disable())
                .build();
    }
}
