package dev.distillery;

import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/** Points every Spring test context at this JVM's own test database. */
public class TestDatabaseInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.getEnvironment()
                .getPropertySources()
                .addFirst(new MapPropertySource(
                        "testDatabase",
                        Map.of(
                                "distillery.database.url", TestDatabase.url(),
                                "distillery.database.username", TestDatabase.user(),
                                "distillery.database.password", TestDatabase.password())));
    }
}
