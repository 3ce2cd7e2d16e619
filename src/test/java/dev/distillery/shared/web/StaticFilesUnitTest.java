package dev.distillery.shared.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StaticFilesUnitTest {

    @Test
    void mathJaxIsOnTheClasspathWhereTheHandlerLooksForIt() {
        String folder = StaticFiles.MATHJAX.substring("classpath:/".length());
        ClassLoader loader = getClass().getClassLoader();

        // The pom's version and StaticFiles' must agree: model-text.js loads es5/tex-svg.js, MathJax its extensions.
        assertThat(loader.getResource(folder + "es5/tex-svg.js")).isNotNull();
        assertThat(loader.getResource(folder + "es5/input/tex/extensions/ams.js"))
                .isNotNull();
        assertThat(loader.getResource("META-INF/resources/_static/distillery/model-text.js"))
                .isNotNull();
    }
}
