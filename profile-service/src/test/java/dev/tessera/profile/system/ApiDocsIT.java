package dev.tessera.profile.system;

import static org.assertj.core.api.Assertions.assertThat;
import dev.tessera.core.testing.RedisTestSupport;

import dev.tessera.security.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI description and Swagger UI: public, complete (every endpoint of the app's controllers),
 * with the bearer scheme, the roles of each operation and problem+json errors; the docs pages get the
 * policy they need while API answers keep {@code default-src 'none'}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ApiDocsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("tessera.redis.url", () -> RedisTestSupport.settings().url());
        registry.add("tessera.redis.cluster", () -> RedisTestSupport.settings().cluster());
        TestTokens.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @Test
    void theDescriptionListsEveryEndpointWithItsRolesAndProblemAnswers() throws Exception {
        HttpResponse<String> response = get("/v3/api-docs");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode docs = JSON.readTree(response.body());
        assertThat(docs.at("/components/securitySchemes/bearer-jwt/scheme").asString()).isEqualTo("bearer");
        assertThat(docs.at("/components/securitySchemes/bearer-jwt/bearerFormat").asString()).isEqualTo("JWT");

        Map<String, String> expected = endpointsOfOurControllers();
        assertThat(expected).containsKeys("get /api/v1/profiles", "get /api/v1/profiles/{id}", "get /api/v1/audit",
                "post /api/v1/profiles/{id}/split", "get /api/v1/metrics/nps");
        expected.forEach((operation, path) -> {
            String method = operation.substring(0, operation.indexOf(' '));
            JsonNode op = docs.path("paths").path(path).path(method);
            assertThat(op.isMissingNode()).as(operation + " documented").isFalse();
            assertThat(op.at("/security/0/bearer-jwt").isArray()).as(operation + " security").isTrue();
            assertThat(op.get("x-roles").asString()).as(operation + " roles").isNotBlank().doesNotContain("denied");
            assertThat(op.at("/responses/401/content").has("application/problem+json")).as(operation + " 401").isTrue();
            assertThat(op.at("/responses/403/content").has("application/problem+json")).as(operation + " 403").isTrue();
        });

        JsonNode search = docs.at("/paths/~1api~1v1~1profiles/get");
        assertThat(search.get("x-roles").asString())
                .isEqualTo("with email or phone: cdp-admin, cdp-agent; otherwise cdp-admin, cdp-agent, cdp-marketer");
        assertThat(search.at("/responses/400/content").has("application/problem+json")).isTrue();
        assertThat(search.at("/responses/429/content").has("application/problem+json")).isTrue();
        // every rate-limited read says so, consent too
        assertThat(docs.at("/paths/~1api~1v1~1profiles~1{id}~1consent/get/responses/429/content")
                .has("application/problem+json")).isTrue();
        assertThat(docs.at("/paths/~1api~1v1~1audit/get/x-roles").asString()).isEqualTo("cdp-admin");
        assertThat(docs.at("/paths/~1api~1v1~1profiles~1{id}/get/responses/404")).isNotNull();
    }

    @Test
    void swaggerUiAnswersWithAPolicyThatLetsItsPageRun() throws Exception {
        HttpResponse<String> page = get("/swagger-ui/index.html");
        HttpResponse<String> redirect = get("/swagger-ui.html");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-ui");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-eval"));
        assertThat(redirect.statusCode()).isIn(200, 302);
        assertThat(get("/swagger-ui/swagger-initializer.js").body()).contains("/v3/api-docs");
    }

    @Test
    void theDocsArePublicAndReadOnlyAndTheApiKeepsItsStrictPolicy() throws Exception {
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v3/api-docs"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> api = get("/api/v1/profiles/p-1");

        assertThat(post.statusCode()).isIn(401, 403);
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.headers().firstValue("Content-Security-Policy")).hasValue(
                "default-src 'none'; frame-ancestors 'none'");
    }

    /** "get /api/v1/profiles/{id}" → path, for every handler method of Tessera's own controllers. */
    private Map<String, String> endpointsOfOurControllers() {
        Map<String, String> endpoints = new TreeMap<>();
        mappings.getHandlerMethods().forEach((info, handler) -> {
            if (!handler.getBeanType().getPackageName().startsWith("dev.tessera")) {
                return;
            }
            info.getPatternValues().forEach(path -> info.getMethodsCondition().getMethods().forEach(
                    method -> endpoints.put(method.name().toLowerCase(Locale.ROOT) + " " + path, path)));
        });
        return endpoints;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
