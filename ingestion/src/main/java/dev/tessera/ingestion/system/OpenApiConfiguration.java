package dev.tessera.ingestion.system;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3 description of the ingestion app ({@code /v3/api-docs}, Swagger UI at
 * {@code /swagger-ui.html}): the admin API ({@code /api/v1/sources/**}) with a bearer-JWT scheme and its
 * roles, and the vendor transports ({@code /webhooks/{source}}, the Segment API {@code /v1/*}), which take
 * no tokens: each request is authenticated by the vendor's signature (or write key) over the raw body.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String BEARER = "bearer-jwt";
    static final String SIGNATURE = "vendor-signature";
    static final String PROBLEM = "Problem";

    @Bean
    OpenAPI tesseraIngestionApi() {
        return new OpenAPI()
                .info(new Info().title("Tessera ingestion API").version("v1")
                        .description("Source administration (routes, dead letters, replay) for integrators, and "
                                + "the webhook endpoints vendors deliver to. Errors are RFC 9457 problem details.")
                        .license(new License().name("Apache-2.0")))
                .components(new Components()
                        .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .bearerFormat("JWT")
                                .description("Access token of the Tessera realm (RS256, audience tessera-api)."))
                        .addSecuritySchemes(SIGNATURE, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name("X-Signature")
                                .description("Not a token: the vendor's signature of the raw body in the vendor's own "
                                        + "header (e.g. X-Shopify-Hmac-Sha256, Typeform-Signature, an HMAC header "
                                        + "configured per source), or the Segment write key as HTTP Basic user name "
                                        + "or as the body's top-level writeKey. "
                                        + "Checked in code against the source's secret; see docs/sources.md."))
                        .addSchemas(PROBLEM, new ObjectSchema().description("RFC 9457 problem details")
                                .properties(new TreeMap<>(java.util.Map.of("type", new StringSchema(),
                                        "title", new StringSchema(), "status", new IntegerSchema(),
                                        "detail", new StringSchema(), "instance", new StringSchema())))));
    }

    @Bean
    OpenApiCustomizer rolesAndProblems() {
        return openApi -> openApi.getPaths().forEach((path, item) -> item.readOperationsMap()
                .forEach((method, operation) -> describe(path, operation)));
    }

    private static void describe(String path, Operation operation) {
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        responses.keySet().removeIf(code -> !code.startsWith("2"));
        String description = operation.getDescription() == null ? "" : operation.getDescription() + "\n\n";
        if (path.startsWith("/api/")) {
            String roles = Arrays.stream(SecurityConfiguration.SOURCE_ADMINS).sorted().collect(Collectors.joining(", "));
            operation.addExtension("x-roles", roles);
            operation.setDescription(description + "**Roles:** " + roles);
            operation.setSecurity(List.of(new SecurityRequirement().addList(BEARER)));
            responses.addApiResponse("400", problem("Invalid request: the detail names the parameter"));
            responses.addApiResponse("401", problem("No token, or a token that is expired or not of this realm"));
            responses.addApiResponse("403", problem("The token's roles do not allow this request"));
            responses.addApiResponse("503", problem("Tokens cannot be checked now (the realm's keys are out of reach); "
                    + "see Retry-After"));
            responses.addApiResponse("404", problem("No such source or dead letter"));
        } else {
            operation.addExtension("x-roles", "none: authenticated by the vendor's signature");
            operation.setDescription(description + "**Authentication:** the vendor's signature over the raw body "
                    + "(no token). The body is the vendor's payload, verbatim.");
            operation.setSecurity(List.of(new SecurityRequirement().addList(SIGNATURE)));
            operation.setRequestBody(new RequestBody().required(true).description("The vendor's payload")
                    .content(new Content().addMediaType("application/json", new MediaType().schema(new ObjectSchema()))));
            responses.addApiResponse("400", problem("Content the source's format rejects"));
            responses.addApiResponse("401", problem("Missing or wrong signature"));
            responses.addApiResponse("404", problem("No webhook source has this name"));
            responses.addApiResponse("409", problem("A delivery replayed outside the replay window"));
            responses.addApiResponse("413", problem("Larger than the source's byte limit"));
            responses.addApiResponse("503", problem("The source's route is stopped; retry later"));
        }
        operation.setResponses(responses);
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse().description(description).content(new Content().addMediaType("application/problem+json",
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
    }
}
