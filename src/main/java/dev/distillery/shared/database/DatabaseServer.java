package dev.distillery.shared.database;

/** Connection facts of the PostgreSQL the application uses, whether external or embedded. */
record DatabaseServer(String jdbcUrl, String ownerUser, String ownerPassword) {

    /** Accepts {@code jdbc:postgresql://…} and the common {@code postgres://user:pass@host:port/db} form. */
    static DatabaseServer fromUrl(String url, String username, String password) {
        if (url.startsWith("jdbc:")) {
            return new DatabaseServer(url, username, password);
        }
        if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
            var uri = java.net.URI.create(url);
            String user = username;
            String pass = password;
            if (uri.getRawUserInfo() != null) {
                String[] parts = uri.getRawUserInfo().split(":", 2);
                user = decode(parts[0]);
                pass = parts.length > 1 ? decode(parts[1]) : pass;
            }
            int port = uri.getPort() > 0 ? uri.getPort() : 5432;
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            return new DatabaseServer(
                    "jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getRawPath() + query, user, pass);
        }
        throw new IllegalArgumentException("DATABASE_URL must start with jdbc:postgresql:// or postgres:// but was '"
                + url.replaceAll("//[^@/]*@", "//***@") + "'");
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
