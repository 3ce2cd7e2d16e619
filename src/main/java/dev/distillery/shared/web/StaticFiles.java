package dev.distillery.shared.web;

import java.time.Duration;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves {@code /_static/**} from the jars' {@code META-INF/resources/_static} (the chart library's mvnpm jar, the
 * pages' own scripts) and {@code /_static/mathjax/**} from MathJax's webjar, ahead of Vaadin's catch-all route, for the
 * app's pages and public ones alike (the public pages' security chain lets anyone read {@code /_static/**}).
 */
@Configuration(proxyBeanMethods = false)
class StaticFiles implements WebMvcConfigurer {

    /** The version of {@code org.webjars.npm:mathjax} in the pom: where its files are inside the jar. */
    static final String MATHJAX_VERSION = "3.2.2";

    static final String MATHJAX = "classpath:/META-INF/resources/webjars/mathjax/" + MATHJAX_VERSION + "/";

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        // Before the general one: its path is more specific. model-text.js loads es5/tex-svg.js from here, and MathJax
        // loads its TeX extensions from beside that file.
        registry.addResourceHandler("/_static/mathjax/**")
                .addResourceLocations(MATHJAX)
                .setCacheControl(CacheControl.maxAge(Duration.ofDays(7)).cachePublic());
        registry.addResourceHandler("/_static/**")
                .addResourceLocations("classpath:/META-INF/resources/_static/")
                .setCacheControl(CacheControl.maxAge(Duration.ofDays(1)).cachePublic());
    }
}
