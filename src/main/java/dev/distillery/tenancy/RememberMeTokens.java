package dev.distillery.tenancy;

import javax.sql.DataSource;
import org.springframework.security.web.authentication.rememberme.JdbcTokenRepositoryImpl;
import org.springframework.security.web.authentication.rememberme.PersistentRememberMeToken;

/**
 * Spring Security's remember-me token table, with each token stored as its SHA-256 digest: the table alone signs
 * nobody in. Presented tokens are digested by {@link #digest} before they are compared.
 */
public final class RememberMeTokens extends JdbcTokenRepositoryImpl {

    public RememberMeTokens(DataSource dataSource) {
        setDataSource(dataSource);
    }

    /** The stored form of a cookie's token. */
    public static String digest(String token) {
        return Secrets.hash(token);
    }

    @Override
    public void createNewToken(PersistentRememberMeToken token) {
        super.createNewToken(new PersistentRememberMeToken(
                token.getUsername(), token.getSeries(), digest(token.getTokenValue()), token.getDate()));
    }

    @Override
    public void updateToken(String series, String tokenValue, java.util.Date lastUsed) {
        super.updateToken(series, digest(tokenValue), lastUsed);
    }
}
