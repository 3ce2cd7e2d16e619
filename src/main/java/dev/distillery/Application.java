package dev.distillery;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.modulith.Modulithic;

/** Distillery: distil reasoning from teacher LLMs into student LLMs, and measure it honestly. */
@SpringBootApplication
@Modulithic(sharedModules = "shared")
public class Application {

    public static void main(String[] args) {
        SpringApplication.run(Application.class, args);
    }
}
