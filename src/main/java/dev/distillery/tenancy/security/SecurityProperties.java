package dev.distillery.tenancy.security;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Sign-in, sign-up and invitation settings ({@code distillery.security}).
 *
 * @param loginAttemptsPerAccount sign-in attempts per account per minute
 * @param loginAttemptsPerIp sign-in attempts per client address per minute
 * @param signUpsPerIpPerHour new accounts one client address may create per hour
 * @param rememberMeKey secret that signs remember-me tokens; generated per start when empty (tokens then end on restart)
 * @param invitationValidity how long an invitation link works
 */
@Validated
@ConfigurationProperties("distillery.security")
public record SecurityProperties(
        @Min(1) int loginAttemptsPerAccount,
        @Min(1) int loginAttemptsPerIp,
        @Min(1) int signUpsPerIpPerHour,
        @Nullable String rememberMeKey,
        Duration invitationValidity) {}
