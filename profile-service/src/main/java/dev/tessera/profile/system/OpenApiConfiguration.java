package dev.tessera.profile.system;

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
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The OpenAPI 3 description ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}): a bearer-JWT
 * scheme, and for every operation the roles that may call it, read from {@link SecurityConfiguration#RULES}
 * (so the description cannot drift from the rules), and its RFC 9457 error answers.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String BEARER = "bearer-jwt";
    static final String PROBLEM = "Problem";
    static final String ROLES_EXTENSION = "x-roles";
    private static final List<String> RATE_LIMITED = List.of("/api/v1/profiles", "/api/v1/profiles/{id}",
            "/api/v1/profiles/{id}/timeline", "/api/v1/profiles/{id}/explanation",
            "/api/v1/profiles/{id}/possible-matches", "/api/v1/profiles/{id}/metrics", "/api/v1/profiles/{id}/consent");

    @Bean
    OpenAPI tesseraProfileApi() {
        return new OpenAPI()
                .info(new Info().title("Tessera profile API").version("v1")
                        .description("Unified customer profiles: search, profile 360, CX timeline and metrics, "
                                + "matching explanations, identity corrections, audit log. Every call needs an "
                                + "access token of the Tessera Keycloak realm; the roles each operation accepts are "
                                + "in its description and in `x-roles`. Errors are RFC 9457 problem details.")
                        .license(new License().name("Apache-2.0")))
                .components(new Components()
                        .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .bearerFormat("JWT")
                                .description("Access token of the Tessera realm (RS256, audience tessera-api); "
                                        + "realm roles cdp-agent, cdp-marketer, cdp-integrator, cdp-admin."))
                        .addSchemas(PROBLEM, problemSchema()))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    @Bean
    OpenApiCustomizer rolesAndProblems() {
        return openApi -> openApi.getPaths().forEach((path, item) -> item.readOperationsMap()
                .forEach((method, operation) -> describe(path, HttpMethod.valueOf(method.name()), operation)));
    }

    private static void describe(String path, HttpMethod method, Operation operation) {
        String roles = roles(path, method);
        operation.addExtension(ROLES_EXTENSION, roles);
        String description = operation.getDescription() == null ? "" : operation.getDescription() + "\n\n";
        operation.setDescription(description + "**Roles:** " + roles);
        operation.setSecurity(List.of(new SecurityRequirement().addList(BEARER)));
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        // springdoc adds the advice's handlers as generic answers; the real ones are these
        responses.keySet().removeIf(code -> !code.startsWith("2"));
        if (operation.getParameters() != null && !operation.getParameters().isEmpty()
                || operation.getRequestBody() != null) {
            responses.addApiResponse("400", problem("Invalid request: the problem's `parameter` names the field"));
        }
        responses.addApiResponse("401", problem("No token, or a token that is expired or not of this realm"));
        responses.addApiResponse("403", problem("The token's roles do not allow this request"));
        responses.addApiResponse("503", problem("Tokens cannot be checked now (the realm's keys are out of reach); "
                + "see Retry-After"));
        if (path.contains("{id}")) {
            responses.addApiResponse("404", problem("No profile has this id"));
        }
        if (path.endsWith("/split") || path.endsWith("/merge")) {
            responses.addApiResponse("409", problem("The profile changed meanwhile (type conflict: read it again and "
                    + "retry), or the change contradicts earlier merge/split decisions (type decision-conflict)"));
        }
        if (method == HttpMethod.GET && RATE_LIMITED.contains(path)) {
            responses.addApiResponse("429", problem("Rate limit of the caller reached; see Retry-After"));
        }
        operation.setResponses(responses);
    }

    /** "cdp-agent, cdp-admin", or per criterion when a rule depends on the query parameters. */
    static String roles(String path, HttpMethod method) {
        String concrete = path.replaceAll("\\{[^}]+}", "x");
        StringBuilder text = new StringBuilder();
        for (SecurityConfiguration.AccessRule rule : SecurityConfiguration.RULES) {
            boolean applies = (rule.method() == null || rule.method().equals(method)) && rule.paths().stream()
                    .anyMatch(p -> PathPatternParser.defaultInstance.parse(p).matches(PathContainer.parsePath(concrete)));
            if (!applies) {
                continue;
            }
            String names = String.join(", ", new TreeSet<>(rule.roles()));
            if (rule.anyOfParameters().isEmpty()) {
                return text.isEmpty() ? names : text + "; otherwise " + names;
            }
            text.append(text.isEmpty() ? "" : "; ").append("with ").append(String.join(" or ", rule.anyOfParameters()))
                    .append(": ").append(names);
        }
        return text.isEmpty() ? "none (denied)" : text.toString();
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse().description(description).content(new Content().addMediaType("application/problem+json",
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
    }

    @SuppressWarnings("rawtypes")
    private static Schema problemSchema() {
        Map<String, Schema> properties = Map.of(
                "type", new StringSchema().format("uri"),
                "title", new StringSchema(),
                "status", new IntegerSchema(),
                "detail", new StringSchema().description("Names the field at fault; never repeats its value"),
                "instance", new StringSchema().format("uri"),
                "parameter", new StringSchema().description("The invalid parameter or body field (400 only)"));
        return new ObjectSchema().description("RFC 9457 problem details")
                .properties(properties.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                        Map.Entry::getValue, (a, b) -> a, java.util.TreeMap::new)));
    }

}
