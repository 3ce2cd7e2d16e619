package dev.distillery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

/**
 * Every setting is a component of a module's {@code @ConfigurationProperties} record, has its default in
 * application.properties, and is in README.md's table by the environment variable that sets it (or by its name
 * where none does); no setting in application.properties is left without a record to read it.
 */
class ConfigurationDocumentationTest {

    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):");

    @Test
    void everySettingIsBoundSetAndDocumented() throws Exception {
        Set<String> bound = boundProperties();
        Properties defaults = new Properties();
        try (Reader in =
                Files.newBufferedReader(Path.of("src/main/resources/application.properties"), StandardCharsets.UTF_8)) {
            defaults.load(in);
        }
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);

        Set<String> unset = new TreeSet<>();
        Set<String> undocumented = new TreeSet<>();
        for (String name : bound) {
            String value = defaults.getProperty(name);
            if (value == null) {
                unset.add(name);
                continue;
            }
            Matcher env = ENV.matcher(value);
            String documentedAs = env.find() ? env.group(1) : name;
            if (!readme.contains("`" + documentedAs + "`")) {
                undocumented.add(name + " (as " + documentedAs + ")");
            }
        }
        Set<String> unread = new TreeSet<>();
        for (String name : defaults.stringPropertyNames()) {
            if (name.startsWith("distillery.") && !bound.contains(name)) {
                unread.add(name);
            }
        }
        assertThat(unset)
                .as("settings without a default in application.properties")
                .isEmpty();
        assertThat(undocumented).as("settings missing from README.md's table").isEmpty();
        assertThat(unread)
                .as("distillery.* settings no @ConfigurationProperties record reads")
                .isEmpty();
    }

    private static Set<String> boundProperties() throws ClassNotFoundException, IOException {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        Set<String> names = new TreeSet<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("dev.distillery")) {
            Class<?> type = Class.forName(candidate.getBeanClassName());
            ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
            String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
            assertThat(type.isRecord()).as(type + " is a record").isTrue();
            for (var component : type.getRecordComponents()) {
                names.add(prefix + "."
                        + component
                                .getName()
                                .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                                .toLowerCase(java.util.Locale.ROOT));
            }
        }
        assertThat(names).as("settings found").hasSizeGreaterThan(20);
        return names;
    }
}
