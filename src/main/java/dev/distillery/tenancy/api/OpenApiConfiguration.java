package dev.distillery.tenancy.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document's title and its one security scheme: a workspace API key as bearer token. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI distilleryOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Distillery API").version("v1")
                        .description("Every request carries 'Authorization: Bearer <workspace API key>'; the key decides the workspace. Errors are RFC 9457 problem+json."))
                .components(new Components().addSecuritySchemes("apiKey",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")));
    }
}
