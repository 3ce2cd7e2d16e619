package dev.distillery;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.json.JsonMapper;

/**
 * Integration tests over real HTTP share this one web context. Each web context started in a JVM installs Vaadin's
 * security-context strategy globally, so a second context would leave the first one's API-key filter and its
 * authorisation filter on different strategies (a valid key then gets 401): settings the tests need belong in
 * {@code application-test.properties}, not in a test's own {@code @SpringBootTest(properties = …)}, and MockMvc is
 * built from this context rather than through {@code @AutoConfigureMockMvc} (which makes a context of its own).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public abstract class ApiIntegrationTest {

    @LocalServerPort
    protected int port;

    @Autowired
    protected TestTenants tenants;

    @Autowired
    protected JsonMapper json;
}
