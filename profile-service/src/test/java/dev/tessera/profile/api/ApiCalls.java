package dev.tessera.profile.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Calls of the API with a bearer token, as the integration tests make them (JSON in, any answer out). */
final class ApiCalls {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    ApiCalls(int port) {
        this.base = "http://localhost:" + port;
    }

    /** One answer: status, body, content type, Location and Retry-After ("" when absent). */
    record Response(int status, String body, String contentType, String location, String retryAfter) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    /** Sends {@code body} (JSON; none when null) with {@code authorization} as the Authorization header (none when null). */
    Response send(String method, String path, String authorization, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return answer(request);
    }

    /** As {@link #send}, with the body streamed without a declared length (chunked transfer encoding). */
    Response sendChunked(String method, String path, String authorization, String body)
            throws IOException, InterruptedException {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes)))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json");
        return answer(request);
    }

    private Response answer(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body(),
                response.headers().firstValue("Content-Type").orElse(""),
                response.headers().firstValue("Location").orElse(""),
                response.headers().firstValue("Retry-After").orElse(""));
    }
}
