package dev.distillery.tenancy.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param loginAttemptsPerAccount sign-in attempts per account per minute
 * @param loginAttemptsPerIp sign-in attempts per client address per minute
 * @param rememberMeKey secret that signs remember-me tokens; generated per start when empty (tokens then end on restart)
 */
@ConfigurationProperties("distillery.security")
record SecurityProperties(int loginAttemptsPerAccount, int loginAttemptsPerIp, String rememberMeKey) {
}
