package dev.distillery;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.modulith.Modulithic;
import org.springframework.scheduling.annotation.EnableAsync;

/** Distillery: distil reasoning from teacher LLMs into student LLMs, and measure it honestly. */
@SpringBootApplication
// Each module's settings are a @ConfigurationProperties record in the module.
@ConfigurationPropertiesScan
@Modulithic(sharedModules = "shared")
// Module listeners (@ApplicationModuleListener) run on a thread of their own, not the publisher's.
@EnableAsync
public class Application {

    public static void main(String[] args) {
        SpringApplication.run(Application.class, args);
    }
}
