package dev.distillery.tenancy.security;

import com.vaadin.flow.spring.security.RequestUtil;
import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import dev.distillery.tenancy.AccountService;
import dev.distillery.tenancy.ApiKeyService;
import dev.distillery.tenancy.RememberMeTokens;
import dev.distillery.tenancy.ui.LoginView;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.sql.DataSource;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.DefaultAuthenticationEventPublisher;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.RememberMeAuthenticationProvider;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.rememberme.PersistentTokenBasedRememberMeServices;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.util.StringUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * Authentication's filter chains: {@code /api/v1/contribute/**} (order 0) is stateless and takes a person's own email
 * and password as HTTP Basic, for campaign contributors, who belong to no workspace a key could name; the rest of
 * {@code /api/**} (order 1) is stateless and takes only workspace API keys; everything else (order 4) is the Vaadin UI
 * with form sign-in, throttling and persistent remember-me. Modules add chains for what they make public in between:
 * the API documentation (shared.web, 2) and published leaderboards (leaderboards.web, 3).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    static final String FRAMING_POLICY = "frame-ancestors 'none'";

    /** The contributor's REST endpoints (campaigns.api), the one part of the API a person signs in to. */
    static final String CONTRIBUTE = "/api/v1/contribute/**";

    @Bean
    static PasswordEncoder passwordEncoder() {
        // bcrypt today, with the algorithm id stored in each hash so stronger encoders can take over later.
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    RememberMeKey rememberMeKey(SecurityProperties props) {
        if (StringUtils.hasText(props.rememberMeKey())) {
            return new RememberMeKey(props.rememberMeKey());
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return new RememberMeKey(HexFormat.of().formatHex(random));
    }

    @Bean
    PersistentTokenBasedRememberMeServices rememberMeServices(
            RememberMeKey key, AccountService accounts, DataSource dataSource) {
        var services = new DigestedRememberMeServices(key.value(), accounts, new RememberMeTokens(dataSource));
        services.setTokenValiditySeconds(30 * 24 * 3600);
        services.setParameter("remember-me");
        return services;
    }

    /** One throttle for every way a password is tried, so the contributor API adds no guesses to the sign-in form's. */
    @Bean
    LoginThrottle loginThrottle(SecurityProperties props) {
        return new LoginThrottle(props.loginAttemptsPerAccount(), props.loginAttemptsPerIp());
    }

    @Bean
    AuthenticationManager authenticationManager(
            AccountService accounts,
            PasswordEncoder passwordEncoder,
            LoginThrottle throttle,
            RememberMeKey key,
            ApplicationEventPublisher events) {
        var manager = new ProviderManager(
                new ThrottledAuthenticationProvider(passwords(accounts, passwordEncoder), throttle),
                new RememberMeAuthenticationProvider(key.value()));
        manager.setAuthenticationEventPublisher(new DefaultAuthenticationEventPublisher(events));
        return manager;
    }

    private static DaoAuthenticationProvider passwords(AccountService accounts, PasswordEncoder passwordEncoder) {
        var passwords = new DaoAuthenticationProvider(accounts);
        passwords.setPasswordEncoder(passwordEncoder);
        return passwords;
    }

    @Bean
    ProblemResponses problemResponses(JsonMapper json) {
        return new ProblemResponses(json);
    }

    /**
     * Contributors' endpoints: every request carries the person's email and password (HTTP Basic), checked by the same
     * throttled provider as the sign-in form (failures go to the audit log like the form's), a success remembered for a
     * few minutes ({@link RememberedPasswords}) so that not every request pays for a password hash. No session: a client
     * holds no cookie that a page of another site could ride, so CSRF protection has nothing to protect. A workspace
     * API key is refused here with a message saying why, rather than passed on to the API-key chain.
     */
    @Bean
    @Order(0)
    SecurityFilterChain contributorChain(
            HttpSecurity http,
            AccountService accounts,
            PasswordEncoder passwordEncoder,
            LoginThrottle throttle,
            ApplicationEventPublisher events,
            ProblemResponses problems)
            throws Exception {
        // Not a bean: a second AuthenticationManager bean would be ambiguous for the UI chain and Spring Boot.
        var manager = new ProviderManager(new ThrottledAuthenticationProvider(
                new RememberedPasswords(passwords(accounts, passwordEncoder), accounts), throttle));
        manager.setAuthenticationEventPublisher(new DefaultAuthenticationEventPublisher(events));
        return stateless(http.securityMatcher(CONTRIBUTE), problems.contributorEntryPoint(), problems)
                .authenticationManager(manager)
                .httpBasic(basic -> basic.authenticationEntryPoint(problems.contributorEntryPoint()))
                .build();
    }

    @Bean
    @Order(1)
    SecurityFilterChain apiChain(HttpSecurity http, ApiKeyService apiKeys, ProblemResponses problems) throws Exception {
        return stateless(http.securityMatcher("/api/**"), problems.entryPoint(), problems)
                .httpBasic(basic -> basic.disable())
                .addFilterBefore(new ApiKeyAuthenticationFilter(apiKeys), BasicAuthenticationFilter.class)
                .build();
    }

    /** What both API chains share: no session, no cookie, no CSRF token, problem+json refusals, nothing to frame. */
    private static HttpSecurity stateless(
            HttpSecurity http, AuthenticationEntryPoint entryPoint, ProblemResponses problems) throws Exception {
        return http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .anonymous(anonymous -> anonymous.disable())
                .authorizeHttpRequests(auth -> auth.anyRequest().authenticated())
                .exceptionHandling(
                        e -> e.authenticationEntryPoint(entryPoint).accessDeniedHandler(problems.accessDenied()))
                .headers(headers -> headers.contentSecurityPolicy(
                                csp -> csp.policyDirectives("default-src 'none'; frame-ancestors 'none'"))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER)));
    }

    @Bean
    @Order(4)
    SecurityFilterChain uiChain(
            HttpSecurity http,
            AuthenticationManager manager,
            PersistentTokenBasedRememberMeServices rememberMe,
            RememberMeKey key,
            RequestUtil vaadinRequests,
            AccountService accounts)
            throws Exception {
        http.authenticationManager(manager);
        // Vaadin's own CSRF setup exempts the login URL; the sign-in form carries a token, so require it there too.
        http.csrf(csrf -> csrf.ignoringRequestMatchers(vaadinRequests::isFrameworkInternalRequest));
        http.exceptionHandling(e -> e.defaultAccessDeniedHandlerFor(
                (request, response, denied) -> response.sendRedirect(request.getContextPath() + "/login?expired"),
                PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/login")));
        http.authorizeHttpRequests(
                auth -> auth.requestMatchers("/actuator/health", "/actuator/health/**", "/styles.css", "/error")
                        .permitAll());
        // Vaadin's client needs inline scripts and styles, so the UI's policy only forbids framing (clickjacking);
        // nosniff and X-Frame-Options come with Spring Security's defaults.
        // Written before the request is handled: Vaadin's sign-in page is written by its servlet in a way that
        // skips headers added when the response commits.
        http.headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(FRAMING_POLICY))
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
                .addObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
                    @Override
                    public <O extends HeaderWriterFilter> O postProcess(O filter) {
                        filter.setShouldWriteHeadersEagerly(true);
                        return filter;
                    }
                }));
        http.rememberMe(r -> r.rememberMeServices(rememberMe).key(key.value()));
        http.addFilterBefore(new SessionEpochFilter(accounts), AuthorizationFilter.class);
        http.with(
                VaadinSecurityConfigurer.vaadin(),
                vaadin -> vaadin.loginView(LoginView.class).enableCsrfConfiguration(false));
        return http.build();
    }

    /** The secret that ties remember-me tokens to this installation. */
    record RememberMeKey(String value) {}
}
