package dev.distillery.tenancy;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The first administrator, created once on the first start ({@code distillery.bootstrap}); empty: none.
 *
 * @param adminEmail the administrator's email
 * @param adminPassword the administrator's password
 * @param adminApiKey a secret (24+ characters) also stored as an Admin API key of the "Default" workspace
 */
@ConfigurationProperties("distillery.bootstrap")
record BootstrapProperties(String adminEmail, String adminPassword, String adminApiKey) {

    BootstrapProperties {
        adminEmail = adminEmail == null ? "" : adminEmail;
        adminPassword = adminPassword == null ? "" : adminPassword;
        adminApiKey = adminApiKey == null ? "" : adminApiKey;
    }
}
