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
 * Authentication's two filter chains: {@code /api/**} (order 1) is stateless and takes only workspace API keys;
 * everything else (order 4) is the Vaadin UI with form sign-in, throttling and persistent remember-me. Modules add
 * chains for what they make public in between: the API documentation (shared.web, 2) and published leaderboards
 * (leaderboards.web, 3).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    static final String FRAMING_POLICY = "frame-ancestors 'none'";

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

    @Bean
    AuthenticationManager authenticationManager(
            AccountService accounts,
            PasswordEncoder passwordEncoder,
            SecurityProperties props,
            RememberMeKey key,
            ApplicationEventPublisher events) {
        var passwords = new DaoAuthenticationProvider(accounts);
        passwords.setPasswordEncoder(passwordEncoder);
        var throttle = new LoginThrottle(props.loginAttemptsPerAccount(), props.loginAttemptsPerIp());
        var manager = new ProviderManager(
                new ThrottledAuthenticationProvider(passwords, throttle),
                new RememberMeAuthenticationProvider(key.value()));
        manager.setAuthenticationEventPublisher(new DefaultAuthenticationEventPublisher(events));
        return manager;
    }

    @Bean
    ProblemResponses problemResponses(JsonMapper json) {
        return new ProblemResponses(json);
    }

    @Bean
    @Order(1)
    SecurityFilterChain apiChain(HttpSecurity http, ApiKeyService apiKeys, ProblemResponses problems) throws Exception {
        return http.securityMatcher("/api/**")
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .formLogin(form -> form.disable())
                .httpBasic(basic -> basic.disable())
                .logout(logout -> logout.disable())
                .anonymous(anonymous -> anonymous.disable())
                .addFilterBefore(new ApiKeyAuthenticationFilter(apiKeys), BasicAuthenticationFilter.class)
                .authorizeHttpRequests(auth -> auth.anyRequest().authenticated())
                .exceptionHandling(e ->
                        e.authenticationEntryPoint(problems.entryPoint()).accessDeniedHandler(problems.accessDenied()))
                .headers(headers -> headers.contentSecurityPolicy(
                                csp -> csp.policyDirectives("default-src 'none'; frame-ancestors 'none'"))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER)))
                .build();
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
