package dev.distillery.shared.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * The OpenAPI document every module's controllers contribute to: its title, its two security schemes (a workspace
 * API key as bearer token; a person's email and password as HTTP Basic, for campaign contributors only), and the
 * filter chain that makes the document and Swagger UI readable without signing in. Chain order across modules:
 * 0 {@code /api/v1/contribute/**} and 1 {@code /api/**} (tenancy), 2 these documents, 3 public pages (leaderboards),
 * 4 the UI (tenancy).
 */
@Configuration(proxyBeanMethods = false)
class ApiDocsConfiguration {

    @Bean
    OpenAPI distilleryOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Distillery API")
                        .version("v1")
                        .description(
                                "Every request carries 'Authorization: Bearer <workspace API key>'; the key decides the workspace. "
                                        + "The one exception is /api/v1/contribute, a campaign contributor's endpoints: they act for a person, "
                                        + "not a workspace, and take the person's own email and password as HTTP Basic (no API key). "
                                        + "Errors are RFC 9457 problem+json."))
                .components(new Components()
                        .addSecuritySchemes(
                                "apiKey",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer"))
                        .addSecuritySchemes(
                                "contributor",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("basic")
                                        .description(
                                                "Your own account's email and password; only on /api/v1/contribute.")));
    }

    @Bean
    @Order(2)
    SecurityFilterChain apiDocsChain(HttpSecurity http) throws Exception {
        return http.securityMatcher("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**")
                .authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives("frame-ancestors 'none'"))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)))
                .build();
    }
}
